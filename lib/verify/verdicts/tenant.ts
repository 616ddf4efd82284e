// Pure judgements over what the tenant returned: each turns facts into the step result the wizard records.
// No I/O and no clock of its own (the caller passes `now`), so every rule is unit-tested without Graph.

import { getStep } from "@/lib/steps/catalogue";
import { type AutomaticResult, type Finding } from "@/lib/steps/types";
import { AUDIT_ACTIVITIES, ROLE_TEMPLATES, WRITEBACK_AGENTS } from "@/lib/tenant/graph-facts";
import {
  type AuditRecord,
  type EndToEndTestRecord,
  type LicenceState,
  type PremiumPlan,
  type SignedInAdmin,
  type SsprReadiness,
  type SyncFeatures,
  type SyncState,
} from "@/lib/tenant/port";
import { type OnPremisesUser } from "@/lib/directory/port";
import { type SourceAnswer, type StandAsideReason } from "../types";
import { ROLE_NEEDS } from "./role-needs";

/** Connect synchronises every 30 minutes by default; three missed cycles is worth a warning. */
export const STALE_SYNC_MINUTES = 90;
/** How long a reset may take to reach AD DS and replicate before the wizard calls it refused. */
export const WRITEBACK_GRACE_MINUTES = 15;
/** Clock difference tolerated between Graph, this server and the domain controllers. */
export const CLOCK_SKEW_MS = 2 * 60_000;

const ADMIN_ROLE_IDS: ReadonlySet<string> = new Set(Object.values(ROLE_TEMPLATES).map((r) => r.id));

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function result(
  status: AutomaticResult["status"],
  confidence: AutomaticResult["confidence"],
  findings: Finding[],
  evidence: Record<string, unknown>,
): AutomaticResult {
  return { status, confidence, findings, evidence, remediation: [] };
}

/** A P1/P2 plan counts when its subscription is Enabled and the plan itself is provisioned. */
export function isUsablePlan(plan: PremiumPlan): boolean {
  return plan.capabilityStatus === "Enabled" && plan.provisioningStatus === "Success";
}

/** The plans that count, and those that exist but do not (with their state, so the admin sees why). */
export function licenceVerdict(licence: LicenceState): { usable: PremiumPlan[]; unusable: PremiumPlan[] } {
  return {
    usable: licence.premiumPlans.filter(isUsablePlan),
    unusable: licence.premiumPlans.filter((plan) => !isUsablePlan(plan)),
  };
}

export function isWrittenBack(record: AuditRecord): boolean {
  return WRITEBACK_AGENTS.some(
    (agent) => agent.toLowerCase() === (record.onPremisesAgent ?? "").toLowerCase(),
  );
}

function describeRecord(record: AuditRecord): Record<string, unknown> {
  return {
    activity: record.activity,
    at: record.at,
    result: record.result,
    initiatedBy: record.initiatedBy,
    target: record.targetUserPrincipalName,
    onPremisesAgent: record.onPremisesAgent,
    auditRecordId: record.id,
  };
}

// ---------------------------------------------------------------------------------------------- prerequisites

export interface PrerequisiteFacts {
  licence: LicenceState;
  admin: SignedInAdmin;
  sync: SyncState;
  /** null when the read was refused; the reason is in `notes`. */
  features: SyncFeatures | null;
  readiness: SsprReadiness | null;
  /** Findings about optional reads that failed (shown, never decisive). */
  notes: Finding[];
}

export function evaluatePrerequisites(facts: PrerequisiteFacts, now: Date): AutomaticResult {
  const findings: Finding[] = [];
  const { admin, sync } = facts;
  const licence = licenceVerdict(facts.licence);

  if (licence.usable.length === 0) {
    const why = licence.unusable.map(
      (p) =>
        `${p.skuPartNumber}/${p.servicePlanName} is ${p.capabilityStatus}, provisioning ${p.provisioningStatus}`,
    );
    findings.push({
      code: "no-premium-licence",
      severity: "error",
      message: `No active Microsoft Entra ID P1 or P2 plan was found${why.length ? ` (${why.join("; ")})` : ""}. Writeback needs one; a trial is enough to try it.`,
    });
  }

  let lastSyncAgeMinutes: number | null = null;
  if (!sync.onPremisesSyncEnabled) {
    findings.push({
      code: "tenant-not-synced",
      severity: "error",
      message:
        "The tenant is not synchronised from an on-premises directory (onPremisesSyncEnabled is not true). Install and run Entra Connect or cloud sync first.",
    });
  } else if (sync.lastSyncDateTime === null) {
    findings.push({
      code: "never-synced",
      severity: "error",
      message: "Synchronisation is enabled but has never completed.",
    });
  } else {
    lastSyncAgeMinutes = Math.max(
      0,
      Math.round((now.getTime() - Date.parse(sync.lastSyncDateTime)) / 60_000),
    );
    if (lastSyncAgeMinutes > STALE_SYNC_MINUTES) {
      findings.push({
        code: "sync-stale",
        severity: "warning",
        message: `The last synchronisation finished ${lastSyncAgeMinutes} minutes ago; Connect normally runs every 30 minutes. Check the sync service before you rely on writeback.`,
      });
    }
  }

  const held = new Set(admin.roles.map((r) => r.roleTemplateId));
  if (![...held].some((id) => ADMIN_ROLE_IDS.has(id))) {
    findings.push({
      code: "no-admin-role",
      severity: "error",
      target: admin.userPrincipalName,
      message:
        "Your account holds no active admin role the wizard can work with. A role that is only eligible in Privileged Identity Management counts once you activate it; then sign in again.",
    });
  }
  for (const need of ROLE_NEEDS) {
    if (need.roles.some((r) => held.has(ROLE_TEMPLATES[r].id))) continue;
    findings.push({
      code: "role-needed",
      severity: "warning",
      target: need.steps.map((s) => getStep(s).title).join("; "),
      message: `You cannot ${need.task} with your current roles. ${list(need.roles.map((r) => ROLE_TEMPLATES[r].name))} can: activate one or hand these steps to someone who holds it.`,
    });
  }

  if (facts.readiness) {
    const r = facts.readiness;
    findings.push({
      code: "sspr-readiness",
      severity: "info",
      message: `${r.ssprCapable} of ${r.syncedUsers} synchronised users can use SSPR right now (${r.ssprEnabled} are in scope, ${r.ssprRegistered} have registered enough methods)${r.truncated ? "; the wizard read only part of a very large tenant" : ""}.`,
    });
  }
  findings.push(...facts.notes);
  const failed = findings.some((f) => f.severity === "error");
  return result(failed ? "failed" : "passed", "verified", findings, {
    tenant: `${sync.displayName} (${sync.tenantId})`,
    premiumPlans: licence.usable.map((p) => `${p.skuPartNumber}: ${p.servicePlanName}`),
    signedInAs: admin.userPrincipalName,
    activeRoles: admin.roles.map((r) => r.displayName),
    lastSync: sync.lastSyncDateTime,
    lastSyncAgeMinutes,
    // Shown for reference only: Microsoft documents passwordWritebackEnabled as not in use.
    syncFeatures: facts.features,
    ssprReadiness: facts.readiness,
  });
}

// ---------------------------------------------------------------------------------------------- Connect option

/** A tenant verdict: a result, or stand aside with a notice (nothing recorded yet to judge by). */
export type Judgement = SourceAnswer;

/** The tenant was read and what the step is judged by is not recorded (yet); `reason` when it is otherwise. */
const standAside = (
  code: string,
  message: string,
  reason: StandAsideReason = "nothing-recorded",
): Judgement => ({
  kind: "stand-aside",
  reason,
  notice: { code, severity: "info", message },
});

/** `toggles`: Enable/Disable password writeback records, newest first. */
export function evaluateConnectWriteback(toggles: AuditRecord[], want: "enabled" | "disabled"): Judgement {
  const latest = toggles[0];
  const wanted = want === "enabled" ? AUDIT_ACTIVITIES.enableWriteback : AUDIT_ACTIVITIES.disableWriteback;
  if (!latest) {
    return standAside(
      "no-writeback-audit-record",
      `No “${wanted}” audit record in the retention window. Audit records take a few minutes to appear; if the change is older than the retention (7 days, 30 with P1/P2), record the step by attestation.`,
    );
  }
  if (latest.activity === wanted) {
    return {
      kind: "result",
      result: result("passed", "evidence", [], { latestWritebackRecord: describeRecord(latest) }),
    };
  }
  if (want === "enabled") {
    return {
      kind: "result",
      result: result(
        "failed",
        "evidence",
        [
          {
            code: "writeback-disabled-since",
            severity: "error",
            message: `The newest record says password writeback was turned off on ${latest.at}${latest.initiatedBy ? ` by ${latest.initiatedBy}` : ""}. Run the Connect wizard again and tick Password writeback.`,
          },
        ],
        { latestWritebackRecord: describeRecord(latest) },
      ),
    };
  }
  return standAside(
    "writeback-still-enabled",
    `The newest record (${latest.at}) still says password writeback is on. Clear the option in the Connect wizard; the “${wanted}” record follows within minutes.`,
  );
}

// ---------------------------------------------------------------------------------------------- portal switches

const NO_API =
  "Microsoft publishes no API for the password reset switches, so the wizard can only see their effect in audit records.";

/** `resets`: self-service and admin reset records, newest first. */
export function evaluateWritebackSwitchOn(resets: AuditRecord[]): Judgement {
  const proof = resets.find(isWrittenBack);
  if (!proof) {
    return standAside(
      "no-written-back-reset",
      `${NO_API} No reset has been written back yet: run the end-to-end test (or let a synced user reset through SSPR) and check again, or record the step by attestation.`,
    );
  }
  return {
    kind: "result",
    result: result("passed", "evidence", [], { writtenBackReset: describeRecord(proof) }),
  };
}

export function evaluateUnlockOn(unlocks: AuditRecord[]): Judgement {
  const proof = unlocks.find((r) => r.result === "success");
  if (!proof) {
    return standAside(
      "no-unlock-record",
      `${NO_API} No “${AUDIT_ACTIVITIES.selfServiceUnlock}” record yet: it appears once a synced user unlocks their account. Record the step by attestation if you saved the switch.`,
    );
  }
  return {
    kind: "result",
    result: result("passed", "evidence", [], { unlockRecord: describeRecord(proof) }),
  };
}

/** Resets since the clean-up began, newest first. */
export function evaluateWritebackSwitchOff(resetsSinceStart: AuditRecord[]): Judgement {
  const latest = resetsSinceStart[0];
  if (!latest) {
    return standAside(
      "no-reset-since-change",
      `${NO_API} No reset has happened since this clean-up began; the next one will show whether writeback is off. Record the step by attestation if you saved the switches.`,
    );
  }
  if (isWrittenBack(latest)) {
    return {
      kind: "result",
      result: result(
        "failed",
        "evidence",
        [
          {
            code: "still-written-back",
            severity: "error",
            target: latest.targetUserPrincipalName ?? undefined,
            message: `A reset on ${latest.at} was still written back (OnPremisesAgent ${latest.onPremisesAgent}). Open On-premises integration, turn the switches off and press Save.`,
          },
        ],
        { latestReset: describeRecord(latest) },
      ),
    };
  }
  return {
    kind: "result",
    result: result("passed", "evidence", [], { latestReset: describeRecord(latest) }),
  };
}

/** The final clean-up check: the Connect option is off and no reset since then was written back. */
export function evaluateConfirmDisabled(toggles: AuditRecord[], resets: AuditRecord[]): Judgement {
  const off = evaluateConnectWriteback(toggles, "disabled");
  if (off.kind === "stand-aside") return off;
  const disabledAt = Date.parse(toggles[0]?.at ?? "");
  const after = resets.filter((r) => Date.parse(r.at) > disabledAt);
  const leak = after.find(isWrittenBack);
  if (leak) {
    return {
      kind: "result",
      result: result(
        "failed",
        "evidence",
        [
          {
            code: "written-back-after-disable",
            severity: "error",
            target: leak.targetUserPrincipalName ?? undefined,
            message: `A reset on ${leak.at}, after writeback was turned off, was still handled by ${leak.onPremisesAgent}: another Connect server (often a promoted staging server) still has writeback on.`,
          },
        ],
        { disabledRecord: describeRecord(toggles[0]!), leakedReset: describeRecord(leak) },
      ),
    };
  }
  return {
    kind: "result",
    result: result(
      "passed",
      "evidence",
      [
        {
          code: "portal-switches-unreadable",
          severity: "info",
          message: `${NO_API} ${after.length === 0 ? "No reset happened since writeback was turned off." : `${after.length} reset(s) since then stayed in the cloud.`}`,
        },
      ],
      { disabledRecord: describeRecord(toggles[0]!), resetsSinceDisable: after.length },
    ),
  };
}

// ---------------------------------------------------------------------------------------------- end-to-end test

export interface EndToEndFacts {
  test: EndToEndTestRecord;
  /** "Reset password (by admin)" records about the test user since the reset, newest first. */
  audits: AuditRecord[];
  /** null when no directory connection can read the user; undefined when it was not looked up. */
  onPremises: OnPremisesUser | null | undefined;
}

const CLOUD_EVENTS = "No Connect event is expected: the cloud itself refused.";
// ms-fact: admin-reset-event-ids
// An admin reset (portal or Graph) logs its own PasswordResetService events: 31009 started, 31010 succeeded,
// 31011 failed. 31001/31002 belong to self-service resets and never appear for this test.
const NEVER_WRITTEN_BACK_EVENTS =
  "On the Connect server, PasswordResetService 31009 (admin reset received) is missing; look for 32002, 32011, 31034, 31044 or 6800 (network, Service Bus).";
const AD_REFUSED_EVENTS =
  "On the Connect server, look for PasswordResetService 31009 followed by 31011 (admin reset failed) instead of 31010, next to 33004 (permissions or protected account), 33005 (account disabled), 33006 (locked out), 33008 (password policy) or ADSync 6329 (MMS(3040) or 0x80230619).";

/** "10:42 UTC on 2026-12-06": the minute is what a person compares with the Connect server's event log. */
export function whenInWords(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(11, 16)} UTC on ${iso.slice(0, 10)}`;
}

/**
 * What the test user's account says about the next sign-in, in plain words. Microsoft documents that an admin reset
 * makes the user change the password at the next sign-in, and that "Password never expires" suppresses it.
 */
function nextSignIn(user: OnPremisesUser): string {
  // ms-fact: graph-reset-asks-change-at-next-sign-in
  // ms-fact: never-expires-skips-forced-change
  if (user.neverExpires === true)
    return "the account has “Password never expires”, so Active Directory does not ask for a new password at the next sign-in, as Microsoft documents for such accounts.";
  if (user.mustChangeAtNextLogon === true)
    return "the user must change it at next sign-in, as Microsoft documents for admin resets.";
  if (user.mustChangeAtNextLogon === false)
    return `Active Directory does not ask the user to change it at the next sign-in (pwdLastSet is ${user.pwdLastSet ? user.pwdLastSet.toISOString() : "set"}, not 0), although Microsoft documents that for admin resets; writeback itself worked.`;
  return "whether the user must change it at the next sign-in could not be read (pwdLastSet).";
}

function onPremisesEvidence(user: OnPremisesUser): Record<string, unknown> {
  return {
    dn: user.dn,
    passwordSetAt: user.passwordSetAt?.toISOString() ?? null,
    ...(user.passwordSetAtError ? { passwordSetAtUnknownBecause: user.passwordSetAtError } : {}),
    pwdLastSet: user.pwdLastSet?.toISOString() ?? null,
    mustChangeAtNextLogon: user.mustChangeAtNextLogon,
    passwordNeverExpires: user.neverExpires,
  };
}

export function evaluateEndToEnd(facts: EndToEndFacts, now: Date): Judgement {
  const judged = judgeEndToEnd(facts, now);
  return "kind" in judged ? judged : { kind: "result", result: judged };
}

function judgeEndToEnd(facts: EndToEndFacts, now: Date): AutomaticResult | Judgement {
  const { test } = facts;
  const resetAt = Date.parse(test.resetAt);
  const minutes = (now.getTime() - resetAt) / 60_000;
  const base: Record<string, unknown> = {
    testUser: test.userPrincipalName,
    resetAt: test.resetAt,
    operation: test.operation.status,
    operationDetail: test.operation.statusDetail,
  };
  const fail = (code: string, leg: string, message: string, extra: Record<string, unknown> = {}) =>
    result("failed", "verified", [{ code, severity: "error", target: test.userPrincipalName, message }], {
      ...base,
      failedLeg: leg,
      ...extra,
    });
  const wait = (code: string, message: string, extra: Record<string, unknown> = {}) =>
    result("waiting", "verified", [{ code, severity: "info", target: test.userPrincipalName, message }], {
      ...base,
      ...extra,
    });

  if (test.refusal) {
    return fail(
      "cloud-refused",
      "cloud refused",
      `Microsoft Graph refused the reset: ${test.refusal} ${CLOUD_EVENTS}`,
    );
  }
  const audit = facts.audits[0];
  const auditEvidence = audit ? { auditRecord: describeRecord(audit) } : {};
  if (!audit) {
    if (test.operation.status === "failed") {
      return fail(
        "cloud-refused",
        "cloud refused",
        `The reset operation failed in the cloud${test.operation.statusDetail ? `: ${test.operation.statusDetail}` : ""}. ${CLOUD_EVENTS}`,
      );
    }
    return minutes > WRITEBACK_GRACE_MINUTES
      ? fail(
          "no-audit-record",
          "never written back",
          `No “${AUDIT_ACTIVITIES.adminReset}” record appeared for the test user. ${NEVER_WRITTEN_BACK_EVENTS}`,
        )
      : wait(
          "audit-pending",
          "The reset is done; its audit record has not appeared yet (this takes a few minutes). Check again shortly.",
        );
  }
  if (!isWrittenBack(audit)) {
    return fail(
      "not-written-back",
      "never written back",
      `The reset stayed in the cloud (OnPremisesAgent ${audit.onPremisesAgent ?? "missing"}): writeback is off in the SSPR settings or in Connect, or the user is outside the synchronisation scope. ${NEVER_WRITTEN_BACK_EVENTS}`,
      auditEvidence,
    );
  }
  if (audit.result !== "success" || test.operation.status === "failed") {
    return fail(
      "ad-refused",
      "written back but AD refused",
      `${audit.onPremisesAgent} took the reset to Active Directory, which refused it${audit.resultReason ? ` (${audit.resultReason})` : ""}. ${AD_REFUSED_EVENTS}`,
      auditEvidence,
    );
  }
  const user = facts.onPremises;
  if (user === undefined || user === null) {
    const reason =
      user === null
        ? `The user (SID ${test.onPremisesSecurityIdentifier ?? "unknown"}) was not found in the directory the wizard reads.`
        : "The wizard has no connection to Active Directory to see when the password changed.";
    // Without AD the test cannot be verified; standing aside keeps attestation (a person who looked) open.
    return standAside(
      "on-premises-unconfirmed",
      `${audit.onPremisesAgent} reports the reset of ${test.userPrincipalName} written back. ${reason} Connect the directory, or look at the user's last password change with the script below and record the step by attestation.`,
      facts.onPremises === null ? "nothing-recorded" : "not-configured",
    );
  }
  const onPremises = onPremisesEvidence(user);
  if (user.passwordSetAt === null) {
    // Without the unicodePwd stamp the wizard cannot tell a landed reset from an old password; pwdLastSet cannot
    // either (an admin reset sets it to 0, which a person can also do by hand), so it says so rather than guess.
    return standAside(
      "password-time-unreadable",
      `${audit.onPremisesAgent} reports the reset of ${test.userPrincipalName} written back, but the wizard cannot tell when the password of ${user.dn} last changed: ${user.passwordSetAtError ?? "no replication metadata"}. Compare the user's unicodePwd change time (repadmin /showobjmeta) with the reset, and record the step by attestation.`,
      "unreachable",
    );
  }
  // ms-fact: originating-change-time
  const landed = user.passwordSetAt.getTime() >= resetAt - CLOCK_SKEW_MS;
  if (landed) {
    return result(
      "passed",
      "verified",
      [
        {
          code: "password-landed",
          severity: "info",
          target: test.userPrincipalName,
          message: `The new password reached Active Directory at ${whenInWords(user.passwordSetAt)}; ${nextSignIn(user)}`,
        },
      ],
      { ...base, ...auditEvidence, onPremises },
    );
  }
  return minutes > WRITEBACK_GRACE_MINUTES
    ? fail(
        "ad-refused",
        "written back but AD refused",
        `The password of ${user.dn} last changed at ${whenInWords(user.passwordSetAt)}, before the reset at ${whenInWords(new Date(resetAt))}: the new password never reached Active Directory. ${AD_REFUSED_EVENTS}`,
        { ...auditEvidence, onPremises },
      )
    : wait(
        "replication-pending",
        `The reset was written back; the domain controller the wizard reads still has the password from ${whenInWords(user.passwordSetAt)} (the change replicates from the DC that took it). Check again in a few minutes.`,
        { ...auditEvidence, onPremises },
      );
}
