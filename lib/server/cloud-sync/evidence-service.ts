import "server-only";
import { z } from "zod";
import { type CloudSyncAgentSummary, type CloudSyncEvidenceState } from "@/lib/contract/cloud-sync";
import { type CloudSyncEvidence, parseCloudSyncEvidence } from "@/lib/verify/cloud-sync/evidence";
import {
  CLOUD_SYNC_EVIDENCE_FRESH_MS,
  compareVersions,
  MIN_AGENT_VERSION_FOR_WRITEBACK,
  parseAgentVersion,
} from "@/lib/verify/verdicts/cloud-sync";
import { type Who } from "../access";
import { ApiError } from "../api-error";
import { loadRun, loadRunAs, recordRunEvents } from "../runs-service";
import {
  type AgentFile,
  agentFilesForRun,
  CLOUD_SYNC_MAX_AGENTS,
  readStoredAgentFiles,
  sameServer,
  writeStoredAgentFiles,
} from "./evidence-store";

// The cloud sync provisioning agents' files of a run: upload one agent server's file (validated whole before
// anything is stored; a refusal stores nothing and names the bad field; a new file from the same server replaces
// its old one), remove one, and the readable summary the panel shows. The prerequisites step reads the parsed files
// through the verify context (lib/server/verify-context.ts -> lib/verify/sources/cloud-sync.ts).

export { CLOUD_SYNC_EVIDENCE_MAX_BYTES } from "@/lib/verify/cloud-sync/evidence";
export { CLOUD_SYNC_MAX_AGENTS } from "./evidence-store";

export const CLOUD_SYNC_UPLOADED_EVENT = "cloud-sync-evidence-uploaded";
export const CLOUD_SYNC_REMOVED_EVENT = "cloud-sync-evidence-removed";

/** DELETE's query: which server's file to remove. */
export const removeQuerySchema = z.object({
  computerName: z
    .string({ error: "is required: the name of the agent server whose file to remove" })
    .trim()
    .min(1, "is empty: give the name of the agent server whose file to remove")
    .max(255, "is longer than 255 characters"),
});

/** What the panel shows of one agent server's file: its facts as reported, and whether it is older than a day. */
export function summarizeAgentFile(file: AgentFile, now: Date): CloudSyncAgentSummary {
  const { evidence } = file;
  const version = evidence.agent.fileVersion ?? evidence.agent.productVersion ?? null;
  const parsed = parseAgentVersion(version);
  const minimum = parseAgentVersion(MIN_AGENT_VERSION_FOR_WRITEBACK) as number[];
  return {
    computerName: file.computerName,
    collectedAt: evidence.collectedAt,
    uploadedAt: file.uploadedAt,
    stale: now.getTime() - Date.parse(evidence.collectedAt) > CLOUD_SYNC_EVIDENCE_FRESH_MS,
    installed: evidence.agent.installed,
    agentVersion: version,
    belowMinimum: parsed ? compareVersions(parsed, minimum) < 0 : null,
    service: evidence.service
      ? {
          state: evidence.service.state,
          startMode: evidence.service.startMode ?? null,
          account: evidence.service.account ?? null,
        }
      : null,
    serviceError: evidence.serviceError ?? null,
    writeback: { enabled: evidence.passwordWriteback.enabled, source: evidence.passwordWriteback.source },
  };
}

async function stateOf(runId: string, now: Date): Promise<CloudSyncEvidenceState> {
  return {
    agents: (await agentFilesForRun(runId)).map((f) => summarizeAgentFile(f, now)),
    minimumAgentVersion: MIN_AGENT_VERSION_FOR_WRITEBACK,
    maxAgents: CLOUD_SYNC_MAX_AGENTS,
  };
}

export async function cloudSyncEvidenceState(
  who: Who,
  runId: string,
  now = new Date(),
): Promise<CloudSyncEvidenceState> {
  await loadRun(who, runId, "view");
  return stateOf(runId, now);
}

/** "agent.fileVersion" -> "body.agent.fileVersion"; the whole file -> "body". */
const bodyField = (field: string) =>
  field === "(the whole file)" || field === "" ? "body" : `body.${field}`;

/**
 * Validates the whole file before storing it: a bad one is refused (422) naming the field, and nothing is written.
 * The file replaces the one stored for the same server (by computerName, case-insensitive).
 */
export async function uploadCloudSyncEvidence(
  who: Who,
  runId: string,
  text: string,
  now = new Date(),
): Promise<{ agent: CloudSyncAgentSummary; state: CloudSyncEvidenceState }> {
  const { access } = await loadRunAs(who, runId, "edit");
  const parsed = parseCloudSyncEvidence(text);
  if (!parsed.ok) {
    const fields = parsed.fields.length > 0 ? parsed.fields.map(bodyField) : ["body"];
    throw new ApiError("invalid-body", parsed.problem, { fields });
  }
  const evidence: CloudSyncEvidence = parsed.evidence;
  const computerName = evidence.computerName?.trim();
  if (!computerName)
    // The collector always writes $env:COMPUTERNAME; without it, files from several servers cannot be told apart.
    throw new ApiError(
      "invalid-body",
      "The provisioning agent file is not valid: computerName is missing. The wizard keeps one file per agent server, by its name; upload the file the collector wrote, unchanged.",
      { fields: ["body.computerName"] },
    );

  const uploadedAt = now.toISOString();
  const shown = computerName.slice(0, 60);
  await recordRunEvents(
    runId,
    [
      {
        actor: access.actor,
        type: CLOUD_SYNC_UPLOADED_EVENT,
        summary: `Uploaded the provisioning agent file of ${shown} (collected ${evidence.collectedAt})`,
        detail: { computerName: computerName.slice(0, 255), collectedAt: evidence.collectedAt },
      },
    ],
    // In the run's versioned update: a concurrent upload from another server is re-read, not overwritten.
    async (trx) => {
      const entries = await readStoredAgentFiles(runId, trx);
      const others = entries.filter((e) => !sameServer(e.computerName, computerName));
      if (others.length >= CLOUD_SYNC_MAX_AGENTS)
        throw new ApiError(
          "conflict",
          `This run already holds the files of ${CLOUD_SYNC_MAX_AGENTS} agent servers, the most it keeps. Remove the file of a server you no longer use, then upload again.`,
        );
      await writeStoredAgentFiles(runId, [...others, { computerName, uploadedAt, file: evidence }], trx);
    },
  );
  return {
    agent: summarizeAgentFile({ computerName, uploadedAt, evidence }, now),
    state: await stateOf(runId, now),
  };
}

/** Removes one server's file (edit rights); 404 naming the server when the run holds none from it. */
export async function removeCloudSyncEvidence(
  who: Who,
  runId: string,
  computerName: string,
  now = new Date(),
): Promise<CloudSyncEvidenceState> {
  const { access } = await loadRunAs(who, runId, "edit");
  const missing = () =>
    new ApiError(
      "not-found",
      `This run holds no provisioning agent file from "${computerName.slice(0, 60)}", so there is nothing to remove.`,
    );
  // Checked before the run's version moves on, and again inside the update (someone may have removed it since).
  const stored = await readStoredAgentFiles(runId);
  const found = stored.find((e) => sameServer(e.computerName, computerName));
  if (!found) throw missing();
  await recordRunEvents(
    runId,
    [
      {
        actor: access.actor,
        type: CLOUD_SYNC_REMOVED_EVENT,
        summary: `Removed the provisioning agent file of ${found.computerName.slice(0, 60)}`,
        detail: { computerName: found.computerName.slice(0, 255) },
      },
    ],
    async (trx) => {
      const entries = await readStoredAgentFiles(runId, trx);
      const kept = entries.filter((e) => !sameServer(e.computerName, computerName));
      if (kept.length === entries.length) throw missing();
      await writeStoredAgentFiles(runId, kept, trx);
    },
  );
  return stateOf(runId, now);
}
