import { AUDIT_ACTIVITIES } from "../catalogue";
import { type StepId } from "../ids";
import { type Finding } from "../types";
import { type AutomaticResult, type VerificationSource, type VerifyContext } from "../verifiers";
import {
  evaluateConfirmDisabled,
  evaluateConnectWriteback,
  evaluateEndToEnd,
  evaluatePrerequisites,
  evaluateUnlockOn,
  evaluateWritebackSwitchOff,
  evaluateWritebackSwitchOn,
  type Judgement,
} from "@/lib/tenant/evaluate";
import { TenantError, type TenantContext } from "@/lib/tenant/port";

// Verification sources that read Microsoft Graph (the real tenant or the sandbox simulator). Each reads through
// ctx.tenant and hands the facts to lib/tenant/evaluate; when it cannot judge (no sign-in, no consent, nothing
// recorded yet) it stands aside with a notice saying why, and the step can still be attested.

/** Audit records are kept 30 days with P1/P2 (7 without): looking further back finds nothing. */
const AUDIT_LOOKBACK_MS = 30 * 24 * 3600_000;

const WRITEBACK_TOGGLES = [AUDIT_ACTIVITIES.enableWriteback, AUDIT_ACTIVITIES.disableWriteback] as const;
const RESETS = [AUDIT_ACTIVITIES.selfServiceReset, AUDIT_ACTIVITIES.adminReset] as const;

function notice(ctx: VerifyContext, finding: Finding): null {
  (ctx.notices ??= []).push(finding);
  return null;
}

function lookback(ctx: VerifyContext): Date {
  return new Date(ctx.now.getTime() - AUDIT_LOOKBACK_MS);
}

/** Runs a tenant read; a TenantError becomes a notice (what to do) and the source stands aside. */
function tenantSource(
  describe: string,
  confidence: VerificationSource["confidence"],
  judge: (tenant: TenantContext, ctx: VerifyContext) => Promise<Judgement | AutomaticResult>,
  part?: string,
): VerificationSource {
  return {
    confidence,
    describe,
    ...(part ? { part } : {}),
    async check(ctx) {
      if (!ctx.tenant) return null;
      try {
        const judged = await judge(ctx.tenant, ctx);
        if (!("kind" in judged)) return judged;
        return judged.kind === "result" ? judged.result : notice(ctx, judged.notice);
      } catch (error) {
        if (!(error instanceof TenantError)) throw error;
        return notice(ctx, { code: `tenant-${error.kind}`, severity: "warning", message: error.message });
      }
    },
  };
}

/** Optional reads that inform but never decide: a refusal becomes an info finding. */
async function optional<T>(read: () => Promise<T>, notes: Finding[], what: string): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof TenantError)) throw error;
    notes.push({ code: `${what}-unread`, severity: "info", message: error.message });
    return null;
  }
}

const prerequisites = tenantSource(
  "licence, your active roles and the tenant's sync state from Microsoft Graph",
  "verified",
  async ({ port }, ctx) => {
    const [licence, admin, sync] = await Promise.all([
      port.licence(),
      port.signedInAdmin(),
      port.syncState(),
    ]);
    const notes: Finding[] = [];
    const features = await optional(() => port.syncFeatures(), notes, "sync-features");
    const readiness = await optional(() => port.ssprReadiness(), notes, "sspr-readiness");
    return evaluatePrerequisites({ licence, admin, sync, features, readiness, notes }, ctx.now);
  },
  // The cloud half of the step; the directory half (domain controllers, connector account) is judged apart.
  "tenant",
);

const connectWriteback = tenantSource(
  "“Enable/Disable password writeback for directory” audit records",
  "evidence",
  async ({ port }, ctx) =>
    evaluateConnectWriteback(await port.auditRecords(WRITEBACK_TOGGLES, lookback(ctx)), "enabled"),
);

const disableConnectWriteback = tenantSource(
  "“Enable/Disable password writeback for directory” audit records",
  "evidence",
  async ({ port }, ctx) =>
    evaluateConnectWriteback(await port.auditRecords(WRITEBACK_TOGGLES, lookback(ctx)), "disabled"),
);

const ssprWriteback = tenantSource(
  "reset audit records and their OnPremisesAgent (no API exists for the switch)",
  "evidence",
  async ({ port }, ctx) => evaluateWritebackSwitchOn(await port.auditRecords(RESETS, lookback(ctx))),
);

const ssprUnlock = tenantSource(
  "“Unlock user account (self-service)” audit records (no API exists for the switch)",
  "evidence",
  async ({ port }, ctx) =>
    evaluateUnlockOn(await port.auditRecords([AUDIT_ACTIVITIES.selfServiceUnlock], lookback(ctx))),
);

const disableSsprOptions = tenantSource(
  "reset audit records since the clean-up began (no API exists for the switches)",
  "evidence",
  async ({ port, runStartedAt }) => evaluateWritebackSwitchOff(await port.auditRecords(RESETS, runStartedAt)),
);

const confirmDisabled = tenantSource(
  "the “Disable password writeback for directory” record and resets since then",
  "evidence",
  async ({ port }, ctx) => {
    const since = lookback(ctx);
    return evaluateConfirmDisabled(
      await port.auditRecords(WRITEBACK_TOGGLES, since),
      await port.auditRecords(RESETS, since),
    );
  },
);

const endToEnd = tenantSource(
  "the test reset through Graph, its audit record (OnPremisesAgent) and the user's pwdLastSet in AD",
  "verified",
  async ({ port, endToEndTest }, ctx) => {
    if (!endToEndTest) {
      return {
        kind: "stand-aside",
        notice: {
          code: "no-test-run",
          severity: "info",
          message:
            "No test reset has been made in this run yet. Pick a synchronised test user above and start the test.",
        },
      } satisfies Judgement;
    }
    const since = new Date(Date.parse(endToEndTest.resetAt) - 60_000);
    const audits = endToEndTest.refusal
      ? []
      : (await port.auditRecords([AUDIT_ACTIVITIES.adminReset], since)).filter(
          (r) => r.targetUserId === endToEndTest.userId,
        );
    const sid = endToEndTest.onPremisesSecurityIdentifier;
    const onPremises = ctx.onPremisesUsers && sid ? await ctx.onPremisesUsers.findUserBySid(sid) : undefined;
    return evaluateEndToEnd({ test: endToEndTest, audits, onPremises }, ctx.now);
  },
);

export const TENANT_SOURCES: Partial<Record<StepId, readonly VerificationSource[]>> = {
  prerequisites: [prerequisites],
  "connect-writeback": [connectWriteback],
  "sspr-writeback": [ssprWriteback],
  "sspr-unlock": [ssprUnlock],
  "end-to-end-test": [endToEnd],
  "disable-sspr-options": [disableSsprOptions],
  "disable-connect-writeback": [disableConnectWriteback],
  "confirm-disabled": [confirmDisabled],
};
