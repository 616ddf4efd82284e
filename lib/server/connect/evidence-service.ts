import "server-only";
import { type ConnectEvidenceSummary } from "@/lib/contract/connect";
import {
  type ConnectEvidence,
  ConnectEvidenceError,
  parseConnectEvidenceText,
} from "@/lib/connect/evidence-schema";
import { eventMeaning, HEARTBEAT_EVENT_ID } from "@/lib/connect/events";
import { connectorAccounts, CONNECT_EVIDENCE_FRESH_HOURS } from "@/lib/verify/verdicts/connect";
import { type Who } from "../access";
import { ApiError } from "../api-error";
import { loadRun, loadRunAs, recordRunEvents } from "../runs-service";
import { connectEvidenceForRun, writeConnectEvidenceText } from "./evidence-store";

// The Connect server's evidence of a run: upload (validated whole before anything is stored; a refusal stores
// nothing and names the bad field), the readable summary the evidence panel shows, and the parsed file the
// Connect checks read (lib/verify/sources/connect.ts through the verify context).

export { CONNECT_EVIDENCE_MAX_BYTES } from "@/lib/connect/evidence-schema";

export const CONNECT_EVIDENCE_EVENT = "connect-evidence-uploaded";

/** What the evidence panel shows: the facts of the file, plainly, with Microsoft's meaning of each error id. */
export function summarizeConnectEvidence(evidence: ConnectEvidence, now: Date): ConnectEvidenceSummary {
  const heartbeats = evidence.Events.Summary.filter(
    (e) => e.Id === HEARTBEAT_EVENT_ID && /^PasswordResetService$/i.test(e.ProviderName),
  );
  const errors = evidence.Events.Summary.flatMap((group) => {
    const meaning = eventMeaning(group.ProviderName, group.Id);
    if (meaning?.kind !== "error") return [];
    const newest = evidence.Events.RecentErrors.filter(
      (e) => e.Id === group.Id && e.ProviderName.toLowerCase() === group.ProviderName.toLowerCase(),
    ).sort((a, b) => (a.TimeCreated < b.TimeCreated ? 1 : -1))[0];
    return [
      {
        providerName: group.ProviderName,
        id: group.Id,
        name: meaning.name,
        meaning: meaning.meaning,
        fix: meaning.fix ?? null,
        count: group.Count,
        lastTime: group.LastTime,
        newestMessage: newest?.Message ?? null,
      },
    ];
  }).sort((a, b) => b.count - a.count || a.id - b.id);
  return {
    collectedAt: evidence.collectedAt,
    stale: now.getTime() - Date.parse(evidence.collectedAt) > CONNECT_EVIDENCE_FRESH_HOURS * 3_600_000,
    computerName: evidence.ComputerName,
    domainController: evidence.DomainRole === 4 || evidence.DomainRole === 5,
    connectVersion: evidence.ConnectVersion,
    service: evidence.Service
      ? { status: evidence.Service.Status, startType: evidence.Service.StartType ?? null }
      : null,
    writeback: evidence.PasswordResetConfiguration
      ? {
          connector: evidence.PasswordResetConfiguration.Connector,
          enabled: evidence.PasswordResetConfiguration.Enabled,
        }
      : null,
    heartbeat: {
      count: heartbeats.reduce((n, e) => n + e.Count, 0),
      lastTime: heartbeats.reduce<string | null>(
        (m, e) => (m === null || e.LastTime > m ? e.LastTime : m),
        null,
      ),
    },
    eventsSince: evidence.Events.StartTime,
    errors,
    serviceBus: evidence.ServiceBus.map((p) => ({
      computerName: p.ComputerName,
      port: p.RemotePort,
      reachable: p.TcpTestSucceeded,
    })),
    connectorAccounts: connectorAccounts(evidence),
    dotNetRelease: evidence.DotNetRelease,
    restrictRemoteSam: Boolean(evidence.RestrictRemoteSam),
  };
}

export async function connectEvidenceState(
  who: Who,
  runId: string,
  now = new Date(),
): Promise<ConnectEvidenceSummary | null> {
  await loadRun(who, runId, "view");
  const evidence = await connectEvidenceForRun(runId);
  return evidence ? summarizeConnectEvidence(evidence, now) : null;
}

/** Validates the whole file before storing it; a bad one is refused (422) naming the field, and nothing is written. */
export async function uploadConnectEvidence(
  who: Who,
  runId: string,
  text: string,
  now = new Date(),
): Promise<ConnectEvidenceSummary> {
  const { access } = await loadRunAs(who, runId, "edit");
  let evidence: ConnectEvidence;
  try {
    evidence = parseConnectEvidenceText(text);
  } catch (error) {
    if (!(error instanceof ConnectEvidenceError)) throw error;
    const fields = error.fields.map((f) => (f ? `body.${f}` : "body"));
    throw new ApiError("invalid-body", error.message, { fields });
  }
  await writeConnectEvidenceText(runId, text);
  // The run's version moves on, so the owner's page (and anyone else's) picks the new evidence up by polling.
  await recordRunEvents(runId, [
    {
      actor: access.actor,
      type: CONNECT_EVIDENCE_EVENT,
      summary: `Uploaded the Connect server's evidence (${evidence.ComputerName.slice(0, 60)}, collected ${evidence.collectedAt})`,
      detail: { computerName: evidence.ComputerName.slice(0, 300), collectedAt: evidence.collectedAt },
    },
  ]);
  return summarizeConnectEvidence(evidence, now);
}
