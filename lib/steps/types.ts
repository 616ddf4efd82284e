// Shared vocabulary of the step machine. Pure: no I/O, no framework imports.

export const FLOWS = ["enable", "cleanup"] as const;
export type Flow = (typeof FLOWS)[number];

export const STEP_STATUSES = [
  "not-started",
  "in-progress",
  "passed",
  "failed",
  "waiting",
  "skipped",
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** How a result was established, strongest first. */
export const CONFIDENCES = ["verified", "evidence", "attested"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const ROLES = ["domain-admin", "hybrid-identity-admin", "global-admin"] as const;
export type Role = (typeof ROLES)[number];

export const PLACES = ["ad-ds", "connect-server", "entra-admin-center", "wizard"] as const;
export type Place = (typeof PLACES)[number];

export interface Finding {
  /** Stable machine code, e.g. `missing-delegation`. */
  code: string;
  /** One sentence for the admin. */
  message: string;
  /** The object concerned (a DN, a UPN, a domain), when there is one. */
  target?: string;
  severity?: "error" | "warning" | "info";
}

export interface RemediationScript {
  /** What the script does, in one line. */
  title: string;
  language: "powershell" | "cmd" | "text";
  script: string;
}

/** What an automatic check established: its verdict, how sure it is, and why. */
export interface AutomaticResult {
  status: "passed" | "failed" | "waiting";
  confidence: Exclude<Confidence, "attested">;
  findings: Finding[];
  evidence: Record<string, unknown>;
  remediation: RemediationScript[];
}

/** A step's check: a result, or no automatic answer (then a named person may attest), with the reasons why. */
export type VerifierOutcome =
  { kind: "checked"; result: AutomaticResult } | { kind: "needs-attestation"; findings: Finding[] };

export interface Attestation {
  by: string;
  note?: string;
  /** ISO-8601 time at which the attestation was recorded (server clock). */
  at: string;
}

/** The recorded state of one step inside a run. */
export interface StepState {
  status: StepStatus;
  confidence: Confidence | null;
  findings: Finding[];
  /** Free-form facts that support the verdict (counts, versions, audit record ids). Never secrets. */
  evidence: Record<string, unknown>;
  remediation: RemediationScript[];
  checkedAt: string | null;
  attestation: Attestation | null;
  skipReason: string | null;
  assignee: string | null;
  notes: string;
}
