// The cloud sync provisioning agents' files as the API carries them: GET/POST/DELETE
// /api/runs/<id>/cloud-sync-evidence and the collector download GET /api/cloud-sync/collect-script. Types only; the
// server builds them from the uploaded files (lib/server/cloud-sync/evidence-service.ts). Every string here came
// from a file: the browser shows it as text.

/** One agent server's file, summarised: what its collector reported, as reported. */
export interface CloudSyncAgentSummary {
  /** The server's name as the file reports it; the key of its file (one per server, case-insensitive). */
  computerName: string;
  collectedAt: string;
  uploadedAt: string;
  /** Older than 24 hours: it still counts, but a fresh run of the collector is asked for. */
  stale: boolean;
  /** Whether AADConnectProvisioningAgent.exe was found. */
  installed: boolean;
  /** The agent executable's file (else product) version; null when not read. */
  agentVersion: string | null;
  /** Older than the minimum Microsoft names for writeback; null when the version could not be read. */
  belowMinimum: boolean | null;
  /** The agent's Windows service; null when it is not registered or could not be read. */
  service: { state: string; startMode: string | null; account: string | null } | null;
  serviceError: string | null;
  /** Writeback as the file reports it: null when the server cannot tell (Microsoft documents no read). */
  writeback: { enabled: boolean | null; source: string };
}

/** GET, DELETE: the run's agent files, newest upload first. */
export interface CloudSyncEvidenceState {
  agents: CloudSyncAgentSummary[];
  /** The oldest agent version Microsoft names for cloud sync password writeback. */
  minimumAgentVersion: string;
  /** How many agent servers a run may hold files for. */
  maxAgents: number;
}

/** POST (201): the file just stored, and all of the run's files. */
export interface CloudSyncEvidenceUploadResponse extends CloudSyncEvidenceState {
  agent: CloudSyncAgentSummary;
}
