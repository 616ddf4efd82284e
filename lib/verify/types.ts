// What a step's check may read (the verify context) and the contract of a verification source. The server builds
// the context explicitly from the run it loaded and the request's tenant access (lib/server/verify-context.ts);
// the CLI and the tests build their own.

import { type ConnectEvidence } from "@/lib/connect/evidence-schema";
import { type RunDirectory } from "@/lib/directory/run-directory";
import { type AutomaticResult, type Finding, type Flow } from "@/lib/steps/types";
import { type StepId } from "@/lib/steps/ids";
import { type OnPremisesUserLookup } from "@/lib/directory/port";
import { type TenantContext } from "@/lib/tenant/port";
import { type CloudSyncEvidence } from "./cloud-sync/evidence";

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
  /** The provisioning agent files (cloud sync) uploaded for this run, already parsed (parseCloudSyncEvidence). */
  cloudSyncEvidence?: readonly CloudSyncEvidence[];
  /** The Connect server's evidence uploaded for this run (null: none), read when a Connect check needs it. */
  connectEvidence?: () => Promise<ConnectEvidence | null>;
}

/**
 * Why a source stands aside, so that the step's summary says what actually happened:
 * - "not-configured": there is nothing for it to read in this run (no sign-in, no directory connection, no
 *   snapshot uploaded, no test made yet);
 * - "unreachable": it tried and could not read the system (down, timed out, refused: missing role or consent);
 * - "nothing-recorded": it read the system, and what it judges by (an audit record, a reset) is not there yet.
 */
export type StandAsideReason = "not-configured" | "unreachable" | "nothing-recorded";

/**
 * What one source answers: a result, or "stand aside" — it cannot judge here — with the reason and the notice that
 * tells the admin why and what to do. Every source says it this one way.
 */
export type SourceAnswer =
  | { kind: "result"; result: AutomaticResult }
  | { kind: "stand-aside"; reason: StandAsideReason; notice: Finding | null };

export const result = (value: AutomaticResult): SourceAnswer => ({ kind: "result", result: value });
export const standAside = (reason: StandAsideReason, notice: Finding | null = null): SourceAnswer => ({
  kind: "stand-aside",
  reason,
  notice,
});

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
  /**
   * A part whose sources are all optional may go unanswered without holding the step back (evidence a run may or
   * may not have: the cloud sync agent's files, the Connect server's evidence in the prerequisites): when every source
   * of the part stands aside, the step is judged on its other parts as if the part were absent.
   */
  optional?: boolean;
}

/** One step's check: its sources, strongest first. */
export interface StepVerifier {
  stepId: StepId;
  sources: readonly VerificationSource[];
}
