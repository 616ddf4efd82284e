// The provisioning agent evidence file (format sspr-writeback-cloud-sync/1, written by ./collect-script.ts and
// documented field by field in docs/cloud-sync-evidence.md): its schema and its parser. The parser never throws:
// it answers what is wrong, naming the field, so a route can refuse the upload with a 4xx and store nothing.
// Unknown fields are kept and ignored (a newer collector may add some).

import { z } from "zod";

export const CLOUD_SYNC_EVIDENCE_FORMAT = "sspr-writeback-cloud-sync/1";
/** The collector writes about 1 KB; anything near this is not its output. */
export const CLOUD_SYNC_EVIDENCE_MAX_BYTES = 64 * 1024;

const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);

export const cloudSyncEvidenceSchema = z
  .object({
    format: z.literal(CLOUD_SYNC_EVIDENCE_FORMAT, { error: `must be "${CLOUD_SYNC_EVIDENCE_FORMAT}"` }),
    collectedAt: z.iso.datetime({ offset: true, error: "is not an ISO-8601 time" }),
    collector: text(200).nullish(),
    computerName: text(255).nullish(),
    agent: z
      .object({
        installed: z.boolean({ error: "must be true or false" }),
        path: text(1000).nullish(),
        fileVersion: text(100).nullish(),
        productVersion: text(100).nullish(),
        cloudSyncModule: z.boolean({ error: "must be true or false" }).nullish(),
      })
      .loose(),
    service: z
      .object({
        name: text(256),
        displayName: text(256).nullish(),
        state: text(64),
        startMode: text(64).nullish(),
        account: text(512).nullish(),
        pathName: text(2000).nullish(),
      })
      .loose()
      .nullable(),
    serviceError: text(2000).nullish(),
    passwordWriteback: z
      .object({
        enabled: z.boolean({ error: "must be true, false or null" }).nullable(),
        source: text(200),
      })
      .loose(),
  })
  .loose();

export type CloudSyncEvidence = z.infer<typeof cloudSyncEvidenceSchema>;

export type CloudSyncEvidenceParse =
  { ok: true; evidence: CloudSyncEvidence } | { ok: false; problem: string; fields: string[] };

/** `agent.fileVersion`, `service`, or "(the whole file)". */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "(the whole file)";
}

const refuse = (problem: string, fields: string[] = []): CloudSyncEvidenceParse => ({
  ok: false,
  problem,
  fields,
});

/**
 * Checks an uploaded provisioning agent file: its text (or bytes) or an already parsed JSON value. A byte-order
 * mark (Windows PowerShell may write one) is accepted.
 */
export function parseCloudSyncEvidence(input: string | Uint8Array | unknown): CloudSyncEvidenceParse {
  let value: unknown = input;
  if (typeof input === "string" || input instanceof Uint8Array) {
    const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
    if (size > CLOUD_SYNC_EVIDENCE_MAX_BYTES)
      return refuse(
        `The file is ${size.toLocaleString("en-US")} bytes; the provisioning agent collector writes about 1 KB and the limit is ${CLOUD_SYNC_EVIDENCE_MAX_BYTES.toLocaleString("en-US")} bytes.`,
      );
    const body = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
    try {
      value = JSON.parse(body.replace(/^\uFEFF/, ""));
    } catch {
      return refuse(
        "The file is not JSON. Upload the .json file the provisioning agent collector wrote, unchanged.",
      );
    }
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const format = (value as { format?: unknown }).format;
    if (typeof format === "string" && format !== CLOUD_SYNC_EVIDENCE_FORMAT)
      return refuse(
        `The file's format is "${format.slice(0, 80)}", not "${CLOUD_SYNC_EVIDENCE_FORMAT}": it is not the provisioning agent collector's output, or comes from a version this wizard does not read.`,
        ["format"],
      );
  }
  const parsed = cloudSyncEvidenceSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3);
    return refuse(
      `The provisioning agent file is not valid: ${first.map((i) => `${fieldPath(i.path)} ${i.message}`).join("; ")}.`,
      first.map((i) => fieldPath(i.path)),
    );
  }
  return { ok: true, evidence: parsed.data };
}
