import { type StepId, STEP_IDS } from "./ids";
import { type Confidence, type Finding, type Flow, type RemediationScript } from "./types";

// Each step's verifier lists its automatic sources, strongest first. A source returns null when it cannot
// judge in this context (no directory connection, no tenant), and the next one is tried. When no source can
// judge, the step can still be attested by a named person. Later work plugs LDAP, snapshot and Graph sources
// in here behind the same contract; the routes do not change.

export interface VerifyContext {
  run: { id: string; flow: Flow; mode: "sandbox" | "live" };
  now: Date;
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

export const VERIFIERS: Record<StepId, StepVerifier> = Object.fromEntries(
  STEP_IDS.map((stepId) => [stepId, { stepId, sources: [] }]),
) as unknown as Record<StepId, StepVerifier>;
