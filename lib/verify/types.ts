// What a step's check may read (the verify context) and the contract of a verification source. The server builds
// the context explicitly from the run it loaded and the request's tenant access (lib/server/verify-context.ts);
// the CLI and the tests build their own.

import { type RunDirectory } from "@/lib/directory/run-directory";
import { type AutomaticResult, type Finding, type Flow } from "@/lib/steps/types";
import { type StepId } from "@/lib/steps/ids";
import { type OnPremisesUserLookup } from "@/lib/directory/port";
import { type TenantContext } from "@/lib/tenant/port";

export interface VerifyContext {
  run: { id: string; flow: Flow; mode: "sandbox" | "live" };
  now: Date;
  /** Microsoft Graph (live) or the sandbox simulator, when this request can reach the tenant. */
  tenant?: TenantContext;
  /** Why this request cannot reach the tenant (not signed in), when that is worth telling; tenant sources say it. */
  tenantUnavailable?: Finding;
  /** On-premises users by SID, for the end-to-end test's on-premises leg. */
  onPremisesUsers?: OnPremisesUserLookup;
  /** The on-premises directory of this run: LDAP or the sandbox copy, and/or the run's uploaded snapshot. */
  directory?: RunDirectory;
}

/**
 * What one source answers: a result, or "stand aside" — it cannot judge here (no connection, no sign-in, nothing
 * recorded yet) — with the notice that tells the admin why and what to do. Every source says it this one way.
 */
export type SourceAnswer =
  { kind: "result"; result: AutomaticResult } | { kind: "stand-aside"; notice: Finding | null };

export const result = (value: AutomaticResult): SourceAnswer => ({ kind: "result", result: value });
export const standAside = (notice: Finding | null = null): SourceAnswer => ({ kind: "stand-aside", notice });

export interface VerificationSource {
  confidence: AutomaticResult["confidence"];
  /** What the source reads, for the UI ("effective rights over LDAPS"). */
  describe: string;
  check(ctx: VerifyContext): Promise<SourceAnswer>;
  /**
   * Sources of different parts each judge one part of a step (prerequisites: the directory part and the tenant
   * part); the verdict then combines the first answer of every part. Sources without a part form one part.
   */
  part?: string;
}

/** One step's check: its sources, strongest first. */
export interface StepVerifier {
  stepId: StepId;
  sources: readonly VerificationSource[];
}
