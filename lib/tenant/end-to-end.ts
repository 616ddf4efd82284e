import { randomInt } from "node:crypto";
import { z } from "zod";
import { type EndToEndTestRecord } from "./port";

// The end-to-end test's record and its password. The record is kept on the run as a timeline event (the
// history of what was done); the password is shown once to the admin and kept nowhere.

export const END_TO_END_EVENT = "end-to-end-reset";

export const endToEndRecordSchema = z.object({
  userId: z.string(),
  userPrincipalName: z.string(),
  onPremisesSecurityIdentifier: z.string().nullable(),
  resetAt: z.string(),
  operation: z.object({
    status: z.enum(["succeeded", "failed", "running", "notStarted", "unknown"]),
    statusDetail: z.string().nullable(),
    operationId: z.string().nullable(),
  }),
  refusal: z.string().nullable(),
}) satisfies z.ZodType<EndToEndTestRecord>;

// No look-alike characters: the admin may have to type the password on a domain-joined machine.
const SETS = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%+-=?@_"] as const;

/** A random 20-character password with every character class (meets cloud and on-premises complexity). */
export function generateTestPassword(length = 20): string {
  const all = SETS.join("");
  const chars = SETS.map((set) => set[randomInt(set.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}
