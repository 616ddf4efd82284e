import { type DirectoryFinding, type FindingCode, type Severity } from "@/lib/steps/finding-codes";
import { type StepId } from "@/lib/steps/ids";
import { type VerifyResponse } from "./runs";

// The directory API as it travels: /api/runs/<id>/directory/… . Types only (see ./runs.ts); the zod schemas
// that check the request bodies live in lib/server/directory.

/** Per-object directory finding, as the checks produce it and the findings list shows it. */
export type DirectoryFindingView = DirectoryFinding;

export interface DirectorySettings {
  confirmedConnectorDn: string | null;
  /** OUs to check; empty means every user of the domain. */
  scope: string[];
}

export interface DirectoryScanView {
  scannedAt: string;
  summary: string;
  status: string;
  /** Where the facts came from ("LDAPS to …", "snapshot collected …"). */
  source: string;
  findings: number;
  candidates: { dn: string; name: string; description: string | null }[];
  connector: {
    dn: string;
    sid: string;
    name: string;
    how: "configured" | "confirmed" | "single-candidate";
  } | null;
}

export interface DirectoryScanProgress {
  phase: "containers" | "users";
  scanned: number;
  /** Total objects expected, when known. */
  total: number | null;
}

export interface SnapshotSummary {
  collectedAt: string;
  domains: string[];
  users: number;
}

/** GET and PATCH /api/runs/<id>/directory */
export interface DirectoryState {
  /** LDAP configured on this server ("LDAPS to host as account"), or the run's sandbox directory, or null. */
  ldap: string | null;
  /** Whether `ldap` is the run's sandbox directory (simulated; fixes need no credential). */
  sandbox: boolean;
  configurationError: string | null;
  snapshot: SnapshotSummary | null;
  settings: DirectorySettings;
  /** Connector named in server configuration (then no confirmation is needed). */
  configuredConnector: string | null;
  scans: Partial<Record<StepId, DirectoryScanView>>;
  pending: { stepId: string; appliedAt: string; changes: { kind: string; dn: string }[] }[];
  progress: Partial<Record<StepId, DirectoryScanProgress>>;
}

/** PATCH /api/runs/<id>/directory */
export type DirectorySettingsBody = Partial<DirectorySettings>;

/** POST /api/runs/<id>/directory/snapshot (the body is the snapshot file's text). */
export interface SnapshotUploadResponse {
  snapshot: SnapshotSummary | null;
}

/** GET /api/runs/<id>/directory/findings (query string; `format` csv or json answers a file). */
export interface FindingsQuery {
  step: StepId;
  q?: string;
  code?: FindingCode;
  severity?: Severity;
  offset?: number;
  limit?: number;
  format?: "page" | "json" | "csv";
}

export interface FindingsPage {
  total: number;
  offset: number;
  findings: DirectoryFindingView[];
  summary: string;
  scannedAt: string;
}

export type FixStepId = "connector-permissions" | "revoke-connector-permissions";

/** POST /api/runs/<id>/directory/fix/preview */
export interface FixPreviewBody {
  stepId: FixStepId;
}

export interface FixPreviewView {
  stepId: FixStepId;
  /** Names the exact plan; apply refuses when the plan is different by then. */
  planId: string;
  connector: string;
  previews: {
    label: string;
    /** The change in one plain sentence, shown before the SDDL. */
    summary: string;
    /** `optional`: not needed for the step to pass; applied only when the apply body asks for it. */
    change: { kind: string; dn: string; why: string; optional?: boolean };
    diff: { before: string; after: string; lines: string[] } | null;
    note: string | null;
  }[];
  /** Findings the fix does not address (protected accounts, deny entries), explained. */
  notAddressed: string[];
  /** Set when the typed credential is not used (the sandbox directory). */
  credentialNote: string | null;
}

/** POST /api/runs/<id>/directory/fix/apply; the credential is required over LDAP, not in the sandbox. */
export interface FixApplyBody {
  stepId: FixStepId;
  planId: string;
  expectedVersion?: number;
  /** Also apply the changes the preview marks optional (the tutorial's own Unexpire Password entry). */
  includeOptional?: boolean;
  credential?: { bindDn: string; password: string };
}

export interface FixApplyResponse {
  applied: { kind: string; dn: string; result: "applied" | "unchanged" }[];
  verification: VerifyResponse;
}
