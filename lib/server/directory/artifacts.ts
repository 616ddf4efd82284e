import "server-only";
import { z } from "zod";
import { FINDING_CODES } from "@/lib/directory/checks/types";
import { DELTA_FORMAT, type DeltaBaseline } from "@/lib/directory/delta";
import { type PendingChange } from "@/lib/directory/run-directory";
import { DIRECTORY_STEP_IDS, type DirectoryStepId, type StepScan } from "@/lib/directory/scan";
import { parseSnapshot } from "@/lib/directory/snapshot";
import { bytesOf, readSnapshotStream, type SnapshotHeader } from "@/lib/directory/snapshot-stream";
import { getDatabase } from "../db";
import { env } from "../env";

// Per-run directory artifacts in the database (table directory_artifacts): the uploaded snapshot (raw JSON text,
// validated on upload), the run's directory settings (confirmed connector, chosen OUs), the full finding list of
// the latest scan of each step, and the changes the wizard applied. Everything read back is parsed again.

async function db() {
  return (await getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE })).db;
}
type Db = Awaited<ReturnType<typeof db>>;

async function read(runId: string, kind: string): Promise<string | null> {
  const row = await (
    await db()
  )
    .selectFrom("directory_artifacts")
    .select("body")
    .where("run_id", "=", runId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row?.body ?? null;
}

/** Writes one artifact in one statement (an upsert), so a failed request leaves the previous one in place. */
async function write(runId: string, kind: string, body: string, into?: Db): Promise<void> {
  const now = new Date().toISOString();
  await (into ?? (await db()))
    .insertInto("directory_artifacts")
    .values({ run_id: runId, kind, body, updated_at: now })
    .onConflict((oc) => oc.columns(["run_id", "kind"]).doUpdateSet({ body, updated_at: now }))
    .execute();
}

export const runDirectorySettingsSchema = z
  .object({
    confirmedConnectorDn: z.string().trim().min(3).max(2000).nullable().default(null),
    scope: z.array(z.string().trim().min(3).max(2000)).max(100).default([]),
  })
  .strict();
export type RunDirectorySettings = z.infer<typeof runDirectorySettingsSchema>;

export async function readSettings(runId: string): Promise<RunDirectorySettings> {
  const text = await read(runId, "settings");
  const parsed = runDirectorySettingsSchema.safeParse(text ? JSON.parse(text) : {});
  return parsed.success ? parsed.data : { confirmedConnectorDn: null, scope: [] };
}

export async function writeSettings(runId: string, settings: RunDirectorySettings): Promise<void> {
  await write(runId, "settings", JSON.stringify(settings));
}

// The snapshot is kept gzipped (base64 in the text column, after this prefix) with its header (everything but the
// users, and the users per domain) beside it, so the panel reads the header without unpacking the users and a check
// streams them from the packed file. A snapshot stored before, as its JSON text, is read as it is.
const PACKED = "gzip;base64,";

export interface StoredSnapshot {
  header: SnapshotHeader;
  /** The stored file (gzip, or the JSON text of an older upload) from its start, as often as needed. */
  open(): AsyncIterable<Uint8Array>;
}

const headerSchema = z.object({
  snapshot: z.unknown(),
  userCounts: z.array(z.number().int().min(0)),
});

/** Stores a checked snapshot, packed, and its header together (one transaction): both or neither. */
export async function writeSnapshot(runId: string, header: SnapshotHeader, packed: Buffer): Promise<void> {
  await (await db()).transaction().execute(async (trx) => {
    await write(runId, "snapshot", `${PACKED}${packed.toString("base64")}`, trx);
    await write(runId, "snapshot-header", JSON.stringify(header), trx);
  });
}

export async function readStoredSnapshot(runId: string): Promise<StoredSnapshot | null> {
  const body = await read(runId, "snapshot");
  if (body === null) return null;
  const bytes = body.startsWith(PACKED)
    ? Buffer.from(body.slice(PACKED.length), "base64")
    : Buffer.from(body, "utf8");
  const open = () => bytesOf(bytes);
  return { header: (await readHeader(runId)) ?? (await readSnapshotStream(open())), open };
}

/** Just the header (what the directory panel shows), or null when there is none or it no longer reads. */
export async function readSnapshotHeader(runId: string): Promise<SnapshotHeader | null> {
  const header = await readHeader(runId);
  if (header) return header;
  const stored = await readStoredSnapshot(runId).catch(() => null);
  return stored?.header ?? null;
}

async function readHeader(runId: string): Promise<SnapshotHeader | null> {
  const text = await read(runId, "snapshot-header");
  if (!text) return null;
  try {
    const parsed = headerSchema.parse(JSON.parse(text));
    return { snapshot: parseSnapshot(parsed.snapshot), userCounts: parsed.userCounts };
  } catch {
    return null;
  }
}

const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  severity: z.enum(["error", "warning", "info"]),
  dn: z.string(),
  reason: z.string(),
  remediation: z.string(),
  anchor: z.string().optional(),
});

const storedScanSchema = z
  .object({
    stepId: z.enum(DIRECTORY_STEP_IDS),
    source: z.enum(["ldap", "snapshot"]),
    describe: z.string(),
    scannedAt: z.string(),
    summary: z.string(),
    findings: z.array(findingSchema),
    facts: z.record(z.string(), z.unknown()),
  })
  .loose();

export async function writeScan(runId: string, scan: StepScan): Promise<void> {
  await write(runId, `scan:${scan.stepId}`, JSON.stringify(scan));
}

export async function readScan(runId: string, stepId: DirectoryStepId): Promise<StepScan | null> {
  const text = await read(runId, `scan:${stepId}`);
  if (!text) return null;
  const parsed = storedScanSchema.safeParse(JSON.parse(text));
  return parsed.success ? (parsed.data as unknown as StepScan) : null;
}

const pendingSchema = z.array(
  z.object({
    stepId: z.enum(DIRECTORY_STEP_IDS),
    appliedAt: z.string(),
    changes: z.array(z.object({ kind: z.string(), dn: z.string() })),
  }),
);

export async function readPending(runId: string): Promise<PendingChange[]> {
  const text = await read(runId, "changes");
  const parsed = pendingSchema.safeParse(text ? JSON.parse(text) : []);
  return parsed.success ? parsed.data : [];
}

export async function addPending(runId: string, change: PendingChange): Promise<void> {
  const all = await readPending(runId);
  // Keep the last few; older ones are outside the re-check window anyway.
  await write(runId, "changes", JSON.stringify([...all, change].slice(-20)));
}

// What a delta re-check of connector-permissions builds on (lib/directory/delta.ts): the DC's position, the scope,
// the connector's groups and each user's outcome. Written by the wizard itself; a body that does not parse is
// treated as absent (the next check is a full scan).
export const baselineSchema = z
  .object({
    format: z.literal(DELTA_FORMAT),
    fullScanAt: z.string(),
    markedAt: z.string(),
    mark: z.object({
      server: z.string(),
      dnsHostName: z.string().nullable(),
      invocationId: z.string(),
      highestCommittedUsn: z.string().regex(/^\d+$/),
    }),
    describe: z.string(),
    domain: z.object({ dn: z.string(), sid: z.string() }),
    scope: z.array(z.string()),
    connector: z.object({ dn: z.string(), sid: z.string(), tokenGroups: z.array(z.string()) }),
    above: z.array(z.object({ dn: z.string(), sd: z.string() })),
    containers: z.array(z.object({ guid: z.string(), dn: z.string(), sd: z.string() })),
    users: z.array(
      z.object({
        guid: z.string(),
        dn: z.string(),
        r: z.number().int(),
        f: z.array(findingSchema).optional(),
      }),
    ),
  })
  .loose();

export async function readBaseline(runId: string): Promise<DeltaBaseline | null> {
  const text = await read(runId, "delta:connector-permissions");
  if (!text) return null;
  const parsed = baselineSchema.safeParse(JSON.parse(text));
  return parsed.success ? (parsed.data as unknown as DeltaBaseline) : null;
}

export async function writeBaseline(runId: string, baseline: DeltaBaseline | null): Promise<void> {
  await write(runId, "delta:connector-permissions", baseline ? JSON.stringify(baseline) : "");
}
