// The Connect server's evidence as the API carries it: GET/POST /api/runs/<id>/connect-evidence and the
// collector download GET /api/connect/collect-script. Types only; the server builds them from the uploaded file
// (lib/server/connect/evidence-service.ts). Every string here came from the file: the browser shows it as text.

export interface ConnectEvidenceSummary {
  collectedAt: string;
  /** Older than 24 hours: it still counts, but a fresh run of the collector is asked for. */
  stale: boolean;
  computerName: string;
  /** True when the server is a domain controller (Win32_ComputerSystem.DomainRole 4 or 5). */
  domainController: boolean;
  connectVersion: string | null;
  /** The ADSync service; null when the server has none. */
  service: { status: string; startType: string | null } | null;
  /** The writeback setting of the Entra ID connector; null when the collector could not read it. */
  writeback: { connector: string; enabled: boolean } | null;
  /** Event 31019 (Service Bus heartbeat) in the collected window. */
  heartbeat: { count: number; lastTime: string | null };
  eventsSince: string;
  /** Error events grouped by source and id, with Microsoft's meaning and fix. */
  errors: {
    providerName: string;
    id: number;
    name: string;
    meaning: string;
    fix: string | null;
    count: number;
    lastTime: string;
    newestMessage: string | null;
  }[];
  serviceBus: { computerName: string; port: number; reachable: boolean }[];
  connectorAccounts: { connector: string; account: string }[];
  dotNetRelease: number | null;
  restrictRemoteSam: boolean;
}

/** GET: the run's evidence, or null when none was uploaded. */
export interface ConnectEvidenceState {
  evidence: ConnectEvidenceSummary | null;
}

/** POST (201): the stored evidence, read back. */
export type ConnectEvidenceUploadResponse = ConnectEvidenceState & { evidence: ConnectEvidenceSummary };

/** POST /api/sandbox/connect: play the Connect server's part in a sandbox run. */
export type SandboxConnectAction = "upload-evidence" | "stop-adsync" | "block-service-bus" | "restore";

export interface SandboxConnectBody {
  runId: string;
  action: SandboxConnectAction;
}

/** The evidence the simulated server's collector produced and uploaded, and what was simulated. */
export interface SandboxConnectResponse {
  evidence: ConnectEvidenceSummary;
  message: string;
}
