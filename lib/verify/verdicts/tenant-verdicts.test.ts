import { describe, expect, it } from "vitest";
import { prerequisiteFacts } from "@/lib/testing/prerequisite-facts";
import { ROLE_TEMPLATES } from "@/lib/tenant/graph-facts";
import { type OnPremisesUser } from "@/lib/directory/port";
import { type AuditRecord, type EndToEndTestRecord } from "@/lib/tenant/port";
import * as verdicts from "./tenant";

const {
  CLOCK_SKEW_MS,
  evaluateConfirmDisabled,
  evaluateConnectWriteback,
  evaluateEndToEnd,
  evaluatePrerequisites,
  evaluateUnlockOn,
  evaluateWritebackSwitchOff,
  evaluateWritebackSwitchOn,
  isWrittenBack,
  STALE_SYNC_MINUTES,
  WRITEBACK_GRACE_MINUTES,
} = verdicts;
type EndToEndFacts = verdicts.EndToEndFacts;
type Judgement = verdicts.Judgement;
type PrerequisiteFacts = verdicts.PrerequisiteFacts;

// The tenant verdicts, one test per branch of tenant.ts that nothing else asserts: each finding code, the
// outcome it leads to, and the boundaries (grace period, stale sync, clock skew) the rules are written around.

const NOW = new Date("2025-06-01T12:00:00Z");
const minutesBefore = (minutes: number, from: Date = NOW) => new Date(from.getTime() - minutes * 60_000);

const ENABLE = "Enable password writeback for directory";
const DISABLE = "Disable password writeback for directory";
const ADMIN_RESET = "Reset password (by admin)";
const SELF_RESET = "Reset password (self-service)";
const UNLOCK = "Unlock user account (self-service)";

function audit(activity: string, at: Date, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: `${activity}-${at.toISOString()}`,
    activity,
    at: at.toISOString(),
    result: "success",
    resultReason: null,
    initiatedBy: "admin@contoso.com",
    targetUserId: null,
    targetUserPrincipalName: null,
    onPremisesAgent: null,
    ...extra,
  };
}

const writtenBack = (at: Date, extra: Partial<AuditRecord> = {}) =>
  audit(SELF_RESET, at, {
    onPremisesAgent: "Microsoft Entra Connect",
    targetUserPrincipalName: "ada@contoso.com",
    ...extra,
  });
const stayedInCloud = (at: Date) => audit(SELF_RESET, at, { onPremisesAgent: "None" });

const prerequisites = (overrides: Partial<PrerequisiteFacts> = {}) =>
  prerequisiteFacts(NOW, ["globalAdmin"], overrides);

const codes = (judged: { findings: { code: string }[] }) => judged.findings.map((f) => f.code);

function resultOf(judgement: Judgement) {
  if (judgement.kind !== "result") throw new Error(`expected a result, got ${judgement.notice?.code}`);
  return judgement.result;
}

function noticeOf(judgement: Judgement) {
  if (judgement.kind !== "stand-aside")
    throw new Error(`expected a stand-aside, got ${judgement.result.status}`);
  if (!judgement.notice) throw new Error("expected a notice with the stand-aside");
  return judgement.notice;
}

describe("evaluatePrerequisites", () => {
  it("passes a licensed, synced tenant with a Global Administrator and no error finding", () => {
    const judged = evaluatePrerequisites(prerequisites(), NOW);
    expect(judged.status).toBe("passed");
    expect(judged.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(judged.evidence.lastSyncAgeMinutes).toBe(10);
  });

  it("fails tenant-not-synced when the tenant does not synchronise, and reads no sync age", () => {
    const judged = evaluatePrerequisites(
      prerequisites({
        sync: { tenantId: "t", displayName: "Contoso", onPremisesSyncEnabled: false, lastSyncDateTime: null },
      }),
      NOW,
    );
    expect(judged.status).toBe("failed");
    expect(codes(judged)).toContain("tenant-not-synced");
    expect(codes(judged)).not.toContain("never-synced");
    expect(judged.evidence.lastSyncAgeMinutes).toBeNull();
  });

  it("fails never-synced when synchronisation is on but never completed", () => {
    const judged = evaluatePrerequisites(
      prerequisites({
        sync: { tenantId: "t", displayName: "Contoso", onPremisesSyncEnabled: true, lastSyncDateTime: null },
      }),
      NOW,
    );
    expect(judged.status).toBe("failed");
    expect(codes(judged)).toEqual(["never-synced"]);
    expect(judged.findings[0]?.severity).toBe("error");
  });

  it("warns sync-stale only past STALE_SYNC_MINUTES, and a sync stamped in the future is 0 minutes old", () => {
    const at = (minutes: number) =>
      evaluatePrerequisites(
        prerequisites({
          sync: {
            tenantId: "t",
            displayName: "Contoso",
            onPremisesSyncEnabled: true,
            lastSyncDateTime: minutesBefore(minutes).toISOString(),
          },
        }),
        NOW,
      );
    expect(codes(at(STALE_SYNC_MINUTES))).not.toContain("sync-stale");
    const stale = at(STALE_SYNC_MINUTES + 1);
    expect(codes(stale)).toContain("sync-stale");
    // A warning, not an error: the step still passes.
    expect(stale.status).toBe("passed");
    expect(at(-5).evidence.lastSyncAgeMinutes).toBe(0);
  });

  it("fails no-admin-role when the account holds no admin role, naming the account", () => {
    const judged = evaluatePrerequisites(
      prerequisites({
        admin: {
          id: "1",
          displayName: "Reader",
          userPrincipalName: "reader@contoso.com",
          roles: [{ roleTemplateId: "00000000-0000-0000-0000-000000000000", displayName: "Some other role" }],
        },
      }),
      NOW,
    );
    expect(judged.status).toBe("failed");
    const finding = judged.findings.find((f) => f.code === "no-admin-role");
    expect(finding).toMatchObject({ severity: "error", target: "reader@contoso.com" });
    // Every task then needs a role the account lacks.
    expect(codes(judged).filter((c) => c === "role-needed").length).toBeGreaterThan(0);
  });

  it("does not report no-admin-role for an account with a narrower admin role, only the tasks it cannot do", () => {
    const judged = evaluatePrerequisites(
      prerequisites({
        admin: {
          id: "1",
          displayName: "Helper",
          userPrincipalName: "helper@contoso.com",
          roles: [
            {
              roleTemplateId: ROLE_TEMPLATES.authenticationAdmin.id,
              displayName: "Authentication Administrator",
            },
          ],
        },
      }),
      NOW,
    );
    expect(codes(judged)).not.toContain("no-admin-role");
    expect(codes(judged)).toContain("role-needed");
    expect(judged.status).toBe("passed");
  });

  it("says why a premium plan does not count", () => {
    const judged = evaluatePrerequisites(
      prerequisites({
        licence: {
          premiumPlans: [
            {
              skuPartNumber: "AAD_PREMIUM",
              servicePlanName: "AAD_PREMIUM",
              capabilityStatus: "Suspended",
              provisioningStatus: "Success",
            },
          ],
        },
      }),
      NOW,
    );
    expect(judged.status).toBe("failed");
    expect(judged.findings.find((f) => f.code === "no-premium-licence")?.message).toContain(
      "AAD_PREMIUM/AAD_PREMIUM is Suspended, provisioning Success",
    );
  });

  it("says when readiness was read from part of a large tenant, and appends the notes of failed optional reads", () => {
    const note = { code: "sync-features-unread", severity: "info" as const, message: "Not read." };
    const judged = evaluatePrerequisites(
      prerequisites({
        readiness: { syncedUsers: 10, ssprEnabled: 8, ssprRegistered: 6, ssprCapable: 5, truncated: true },
        notes: [note],
      }),
      NOW,
    );
    expect(judged.findings.find((f) => f.code === "sspr-readiness")?.message).toMatch(
      /^5 of 10 .*only part of a very large tenant/,
    );
    expect(judged.findings.at(-1)).toEqual(note);
    expect(judged.status).toBe("passed");
  });
});

describe("evaluateConnectWriteback", () => {
  it("stands aside no-writeback-audit-record without any toggle record", () => {
    expect(noticeOf(evaluateConnectWriteback([], "enabled")).code).toBe("no-writeback-audit-record");
    expect(noticeOf(evaluateConnectWriteback([], "disabled")).message).toContain(DISABLE);
  });

  it("fails writeback-disabled-since when the newest record turned writeback off, naming who and when", () => {
    const off = audit(DISABLE, minutesBefore(5), { initiatedBy: "bob@contoso.com" });
    const judged = resultOf(evaluateConnectWriteback([off, audit(ENABLE, minutesBefore(60))], "enabled"));
    expect(judged.status).toBe("failed");
    expect(judged.confidence).toBe("evidence");
    expect(judged.findings).toEqual([
      expect.objectContaining({ code: "writeback-disabled-since", severity: "error" }),
    ]);
    expect(judged.findings[0]?.message).toContain(`${off.at} by bob@contoso.com`);
  });

  it("leaves out who turned it off when the record does not say", () => {
    const off = audit(DISABLE, minutesBefore(5), { initiatedBy: null });
    const message = resultOf(evaluateConnectWriteback([off], "enabled")).findings[0]?.message ?? "";
    expect(message).toContain(`turned off on ${off.at}.`);
  });

  it("passes on evidence when the newest record is the wanted one", () => {
    const judged = resultOf(evaluateConnectWriteback([audit(ENABLE, minutesBefore(5))], "enabled"));
    expect(judged).toMatchObject({ status: "passed", confidence: "evidence", findings: [] });
  });

  it("stands aside writeback-still-enabled during clean-up while the newest record is an Enable", () => {
    const notice = noticeOf(evaluateConnectWriteback([audit(ENABLE, minutesBefore(5))], "disabled"));
    expect(notice.code).toBe("writeback-still-enabled");
  });
});

describe("portal switches", () => {
  it("sspr-writeback stands aside no-written-back-reset while no reset was written back", () => {
    const notice = noticeOf(evaluateWritebackSwitchOn([stayedInCloud(minutesBefore(5))]));
    expect(notice.code).toBe("no-written-back-reset");
  });

  it("sspr-writeback passes on the first written-back reset, whatever the agent's casing", () => {
    const proof = writtenBack(minutesBefore(30), { onPremisesAgent: "cloudsync" });
    expect(isWrittenBack(proof)).toBe(true);
    const judged = resultOf(evaluateWritebackSwitchOn([stayedInCloud(minutesBefore(5)), proof]));
    expect(judged.status).toBe("passed");
    expect(judged.evidence.writtenBackReset).toMatchObject({ auditRecordId: proof.id });
  });

  it("sspr-unlock stands aside no-unlock-record until a successful unlock", () => {
    const failed = audit(UNLOCK, minutesBefore(5), { result: "failure" });
    expect(noticeOf(evaluateUnlockOn([failed])).code).toBe("no-unlock-record");
    const ok = audit(UNLOCK, minutesBefore(10));
    expect(resultOf(evaluateUnlockOn([failed, ok])).evidence.unlockRecord).toMatchObject({
      auditRecordId: ok.id,
    });
  });

  it("disable-sspr-options stands aside no-reset-since-change until a reset happens", () => {
    expect(noticeOf(evaluateWritebackSwitchOff([])).code).toBe("no-reset-since-change");
  });

  it("disable-sspr-options judges only the newest reset", () => {
    const judged = resultOf(
      evaluateWritebackSwitchOff([stayedInCloud(minutesBefore(1)), writtenBack(minutesBefore(9))]),
    );
    expect(judged.status).toBe("passed");
    const leaking = resultOf(
      evaluateWritebackSwitchOff([writtenBack(minutesBefore(1)), stayedInCloud(minutesBefore(9))]),
    );
    expect(leaking.findings).toEqual([
      expect.objectContaining({ code: "still-written-back", target: "ada@contoso.com" }),
    ]);
  });
});

describe("evaluateConfirmDisabled", () => {
  const disabled = audit(DISABLE, minutesBefore(60));

  it("fails written-back-after-disable when a reset after the Disable record was still written back", () => {
    const leak = writtenBack(minutesBefore(10), { targetUserPrincipalName: "eve@contoso.com" });
    const judged = resultOf(evaluateConfirmDisabled([disabled], [stayedInCloud(minutesBefore(5)), leak]));
    expect(judged.status).toBe("failed");
    expect(judged.findings).toEqual([
      expect.objectContaining({
        code: "written-back-after-disable",
        severity: "error",
        target: "eve@contoso.com",
      }),
    ]);
    expect(judged.evidence.leakedReset).toMatchObject({ auditRecordId: leak.id });
  });

  it("ignores a written-back reset from before the Disable record", () => {
    const judged = resultOf(evaluateConfirmDisabled([disabled], [writtenBack(minutesBefore(90))]));
    expect(judged.status).toBe("passed");
    expect(judged.evidence.resetsSinceDisable).toBe(0);
    expect(judged.findings).toEqual([
      expect.objectContaining({ code: "portal-switches-unreadable", severity: "info" }),
    ]);
    expect(judged.findings[0]?.message).toContain("No reset happened since writeback was turned off.");
  });

  it("counts the resets since the Disable record that stayed in the cloud", () => {
    const judged = resultOf(
      evaluateConfirmDisabled(
        [disabled],
        [stayedInCloud(minutesBefore(5)), stayedInCloud(minutesBefore(10))],
      ),
    );
    expect(judged.status).toBe("passed");
    expect(judged.findings[0]?.message).toContain("2 reset(s) since then stayed in the cloud.");
  });

  it("stands aside as the Connect check does while there is no Disable record, or the newest is an Enable", () => {
    expect(noticeOf(evaluateConfirmDisabled([], [])).code).toBe("no-writeback-audit-record");
    expect(noticeOf(evaluateConfirmDisabled([audit(ENABLE, minutesBefore(5)), disabled], [])).code).toBe(
      "writeback-still-enabled",
    );
  });
});

describe("evaluateEndToEnd", () => {
  const resetAt = minutesBefore(5);
  const record = (overrides: Partial<EndToEndTestRecord> = {}): EndToEndTestRecord => ({
    userId: "u1",
    userPrincipalName: "test@contoso.com",
    onPremisesSecurityIdentifier: "S-1-5-21-1-2-3-1105",
    resetAt: resetAt.toISOString(),
    operation: { status: "succeeded", statusDetail: null, operationId: "op" },
    refusal: null,
    ...overrides,
  });
  const adminReset = (extra: Partial<AuditRecord> = {}) =>
    audit(ADMIN_RESET, minutesBefore(4), { onPremisesAgent: "Microsoft Entra Connect", ...extra });
  // After an admin reset as Microsoft documents it: the password changed (unicodePwd's stamp) and pwdLastSet is 0.
  const onPrem = (overrides: Partial<OnPremisesUser> = {}): OnPremisesUser => ({
    dn: "CN=Test,DC=contoso,DC=com",
    sAMAccountName: "test",
    sid: "S-1-5-21-1-2-3-1105",
    passwordSetAt: new Date("2025-06-01T11:56:00Z"),
    pwdLastSet: null,
    mustChangeAtNextLogon: true,
    disabled: false,
    lockedOut: false,
    neverExpires: false,
    adminCount: null,
    ...overrides,
  });
  const facts = (overrides: Partial<EndToEndFacts> = {}): EndToEndFacts => ({
    test: record(),
    audits: [adminReset()],
    onPremises: onPrem(),
    ...overrides,
  });
  const judge = (f: EndToEndFacts, now: Date = NOW) => resultOf(evaluateEndToEnd(f, now));
  const later = (minutes: number) => new Date(resetAt.getTime() + minutes * 60_000);

  it("passes verified when the password landed and pwdLastSet is 0, saying the user must change it", () => {
    // The old rule read pwdLastSet 0 as "did not move" and reported AD refusing a reset that had landed.
    const judged = judge(facts());
    expect(judged).toMatchObject({ status: "passed", confidence: "verified" });
    expect(codes(judged)).toEqual(["password-landed"]);
    expect(judged.findings[0]).toMatchObject({ severity: "info" });
    expect(judged.findings[0]?.message).toBe(
      "The new password reached Active Directory at 11:56 UTC on 2025-06-01; the user must change it at next sign-in, as Microsoft documents for admin resets.",
    );
    expect(judged.evidence.onPremises).toMatchObject({
      passwordSetAt: "2025-06-01T11:56:00.000Z",
      pwdLastSet: null,
      mustChangeAtNextLogon: true,
    });
  });

  it("passes for a password that never expires and says no change will be asked", () => {
    const judged = judge(
      facts({
        onPremises: onPrem({
          neverExpires: true,
          mustChangeAtNextLogon: false,
          pwdLastSet: minutesBefore(4),
        }),
      }),
    );
    expect(judged.status).toBe("passed");
    expect(judged.findings[0]?.message).toMatch(
      /^The new password reached Active Directory at 11:56 UTC on 2025-06-01; the account has “Password never expires”, so Active Directory does not ask for a new password at the next sign-in/,
    );
  });

  it("passes but remarks when AD recorded no change at next sign-in for an ordinary account", () => {
    const judged = judge(
      facts({ onPremises: onPrem({ mustChangeAtNextLogon: false, pwdLastSet: minutesBefore(4) }) }),
    );
    expect(judged.status).toBe("passed");
    expect(judged.findings[0]?.message).toContain("does not ask the user to change it at the next sign-in");
    expect(judged.findings[0]?.message).toContain("writeback itself worked");
  });

  it("judges by the password's own change time, not by pwdLastSet", () => {
    // pwdLastSet moved (someone set it to -1, i.e. now) while the password stayed as it was: not landed.
    const stale = onPrem({
      passwordSetAt: minutesBefore(600),
      pwdLastSet: minutesBefore(4),
      mustChangeAtNextLogon: false,
    });
    const judged = judge(facts({ onPremises: stale }), later(WRITEBACK_GRACE_MINUTES + 1));
    expect(codes(judged)).toEqual(["ad-refused"]);
    expect(judged.findings[0]?.message).toContain(
      "The password of CN=Test,DC=contoso,DC=com last changed at 02:00 UTC on 2025-06-01, before the reset at 11:55 UTC on 2025-06-01: the new password never reached Active Directory.",
    );
  });

  it("stands aside when the password's change time cannot be read, naming why", () => {
    const notice = noticeOf(
      evaluateEndToEnd(
        facts({
          onPremises: onPrem({
            passwordSetAt: null,
            passwordSetAtError: "the domain controller returned no replPropertyMetaData for this user",
          }),
        }),
        later(WRITEBACK_GRACE_MINUTES + 1),
      ),
    );
    expect(notice.code).toBe("password-time-unreadable");
    expect(notice.message).toContain("returned no replPropertyMetaData");
  });

  it("fails cloud-refused when Graph refused the reset, before looking at any audit record", () => {
    const judged = judge(facts({ test: record({ refusal: "Insufficient privileges." }) }));
    expect(judged.status).toBe("failed");
    expect(codes(judged)).toEqual(["cloud-refused"]);
    expect(judged.evidence.failedLeg).toBe("cloud refused");
    expect(judged.findings[0]?.message).toContain("Insufficient privileges.");
  });

  it("fails cloud-refused when the operation failed and no audit record exists", () => {
    const judged = judge(
      facts({
        test: record({ operation: { status: "failed", statusDetail: "PasswordPolicy", operationId: "op" } }),
        audits: [],
      }),
    );
    expect(codes(judged)).toEqual(["cloud-refused"]);
    expect(judged.findings[0]?.message).toContain("failed in the cloud: PasswordPolicy.");
  });

  it("waits audit-pending within the grace period and fails no-audit-record after it", () => {
    const pending = judge(facts({ audits: [] }), later(WRITEBACK_GRACE_MINUTES));
    expect(pending.status).toBe("waiting");
    expect(codes(pending)).toEqual(["audit-pending"]);
    const missing = judge(facts({ audits: [] }), later(WRITEBACK_GRACE_MINUTES + 1));
    expect(missing.status).toBe("failed");
    expect(codes(missing)).toEqual(["no-audit-record"]);
    expect(missing.evidence.failedLeg).toBe("never written back");
    expect(missing.findings[0]?.message).toContain(
      "PasswordResetService 31009 (admin reset received) is missing",
    );
    expect(missing.findings[0]?.message).not.toMatch(/3100[12]/);
  });

  it("fails not-written-back when the reset stayed in the cloud, naming the agent", () => {
    const judged = judge(facts({ audits: [adminReset({ onPremisesAgent: null })] }));
    expect(codes(judged)).toEqual(["not-written-back"]);
    expect(judged.findings[0]?.message).toContain("OnPremisesAgent missing");
    expect(judged.evidence.auditRecord).toBeDefined();
  });

  it("fails ad-refused when the written-back reset failed, with the reason", () => {
    const judged = judge(
      facts({ audits: [adminReset({ result: "failure", resultReason: "Access denied" })] }),
    );
    expect(codes(judged)).toEqual(["ad-refused"]);
    expect(judged.evidence.failedLeg).toBe("written back but AD refused");
    expect(judged.findings[0]?.message).toContain("(Access denied)");
    // Admin resets log 31009 / 31010 / 31011; the self-service ids 31001 / 31002 would send the admin astray.
    expect(judged.findings[0]?.message).toContain(
      "31009 followed by 31011 (admin reset failed) instead of 31010",
    );
    expect(judged.findings[0]?.message).not.toMatch(/3100[12]/);
  });

  it("fails ad-refused when the audit says success but the operation failed", () => {
    const judged = judge(
      facts({ test: record({ operation: { status: "failed", statusDetail: null, operationId: "op" } }) }),
    );
    expect(codes(judged)).toEqual(["ad-refused"]);
  });

  it("stands aside on-premises-unconfirmed without a directory, or when the user is not in it", () => {
    const noDirectory = noticeOf(evaluateEndToEnd(facts({ onPremises: undefined }), NOW));
    expect(noDirectory.code).toBe("on-premises-unconfirmed");
    expect(noDirectory.message).toContain("no connection to Active Directory");
    const notFound = noticeOf(evaluateEndToEnd(facts({ onPremises: null }), NOW));
    expect(notFound.code).toBe("on-premises-unconfirmed");
    expect(notFound.message).toContain("SID S-1-5-21-1-2-3-1105");
  });

  it("waits replication-pending while the password has not changed within the grace period, then fails ad-refused", () => {
    const old = onPrem({
      passwordSetAt: minutesBefore(600),
      pwdLastSet: minutesBefore(600),
      mustChangeAtNextLogon: false,
    });
    const pending = judge(facts({ onPremises: old }), later(WRITEBACK_GRACE_MINUTES));
    expect(pending.status).toBe("waiting");
    expect(codes(pending)).toEqual(["replication-pending"]);
    const refused = judge(facts({ onPremises: old }), later(WRITEBACK_GRACE_MINUTES + 1));
    expect(codes(refused)).toEqual(["ad-refused"]);
    expect(refused.findings[0]?.message).toContain("the new password never reached Active Directory");
  });

  it("accepts a password change up to CLOCK_SKEW_MS before the reset, not earlier", () => {
    const at = (offsetMs: number) =>
      judge(
        facts({ onPremises: onPrem({ passwordSetAt: new Date(resetAt.getTime() - offsetMs) }) }),
        later(1),
      );
    expect(at(CLOCK_SKEW_MS).status).toBe("passed");
    expect(at(CLOCK_SKEW_MS + 1000).status).toBe("waiting");
  });
});
