import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorServer } from "@/lib/testing/simulator-server";
import { licenceVerdict } from "@/lib/verify/verdicts/tenant";
import { AUDIT_ACTIVITIES } from "./graph-facts";
import { GraphTenant, type GraphTenantOptions } from "./graph-adapter";
import { parseRetryAfter } from "./graph-client";
import { TenantError } from "./port";

// The Graph adapter against the sandbox simulator over real HTTP: every read, paging, throttling, timeouts
// and the errors an admin has to act on.

let sim: SimulatorServer;
let counter = 0;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

function adapter(extra: Partial<GraphTenantOptions> = {}) {
  const token = `token-${++counter}`;
  const waits: number[] = [];
  const port = new GraphTenant({
    baseUrl: sim.baseUrl,
    token,
    sleep: async (ms) => {
      waits.push(ms);
    },
    pollIntervalMs: 1,
    ...extra,
  });
  return { port, token, tenant: sim.tenant(token), waits };
}

async function failure(promise: Promise<unknown>): Promise<TenantError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TenantError);
  return error as TenantError;
}

describe("reads", () => {
  it("finds usable P1/P2 plans and explains the ones that do not count", async () => {
    const { port, tenant } = adapter();
    const licence = licenceVerdict(await port.licence());
    expect(licence.usable.map((p) => p.servicePlanName).sort()).toEqual(["AAD_PREMIUM", "AAD_PREMIUM_P2"]);
    tenant.skus[0]!.capabilityStatus = "Suspended";
    const suspended = licenceVerdict(await port.licence());
    expect(suspended.usable).toEqual([]);
    expect(suspended.unusable[0]).toMatchObject({
      skuPartNumber: "EMSPREMIUM",
      capabilityStatus: "Suspended",
    });
  });

  it("forwards the caller's token, and reads the admin's active roles with an advanced query", async () => {
    const { port, token } = adapter();
    const admin = await port.signedInAdmin();
    expect(admin.userPrincipalName).toBe("ada.admin@contoso.onmicrosoft.com");
    expect(admin.roles.map((r) => r.displayName)).toEqual(["Global Administrator"]);
    const mine = sim.requests.filter((r) => r.authorization === `Bearer ${token}`);
    expect(mine.length).toBe(2);
    expect(mine[1]?.url).toContain("$count=true");
  });

  it("reads the sync state and the sync features (shown, never decided on)", async () => {
    const { port } = adapter();
    const sync = await port.syncState();
    expect(sync.onPremisesSyncEnabled).toBe(true);
    expect(Date.parse(sync.lastSyncDateTime ?? "")).toBeLessThan(Date.now());
    const features = await port.syncFeatures();
    expect(features).toHaveProperty("passwordWritebackEnabled", false);
  });

  it("pages SSPR readiness through @odata.nextLink and counts synced users only", async () => {
    const { port, token } = adapter();
    const readiness = await port.ssprReadiness();
    expect(readiness).toEqual({
      syncedUsers: 6,
      ssprEnabled: 5,
      ssprRegistered: 4,
      ssprCapable: 3,
      truncated: false,
    });
    const pages = sim.requests.filter(
      (r) => r.authorization === `Bearer ${token}` && r.url.includes("skiptoken"),
    );
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it("stops paging at the configured bound and says so", async () => {
    const { port } = adapter({ maxPages: 1 });
    expect((await port.ssprReadiness()).truncated).toBe(true);
  });

  it("reads audit records of the asked activities since a date, newest first, with OnPremisesAgent", async () => {
    const { port, tenant } = adapter();
    const before = new Date(Date.now() - 1000);
    tenant.setConnectWriteback(true);
    tenant.setPortalWriteback(true);
    tenant.simulateSelfServiceReset();
    const toggles = await port.auditRecords(
      [AUDIT_ACTIVITIES.enableWriteback, AUDIT_ACTIVITIES.disableWriteback],
      before,
    );
    expect(toggles.map((r) => r.activity)).toEqual([AUDIT_ACTIVITIES.enableWriteback]);
    const resets = await port.auditRecords(
      [AUDIT_ACTIVITIES.selfServiceReset, AUDIT_ACTIVITIES.adminReset],
      before,
    );
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({
      onPremisesAgent: "Microsoft Entra Connect",
      targetUserPrincipalName: "terry.test@contoso.com",
    });
    // The old helpdesk reset (40 days ago) is outside the window.
    const all = await port.auditRecords([AUDIT_ACTIVITIES.adminReset], new Date(0));
    expect(all[0]?.onPremisesAgent).toBe("None");
  });

  it("searches synchronised users only and finds one by id", async () => {
    const { port } = adapter();
    const found = await port.searchSyncedUsers("terry");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ onPremisesSyncEnabled: true });
    expect(found[0]?.onPremisesSecurityIdentifier).toMatch(/^S-1-5-21-/);
    expect(await port.searchSyncedUsers("casey")).toEqual([]);
    expect(await port.searchSyncedUsers("o'brien")).toEqual([]);
    expect((await port.getUser(found[0]!.id))?.userPrincipalName).toBe("terry.test@contoso.com");
    expect(await port.getUser("00000000-0000-0000-0000-000000000000")).toBeNull();
  });
});

describe("the reset", () => {
  it("resets through the password method, follows Location until the operation ends", async () => {
    const { port, tenant, token } = adapter();
    tenant.setConnectWriteback(true);
    tenant.setPortalWriteback(true);
    const user = tenant.users.find((u) => u.userPrincipalName.startsWith("terry"))!;
    const outcome = await port.resetPassword(user.id, "A-long-enough-Passw0rd!");
    expect(outcome.status).toBe("succeeded");
    const onPremises = await sim.directory(token).port().findUserBySid(user.sid!);
    // The password landed (unicodePwd's stamp) and, as for every admin reset, a change is due at next sign-in.
    expect(onPremises?.passwordSetAt?.getTime()).toBeGreaterThan(Date.now() - 5000);
    expect(onPremises).toMatchObject({ pwdLastSet: null, mustChangeAtNextLogon: true });
  });

  it("reports a failed operation when AD DS refuses (protected account)", async () => {
    const { port, tenant } = adapter();
    tenant.setConnectWriteback(true);
    tenant.setPortalWriteback(true);
    const pat = tenant.users.find((u) => u.protectedOnPremises)!;
    const outcome = await port.resetPassword(pat.id, "A-long-enough-Passw0rd!");
    expect(outcome).toMatchObject({ status: "failed" });
    expect(outcome.statusDetail).toContain("on-premises");
  });

  it("names the roles that may reset when the admin holds none", async () => {
    const { port, tenant } = adapter();
    tenant.admin.roleTemplateIds = [];
    const error = await failure(port.resetPassword(tenant.users[1]!.id, "A-long-enough-Passw0rd!"));
    expect(error.kind).toBe("missing-role");
    expect(error.message).toContain(
      "Authentication Administrator, Privileged Authentication Administrator or Global Administrator",
    );
  });
});

describe("throttling, outages and timeouts", () => {
  it("honours Retry-After on 429 and succeeds within the retry budget", async () => {
    const { port, tenant, waits } = adapter();
    tenant.faults.push({ status: 429, retryAfterSeconds: 2, times: 2 });
    expect((await port.syncState()).onPremisesSyncEnabled).toBe(true);
    expect(waits).toEqual([2000, 2000]);
  });

  it("gives up after the bounded retries and says when to try again", async () => {
    const { port, tenant, waits } = adapter({ maxRetries: 2 });
    tenant.faults.push({ status: 429, retryAfterSeconds: 1, times: 10 });
    const error = await failure(port.syncState());
    expect(error.kind).toBe("throttled");
    expect(error.detail.retryAfterSeconds).toBe(1);
    expect(error.message).toContain("try again in 1 s");
    expect(waits).toHaveLength(2);
  });

  it("does not sit out a long Retry-After", async () => {
    const { port, tenant, waits } = adapter();
    tenant.faults.push({ status: 429, retryAfterSeconds: 120, times: 1 });
    expect((await failure(port.licence())).kind).toBe("throttled");
    expect(waits).toEqual([]);
  });

  it("retries 503 with backoff when Retry-After is absent", async () => {
    const { port, tenant, waits } = adapter();
    tenant.faults.push({ status: 503, times: 1 });
    await port.licence();
    expect(waits).toEqual([1000]);
  });

  it("does not retry a 500 and reports the outage", async () => {
    const { port, tenant, waits } = adapter();
    tenant.faults.push({ status: 500, times: 1 });
    const error = await failure(port.licence());
    expect(error.kind).toBe("unavailable");
    expect(waits).toEqual([]);
  });

  it("lets a test throttle one URL with the simulator's query switch", async () => {
    const response = await fetch(`${sim.baseUrl}/v1.0/organization?sandbox-fault=429`, {
      headers: { authorization: "Bearer switch-test" },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("TooManyRequests");
  });

  it("times out a slow answer", async () => {
    const { port, tenant } = adapter({ timeoutMs: 100 });
    tenant.faults.push({ status: 200, delayMs: 400, times: 1 });
    const error = await failure(port.licence());
    expect(error.kind).toBe("timeout");
  });

  it("says when Graph cannot be reached at all", async () => {
    const port = new GraphTenant({ baseUrl: "http://127.0.0.1:9", token: "t", timeoutMs: 2000 });
    expect((await failure(port.licence())).kind).toBe("unreachable");
  });
});

describe("errors the admin acts on", () => {
  it("names the missing permission and how to grant it", async () => {
    const { port, tenant } = adapter();
    tenant.grantedScopes = new Set(["User.Read"]);
    const error = await failure(port.auditRecords([AUDIT_ACTIVITIES.enableWriteback], new Date(0)));
    expect(error.kind).toBe("missing-consent");
    expect(error.detail.scope).toBe("AuditLog.Read.All");
    expect(error.message).toContain("AuditLog.Read.All");
    expect(error.message).toContain("Grant admin consent");
  });

  it("tells missing consent from a missing role by the token's scopes", async () => {
    const { port, tenant } = adapter({ grantedScopes: ["User.Read", "AuditLog.Read.All"] });
    tenant.admin.roleTemplateIds = [];
    const roleError = await failure(port.auditRecords([AUDIT_ACTIVITIES.enableWriteback], new Date(0)));
    expect(roleError.kind).toBe("missing-role");
    expect(roleError.message).toContain("Global Reader or Global Administrator");
    const { port: noScope, tenant: t2 } = adapter({ grantedScopes: ["User.Read"] });
    t2.admin.roleTemplateIds = [];
    expect((await failure(noScope.syncFeatures())).kind).toBe("missing-consent");
  });

  it("asks for a new sign-in when Graph refuses the token, and never echoes it", async () => {
    const port = new GraphTenant({ baseUrl: sim.baseUrl, token: "expired-secret-token" });
    const error = await failure(port.licence());
    expect(error.kind).toBe("unauthenticated");
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(
      "expired-secret-token",
    );
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
