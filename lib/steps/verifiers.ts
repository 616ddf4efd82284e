import { type StepId, STEP_IDS } from "./ids";
import { DIRECTORY_SOURCES } from "./sources/directory-sources";
import { TENANT_SOURCES } from "./sources/tenant-sources";
import { type Confidence, type Finding, type Flow, type RemediationScript } from "./types";

// Each step's verifier lists its automatic sources, strongest first. A source returns null when it cannot
// judge in this context (no directory connection, no tenant), and the next one is tried. When no source can
// judge, the step can still be attested by a named person. Later work plugs LDAP, snapshot and Graph sources
// in here behind the same contract; the routes do not change.

export interface VerifyContext {
  run: { id: string; flow: Flow; mode: "sandbox" | "live" };
  now: Date;
  // Ports are added here by the features that provide them (directory, tenant); a source that needs a port
  // which is absent returns null.
}

export interface AutomaticResult {
  status: "passed" | "failed" | "waiting";
  confidence: Exclude<Confidence, "attested">;
  findings: Finding[];
  evidence: Record<string, unknown>;
  remediation: RemediationScript[];
}

export interface VerificationSource {
  confidence: Exclude<Confidence, "attested">;
  /** What the source reads, for the UI ("effective rights over LDAPS"). */
  describe: string;
  check(ctx: VerifyContext): Promise<AutomaticResult | null>;
}

export interface StepVerifier {
  stepId: StepId;
  sources: readonly VerificationSource[];
}

export type VerifierOutcome =
  { kind: "checked"; result: AutomaticResult } | { kind: "needs-attestation"; findings: Finding[] };

export async function runVerifier(verifier: StepVerifier, ctx: VerifyContext): Promise<VerifierOutcome> {
  for (const source of verifier.sources) {
    const result = await source.check(ctx);
    if (result) return { kind: "checked", result };
  }
  return {
    kind: "needs-attestation",
    findings: [
      {
        code: "no-automatic-check",
        severity: "info",
        message:
          verifier.sources.length === 0
            ? "The wizard cannot check this step automatically yet. When it is done, record it below with your name."
            : "None of the automatic checks could reach the system they read. Fix the connection, or record the step below with your name.",
      },
    ],
  };
}

/** Each step's sources: the directory ones first (the system of record for AD), then the tenant ones. */
export function verifierFor(stepId: StepId): StepVerifier {
  return {
    stepId,
    sources: [...(DIRECTORY_SOURCES[stepId] ?? []), ...(TENANT_SOURCES[stepId] ?? [])],
  };
}

export const VERIFIERS: Record<StepId, StepVerifier> = Object.fromEntries(
  STEP_IDS.map((stepId) => [stepId, verifierFor(stepId)]),
) as Record<StepId, StepVerifier>;
