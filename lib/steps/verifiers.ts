import { type OnPremisesUserLookup, type TenantContext } from "@/lib/tenant/port";
import { type DirectoryContext } from "@/lib/directory/context";
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
  /** Microsoft Graph (live) or the sandbox simulator, when this request can reach the tenant. */
  tenant?: TenantContext;
  /** On-premises users by SID, for the end-to-end test, until the directory port provides it. */
  onPremisesUsers?: OnPremisesUserLookup;
  /** Why automatic sources stood aside (no consent, no role, nothing recorded yet); shown with the attestation. */
  notices?: Finding[];
  /** The on-premises directory: LDAP of this deployment and/or the run's uploaded snapshot (issue 5). */
  directory?: DirectoryContext;
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
  /**
   * Sources of different parts each judge one part of a step (prerequisites: the directory part and the tenant
   * part); the verdict then combines the first answer of every part. Sources without a part form one part.
   */
  part?: string;
}

export interface StepVerifier {
  stepId: StepId;
  sources: readonly VerificationSource[];
}

export type VerifierOutcome =
  { kind: "checked"; result: AutomaticResult } | { kind: "needs-attestation"; findings: Finding[] };

export async function runVerifier(verifier: StepVerifier, ctx: VerifyContext): Promise<VerifierOutcome> {
  if (new Set(verifier.sources.map((source) => source.part ?? "")).size > 1) return runParts(verifier, ctx);
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
      ...(ctx.notices ?? []),
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

/**
 * A step judged in parts: the first answer of each part, combined. A failure in any part is recorded even when
 * another part could not be read (bad news is never swallowed); a pass needs every part. The weakest confidence
 * of the parts is the step's.
 */
async function runParts(verifier: StepVerifier, ctx: VerifyContext): Promise<VerifierOutcome> {
  const parts = new Map<string, VerificationSource[]>();
  for (const source of verifier.sources) {
    const key = source.part ?? "";
    parts.set(key, [...(parts.get(key) ?? []), source]);
  }
  const answered: { part: string; result: AutomaticResult }[] = [];
  const unanswered: string[] = [];
  for (const [part, sources] of parts) {
    let result: AutomaticResult | null = null;
    for (const source of sources) {
      result = await source.check(ctx);
      if (result) break;
    }
    if (result) answered.push({ part, result });
    else unanswered.push(part || "main");
  }
  const failed = answered.some((a) => a.result.status === "failed");
  if (answered.length === 0 || (unanswered.length > 0 && !failed)) {
    return {
      kind: "needs-attestation",
      findings: [
        {
          code: "no-automatic-check",
          severity: "info",
          message: `Part of this step could not be checked automatically (${unanswered.join(", ")}). Fix the connection, or record the step below with your name.`,
        },
        ...answered.flatMap((a) => a.result.findings),
        ...(ctx.notices ?? []),
      ],
    };
  }
  const status = failed
    ? "failed"
    : answered.some((a) => a.result.status === "waiting")
      ? "waiting"
      : "passed";
  const confidence = answered.some((a) => a.result.confidence === "evidence") ? "evidence" : "verified";
  return {
    kind: "checked",
    result: {
      status,
      confidence,
      findings: answered.flatMap((a) => a.result.findings),
      evidence: Object.fromEntries(answered.map((a) => [a.part || "main", a.result.evidence])),
      remediation: answered.flatMap((a) => a.result.remediation),
    },
  };
}
