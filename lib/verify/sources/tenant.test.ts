import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorServer } from "@/lib/testing/simulator-server";
import { GraphTenant } from "@/lib/tenant/graph-adapter";
import { ROLE_TEMPLATES } from "@/lib/tenant/graph-facts";
import { type EndToEndTestRecord } from "@/lib/tenant/port";
import { type SandboxTenant } from "@/lib/sandbox/tenant-model";
import { type StepId } from "@/lib/steps/ids";
import { type AutomaticResult } from "@/lib/steps/types";
import { resultOf } from "@/lib/testing/verify";
import { runVerifier, VERIFIERS } from "../run-verifier";
import { type VerifyContext } from "../types";

// Each step's tenant source against the simulator: what passes, what fails and why, and when it stands aside.

let sim: SimulatorServer;
let n = 0;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

function setup(flow: "enable" | "cleanup" = "enable", runStartedAt = new Date(Date.now() - 60_000)) {
  const token = `sources-${++n}`;
  const tenant = sim.tenant(token);
  const port = new GraphTenant({
    baseUrl: sim.baseUrl,
    token,
    sleep: async () => undefined,
    pollIntervalMs: 1,
  });
  let endToEndTest: EndToEndTestRecord | null = null;
  const context = (): VerifyContext => ({
    run: { id: "r", flow, mode: "sandbox" },
    now: new Date(),
    tenant: { port, runStartedAt, endToEndTest },
    onPremisesUsers: { findUserBySid: (sid) => sim.directory(token).port().findUserBySid(sid) },
  });
  const check = (stepId: StepId) => runVerifier(VERIFIERS[stepId], context());
  /** The cloud part of prerequisites alone (the step itself also needs the directory part). */
  const cloudPart = async (): Promise<AutomaticResult> => {
    const result = await resultOf(
      VERIFIERS.prerequisites.sources.find((s) => s.part === "tenant")!.check(context()),
    );
    if (!result) throw new Error("the tenant part stood aside");
    return result;
  };
  const reset = async (alias: string) => {
    const user = tenant.users.find((u) => u.userPrincipalName.startsWith(alias))!;
    const resetAt = new Date().toISOString();
    const operation = await port.resetPassword(user.id, "Very-Long-Test-Passw0rd");
    endToEndTest = {
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      onPremisesSecurityIdentifier: user.sid,
      resetAt,
      operation,
      refusal: null,
    };
  };
  return { tenant, check, reset, cloudPart };
}

function enableAll(tenant: SandboxTenant) {
  tenant.setConnectWriteback(true);
  tenant.setPortalWriteback(true);
}

describe("prerequisites (cloud part)", () => {
  it("passes verified with licence, role and a synced tenant, and shows readiness and sync features", async () => {
    const { cloudPart, check } = setup();
    const result = await cloudPart();
    expect(result).toMatchObject({ status: "passed", confidence: "verified" });
    expect(result.evidence.syncFeatures).toHaveProperty("passwordWritebackEnabled");
    expect(result.findings.map((f) => f.code)).toContain("sspr-readiness");
    // Without the directory part the step as a whole still waits for it, and shows what the cloud part found.
    const step = await check("prerequisites");
    expect(step.kind === "needs-attestation" && step.findings.map((f) => f.code)).toContain("sspr-readiness");
  });

  it("fails without a usable licence and names the role that can when the admin cannot", async () => {
    const { tenant, check } = setup();
    tenant.skus[0]!.capabilityStatus = "Suspended";
    // A failed part fails the step even while the directory part is unread.
    tenant.admin.roleTemplateIds = ["f2ef992c-3afb-46b9-b7cf-a126ee74c451"]; // Global Reader
    const outcome = await check("prerequisites");
    if (outcome.kind !== "checked") throw new Error("expected a result");
    expect(outcome.result.status).toBe("failed");
    const codes = outcome.result.findings.map((f) => f.code);
    expect(codes).toContain("no-premium-licence");
    const role = outcome.result.findings.find(
      (f) => f.code === "role-needed" && f.message.includes("reset a test user"),
    );
    expect(role?.message).toContain("Authentication Administrator");
    // Sync features need Global Administrator: shown as unread, never decisive.
    expect(codes).toContain("sync-features-unread");
  });

  it("lets a Reports Reader read the audit records, as Microsoft does, and refuses a role without that right", async () => {
    const { tenant, check } = setup();
    tenant.setConnectWriteback(true);
    tenant.admin.roleTemplateIds = [ROLE_TEMPLATES.reportsReader.id];
    const read = await check("connect-writeback");
    expect(read.kind === "checked" && read.result.status).toBe("passed");
    tenant.admin.roleTemplateIds = [ROLE_TEMPLATES.hybridIdentityAdmin.id];
    const refused = await check("connect-writeback");
    expect(refused.kind).toBe("needs-attestation");
    expect(refused.kind === "needs-attestation" && refused.findings.map((f) => f.code)).toContain(
      "tenant-missing-role",
    );
  });

  it("warns when the last sync is old", async () => {
    const { tenant, cloudPart } = setup();
    tenant.lastSyncDateTime = new Date(Date.now() - 5 * 3600_000);
    const result = await cloudPart();
    expect(result.findings.find((f) => f.code === "sync-stale")?.message).toContain("300 minutes");
  });
});

describe("Connect option", () => {
  it("stands aside with a reason until the audit record exists, then passes on evidence", async () => {
    const { tenant, check } = setup();
    const before = await check("connect-writeback");
    expect(before.kind).toBe("needs-attestation");
    if (before.kind === "needs-attestation")
      expect(before.findings.map((f) => f.code)).toContain("no-writeback-audit-record");
    tenant.setConnectWriteback(true);
    const after = await check("connect-writeback");
    expect(after.kind === "checked" && after.result).toMatchObject({
      status: "passed",
      confidence: "evidence",
    });
  });

  it("a tenant that was read but holds no record yet is not called unreachable", async () => {
    const { check } = setup();
    const outcome = await check("connect-writeback");
    if (outcome.kind !== "needs-attestation") throw new Error("expected attestation");
    const summary = outcome.findings[0]!;
    expect(summary.code).toBe("no-automatic-check");
    expect(summary.message).toMatch(
      /read the system it checks, but what it judges this step by has not been recorded yet/,
    );
    expect(summary.message).not.toMatch(/could not (reach|read)/);
  });

  it("a tenant that refuses the read is said to be unreadable, with the notice saying why", async () => {
    const { tenant, check } = setup();
    tenant.grantedScopes = new Set(["User.Read"]);
    const outcome = await check("connect-writeback");
    if (outcome.kind !== "needs-attestation") throw new Error("expected attestation");
    expect(outcome.findings[0]!.message).toMatch(/could not read the system it checks/);
    expect(outcome.findings[0]!.message).not.toMatch(/has not been recorded yet/);
  });

  it("clean-up: passes once the Disable record is the newest", async () => {
    const { tenant, check } = setup("cleanup");
    tenant.setConnectWriteback(true);
    expect((await check("disable-connect-writeback")).kind).toBe("needs-attestation");
    tenant.setConnectWriteback(false);
    const outcome = await check("disable-connect-writeback");
    expect(outcome.kind === "checked" && outcome.result.status).toBe("passed");
  });

  it("a missing consent stands aside with the permission to grant", async () => {
    const { tenant, check } = setup();
    tenant.grantedScopes = new Set(["User.Read"]);
    const outcome = await check("connect-writeback");
    if (outcome.kind !== "needs-attestation") throw new Error("expected attestation");
    expect(outcome.findings.find((f) => f.code === "tenant-missing-consent")?.message).toContain(
      "AuditLog.Read.All",
    );
  });
});

describe("portal switches (no API)", () => {
  it("sspr-writeback passes on a written-back reset, and says plainly there is no API otherwise", async () => {
    const { tenant, check } = setup();
    const none = await check("sspr-writeback");
    if (none.kind !== "needs-attestation") throw new Error("expected attestation");
    expect(none.findings.map((f) => f.message).join(" ")).toContain("Microsoft publishes no API");
    enableAll(tenant);
    tenant.simulateSelfServiceReset();
    const outcome = await check("sspr-writeback");
    expect(outcome.kind === "checked" && outcome.result).toMatchObject({
      status: "passed",
      confidence: "evidence",
    });
  });

  it("sspr-unlock passes on an unlock record", async () => {
    const { tenant, check } = setup();
    enableAll(tenant);
    tenant.setUnlock(true);
    tenant.simulateSelfServiceUnlock();
    const outcome = await check("sspr-unlock");
    expect(outcome.kind === "checked" && outcome.result.status).toBe("passed");
  });

  it("disable-sspr-options fails while resets are still written back and passes once they stay in the cloud", async () => {
    const { tenant, check } = setup("cleanup");
    enableAll(tenant);
    tenant.simulateSelfServiceReset();
    const leaking = await check("disable-sspr-options");
    expect(leaking.kind === "checked" && leaking.result.findings[0]?.code).toBe("still-written-back");
    tenant.setPortalWriteback(false);
    await new Promise((r) => setTimeout(r, 5));
    tenant.simulateSelfServiceReset();
    const off = await check("disable-sspr-options");
    expect(off.kind === "checked" && off.result.status).toBe("passed");
  });

  it("confirm-disabled needs the Disable record and no written-back reset after it", async () => {
    const { tenant, check } = setup("cleanup");
    enableAll(tenant);
    tenant.setConnectWriteback(false);
    const outcome = await check("confirm-disabled");
    expect(outcome.kind === "checked" && outcome.result.status).toBe("passed");
  });
});

describe("end-to-end test", () => {
  it("passes verified when the reset is written back: the password landed and the user must change it", async () => {
    const { tenant, check, reset } = setup();
    enableAll(tenant);
    await reset("terry");
    const outcome = await check("end-to-end-test");
    if (outcome.kind !== "checked") throw new Error(JSON.stringify(outcome));
    expect(outcome.result).toMatchObject({ status: "passed", confidence: "verified" });
    expect(outcome.result.evidence).toMatchObject({
      onPremises: { pwdLastSet: null, mustChangeAtNextLogon: true },
    });
    expect(outcome.result.findings[0]?.message).toMatch(
      /^The new password reached Active Directory at \d\d:\d\d UTC on \d{4}-\d\d-\d\d; the user must change it at next sign-in, as Microsoft documents for admin resets\.$/,
    );
  });

  it("says the reset was never written back when writeback is off, with the Connect events to look for", async () => {
    const { check, reset } = setup();
    await reset("terry");
    const outcome = await check("end-to-end-test");
    if (outcome.kind !== "checked") throw new Error("expected a result");
    expect(outcome.result.evidence.failedLeg).toBe("never written back");
    expect(outcome.result.findings[0]?.message).toContain("31009 (admin reset received) is missing");
  });

  it("says AD refused for a protected account, with 33004", async () => {
    const { tenant, check, reset } = setup();
    enableAll(tenant);
    await reset("adm-pat");
    const outcome = await check("end-to-end-test");
    if (outcome.kind !== "checked") throw new Error("expected a result");
    expect(outcome.result.evidence.failedLeg).toBe("written back but AD refused");
    expect(outcome.result.findings[0]?.message).toContain("33004");
  });

  it("stands aside until a test was run", async () => {
    const { check } = setup();
    const outcome = await check("end-to-end-test");
    expect(outcome.kind === "needs-attestation" && outcome.findings.map((f) => f.code)).toContain(
      "no-test-run",
    );
  });
});
