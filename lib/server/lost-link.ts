import "server-only";
import { type LostLinkView } from "@/lib/contract/runs";
import { grantFor, linkIsLive, toPrincipal, type Who } from "./access";
import { getStores } from "./stores";

// A browser that opened a share link holds a signed grant for its run. When that link is revoked or expires, the
// run answers 404 as for anyone without access, but to that browser the answer also says why: the grant proves it
// once had the link, so nothing is disclosed that it did not know, and "revoked by its owner" beats "not found".

export async function lostLinkFor(
  who: Who,
  runId: string,
  now: Date = new Date(),
): Promise<LostLinkView | null> {
  const grant = grantFor(toPrincipal(who), runId);
  if (!grant) return null;
  const { links } = await getStores();
  const link = await links.get(grant.linkId);
  if (!link || link.runId !== runId || linkIsLive(link, now)) return null;
  return link.revokedAt !== null
    ? { reason: "revoked", at: link.revokedAt }
    : { reason: "expired", at: link.expiresAt };
}

export function lostLinkMessage(lost: LostLinkView, formatDateTime: (iso: string) => string): string {
  return lost.reason === "revoked"
    ? "This link was revoked by its owner. Ask them for a new one."
    : `This link expired on ${formatDateTime(lost.at)}. Ask the person who shared it for a new one.`;
}
