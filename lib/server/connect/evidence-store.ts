import "server-only";
import { type ConnectEvidence, parseConnectEvidenceText } from "@/lib/connect/evidence-schema";
import { connectorAccounts } from "@/lib/verify/verdicts/connect";
import { getDatabase } from "../db";
import { env } from "../env";

// The run's uploaded Connect evidence, stored as the raw text (validated on upload, parsed again when read) in the
// per-run artifacts table (directory_artifacts, kind "connect-evidence"): one row per run, replaced by a new upload
// in one statement, so a refused upload leaves the previous file in place.

const KIND = "connect-evidence";

async function db() {
  return (await getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE })).db;
}

export async function readConnectEvidenceText(runId: string): Promise<string | null> {
  const row = await (
    await db()
  )
    .selectFrom("directory_artifacts")
    .select("body")
    .where("run_id", "=", runId)
    .where("kind", "=", KIND)
    .executeTakeFirst();
  return row?.body ?? null;
}

export async function writeConnectEvidenceText(runId: string, body: string): Promise<void> {
  const now = new Date().toISOString();
  await (
    await db()
  )
    .insertInto("directory_artifacts")
    .values({ run_id: runId, kind: KIND, body, updated_at: now })
    .onConflict((oc) => oc.columns(["run_id", "kind"]).doUpdateSet({ body, updated_at: now }))
    .execute();
}

/** The run's evidence as the checks read it; null when none was uploaded or it no longer parses. */
export async function connectEvidenceForRun(runId: string): Promise<ConnectEvidence | null> {
  const text = await readConnectEvidenceText(runId);
  if (!text) return null;
  try {
    return parseConnectEvidenceText(text);
  } catch {
    return null;
  }
}

/** The single AD DS connector account the evidence names (DOMAIN\name), when it names exactly one. */
export async function connectorAccountFromEvidence(runId: string): Promise<string | null> {
  const evidence = await connectEvidenceForRun(runId);
  const accounts = evidence ? connectorAccounts(evidence) : [];
  return accounts.length === 1 ? (accounts[0]?.account ?? null) : null;
}
