import "server-only";
import { type Kysely } from "kysely";
import { type CloudSyncEvidence, parseCloudSyncEvidence } from "@/lib/verify/cloud-sync/evidence";
import { getDatabase } from "../db";
import { type Database } from "../db/schema";
import { env } from "../env";

// The run's provisioning agent files (cloud sync), one per agent server, kept together in one row of the per-run
// artifacts table (directory_artifacts, kind "cloud-sync-evidence") as a JSON array. Each entry holds the file as
// uploaded (validated on upload, parsed again when read) and when it was uploaded. Writers change the row inside
// the run's versioned update (recordRunEvents' `within`), so two uploads at once cannot lose each other's file.

const KIND = "cloud-sync-evidence";

/** How many agent servers one run may hold files for (Microsoft's own limit per domain is far lower). */
export const CLOUD_SYNC_MAX_AGENTS = 20;

export interface StoredAgentFile {
  /** As the file reports it. */
  computerName: string;
  uploadedAt: string;
  /** The uploaded JSON value. */
  file: unknown;
}

export interface AgentFile {
  computerName: string;
  uploadedAt: string;
  evidence: CloudSyncEvidence;
}

/** Windows computer names are case-insensitive: SYNC01 and sync01 are the same server. */
export const sameServer = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

async function db(): Promise<Kysely<Database>> {
  return (await getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE })).db;
}

/** The stored entries as written; [] when there are none (or the row is unreadable). */
export async function readStoredAgentFiles(runId: string, on?: Kysely<Database>): Promise<StoredAgentFile[]> {
  const row = await (on ?? (await db()))
    .selectFrom("directory_artifacts")
    .select("body")
    .where("run_id", "=", runId)
    .where("kind", "=", KIND)
    .executeTakeFirst();
  if (!row) return [];
  try {
    const value: unknown = JSON.parse(row.body);
    if (!Array.isArray(value)) return [];
    return value.filter(
      (e): e is StoredAgentFile =>
        e !== null &&
        typeof e === "object" &&
        typeof (e as StoredAgentFile).computerName === "string" &&
        typeof (e as StoredAgentFile).uploadedAt === "string",
    );
  } catch {
    return [];
  }
}

/** Replaces the run's entries; an empty list removes the row. */
export async function writeStoredAgentFiles(
  runId: string,
  entries: readonly StoredAgentFile[],
  on: Kysely<Database>,
): Promise<void> {
  if (entries.length === 0) {
    await on.deleteFrom("directory_artifacts").where("run_id", "=", runId).where("kind", "=", KIND).execute();
    return;
  }
  const body = JSON.stringify(entries);
  const now = new Date().toISOString();
  await on
    .insertInto("directory_artifacts")
    .values({ run_id: runId, kind: KIND, body, updated_at: now })
    .onConflict((oc) => oc.columns(["run_id", "kind"]).doUpdateSet({ body, updated_at: now }))
    .execute();
}

/** The run's agent files, parsed; entries that no longer parse are left out. Newest upload first. */
export async function agentFilesForRun(runId: string): Promise<AgentFile[]> {
  const files: AgentFile[] = [];
  for (const entry of await readStoredAgentFiles(runId)) {
    const parsed = parseCloudSyncEvidence(entry.file);
    if (parsed.ok)
      files.push({
        computerName: entry.computerName,
        uploadedAt: entry.uploadedAt,
        evidence: parsed.evidence,
      });
  }
  return files.sort((a, b) => (a.uploadedAt < b.uploadedAt ? 1 : a.uploadedAt > b.uploadedAt ? -1 : 0));
}

/** What the prerequisites' cloud sync part reads (VerifyContext.cloudSyncEvidence). */
export async function cloudSyncEvidenceForRun(runId: string): Promise<CloudSyncEvidence[]> {
  return (await agentFilesForRun(runId)).map((f) => f.evidence);
}
