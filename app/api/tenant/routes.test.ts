import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-tenant-routes-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
});

import * as runRoute from "@/app/api/runs/[id]/route";
import * as sandboxRoute from "@/app/api/sandbox/tenant/route";
import * as verifyEndToEndRoute from "@/app/api/verify/end-to-end-test/route";
import { call, makeSession } from "@/lib/testing/route-harness";
import { type RouteServer } from "@/lib/testing/route-server";
import { startSandboxGraph } from "@/lib/testing/sandbox-graph";
import { type Caller, createRunAs, linkCaller } from "@/lib/testing/share-harness";
import { type SandboxWorld } from "@/lib/sandbox/world";
import { changeSandboxWorld, sandboxWorldOf } from "@/lib/testing/sandbox-world";
import * as preflightRoute from "./end-to-end-test/preflight/route";
import * as endToEndRoute from "./end-to-end-test/route";
import * as usersRoute from "./users/route";

// The tenant routes in sandbox mode, end to end over HTTP: the wizard's Graph client calls the app's own simulator
// route, which answers from the run's simulated tenant.

const owner = makeSession("Olivia Owner");
let graph: RouteServer;

beforeAll(async () => {
  graph = await startSandboxGraph();
});
afterAll(() => graph.close());

const asOwner: Caller = { session: owner };

function editHelper(runId: string): Promise<Caller> {
  return linkCaller(owner, runId, "edit", { name: "Grace", label: "domain admin" });
}

function search(caller: Caller, runId: string, text: string | null) {
  const query = new URLSearchParams({ runId, ...(text === null ? {} : { search: text }) });
  return call(usersRoute.GET, `/api/tenant/users?${query.toString()}`, {}, caller);
}

async function userId(runId: string, alias: string): Promise<string> {
  const user = (await sandboxWorldOf(runId)).tenant.users.find((u) => u.userPrincipalName.startsWith(alias));
  if (!user) throw new Error(`no sandbox user ${alias}`);
  return user.id;
}

function startTest(caller: Caller, body: Record<string, unknown>) {
  return call(endToEndRoute.POST, "/api/tenant/end-to-end-test", {}, { ...caller, method: "POST", body });
}

function preflight(caller: Caller, body: Record<string, unknown>) {
  return call(
    preflightRoute.POST,
    "/api/tenant/end-to-end-test/preflight",
    {},
    { ...caller, method: "POST", body },
  );
}

/** The run's simulated AD DS user behind a sandbox tenant user, to change its account state as an admin would. */
function onPremisesUser(world: SandboxWorld, alias: string) {
  const sid = world.tenant.users.find((u) => u.userPrincipalName.startsWith(alias))?.sid;
  const user = world.directory.snapshot.domains.flatMap((d) => d.users).find((u) => u.sid === sid);
  if (!user) throw new Error(`no on-premises user for ${alias}`);
  return user;
}

const resets = async (id: string) =>
  (await sandboxWorldOf(id)).tenant.audits.filter((a) => a.activityDisplayName?.includes("Reset")).length;

async function writebackOn(runId: string) {
  for (const action of ["connect-writeback", "portal-writeback"]) {
    const res = await call(
      sandboxRoute.POST,
      "/api/sandbox/tenant",
      {},
      { method: "POST", session: owner, body: { runId, control: { action, on: true } } },
    );
    expect(res.status).toBe(200);
  }
}

describe("GET /api/tenant/users", () => {
  it("finds synchronised users of the run's tenant by the start of their name or UPN", async () => {
    const runId = await createRunAs(owner);
    const res = await search(asOwner, runId, "terry");
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.users).toEqual([
      expect.objectContaining({
        id: await userId(runId, "terry"),
        userPrincipalName: "terry.test@contoso.com",
        onPremisesSecurityIdentifier: expect.stringMatching(/^S-1-5-21-/),
      }),
    ]);
    // Cloud-only users cannot test writeback and are not offered.
    expect((await search(asOwner, runId, "casey")).json.users).toEqual([]);
  });

  it("names the missing query parameter", async () => {
    const runId = await createRunAs(owner);
    const noSearch = await search(asOwner, runId, null);
    expect(noSearch.status).toBe(422);
    expect(JSON.stringify(noSearch.json)).toContain("query.search");
    const noRun = await call(usersRoute.GET, "/api/tenant/users?search=terry", {}, asOwner);
    expect(noRun.status).toBe(422);
    expect(JSON.stringify(noRun.json)).toContain("query.runId");
  });

  it("refuses a stranger without a call to the tenant", async () => {
    const runId = await createRunAs(owner);
    const before = graph.requests.length;
    expect((await search({ session: makeSession("Mallory") }, runId, "terry")).status).toBe(404);
    expect(graph.requests.length).toBe(before);
  });
});

describe("POST /api/tenant/end-to-end-test", () => {
  it("resets the test user in the run's tenant, records it, and the check (and a later poll) passes", async () => {
    const runId = await createRunAs(owner);
    await writebackOn(runId);
    const terry = await userId(runId, "terry");
    const res = await startTest(asOwner, { runId, userId: terry, confirm: true });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const password = String(res.json.password);
    expect(password).toHaveLength(20);
    expect(res.json.record).toMatchObject({
      userPrincipalName: "terry.test@contoso.com",
      refusal: null,
      operation: { status: "succeeded" },
    });
    expect(res.json.verification).toMatchObject({ status: "passed", confidence: "verified" });
    // The Graph client went through the reset and polled its operation over HTTP.
    expect(graph.requests.some((r) => r.method === "POST" && r.path.endsWith("/resetPassword"))).toBe(true);

    // Checking again later (the panel's poll) reads the recorded test back and still passes.
    const again = await call(
      verifyEndToEndRoute.POST,
      "/api/verify/end-to-end-test",
      {},
      { method: "POST", body: { runId }, session: owner },
    );
    expect(again.status).toBe(200);
    expect(again.json.status).toBe("passed");

    const stored = await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner });
    expect(JSON.stringify(stored.json)).not.toContain(password);
    const events = stored.json.events as { type: string; actor: string }[];
    expect(events.find((e) => e.type === "end-to-end-reset")?.actor).toBe("Olivia Owner");
  });

  it("lets an edit-link helper run it against the same tenant, under their link name", async () => {
    const runId = await createRunAs(owner);
    await writebackOn(runId);
    const helper = await editHelper(runId);
    const res = await startTest(helper, { runId, userId: await userId(runId, "morgan"), confirm: true });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.verification).toMatchObject({ status: "passed" });
    // The reset landed in the run's tenant, the one the owner switched on.
    const audits = (await sandboxWorldOf(runId)).tenant.audits;
    expect(audits.at(-1)?.targetResources?.[0]?.userPrincipalName).toBe("morgan.marketing@contoso.com");
    const stored = await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner });
    const events = stored.json.events as { type: string; actor: string }[];
    expect(events.find((e) => e.type === "end-to-end-reset")?.actor).toBe("Grace (via link “domain admin”)");
  });

  it("fails the test (not the request) when writeback is off", async () => {
    const runId = await createRunAs(owner);
    const res = await startTest(asOwner, { runId, userId: await userId(runId, "terry"), confirm: true });
    expect(res.status).toBe(200);
    expect(res.json.verification).toMatchObject({ status: "failed" });
  });

  it("refuses without confirmation, a cloud-only user, an unknown user and a clean-up run", async () => {
    const runId = await createRunAs(owner);
    const unconfirmed = await startTest(asOwner, {
      runId,
      userId: await userId(runId, "terry"),
      confirm: false,
    });
    expect(unconfirmed.status).toBe(422);
    expect(JSON.stringify(unconfirmed.json)).toContain("body.confirm");
    const cloudOnly = await startTest(asOwner, {
      runId,
      userId: await userId(runId, "casey"),
      confirm: true,
    });
    expect(cloudOnly.status).toBe(422);
    expect(JSON.stringify(cloudOnly.json)).toContain("is a cloud-only user");
    const unknown = await startTest(asOwner, {
      runId,
      userId: "00000000-0000-0000-0000-000000000000",
      confirm: true,
    });
    expect(unknown.status).toBe(404);
    const cleanup = await createRunAs(owner, "cleanup");
    const wrongFlow = await startTest(asOwner, {
      runId: cleanup,
      userId: await userId(cleanup, "terry"),
      confirm: true,
    });
    expect(wrongFlow.status).toBe(409);
    // None of these reset anybody.
    expect(await resets(runId)).toBe(1); // the tenant's own history only
    // A clean-up run's tenant had writeback before the run: one more reset in its history, none made here.
    expect(await resets(cleanup)).toBe(2);
    expect(
      (await sandboxWorldOf(cleanup)).tenant.audits.every(
        (a) => Date.parse(a.activityDateTime ?? "") < Date.now() - 24 * 3600_000,
      ),
    ).toBe(true);
  });
});

describe("the end-to-end test's pre-flight", () => {
  it("says what it found about an ordinary synchronised user, one sentence per fact, and allows the reset", async () => {
    const runId = await createRunAs(owner);
    const res = await preflight(asOwner, { runId, userId: await userId(runId, "terry") });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ userPrincipalName: "terry.test@contoso.com", canReset: true });
    const checks = res.json.checks as { code: string; outcome: string; message: string }[];
    expect(checks.map((c) => [c.code, c.outcome])).toEqual([
      ["synced", "ok"],
      ["found-on-premises", "ok"],
      ["enabled", "ok"],
      ["not-locked-out", "ok"],
      ["not-protected", "ok"],
    ]);
    expect(checks[1]?.message).toBe(
      "Found in Active Directory as CN=Terry Test,OU=Staff,OU=Corp,DC=contoso,DC=test.",
    );
    expect(await resets(runId)).toBe(1); // looking resets nobody
  });

  it("refuses a protected account with the reason, and the reset is stopped with 422 before Graph is asked", async () => {
    const runId = await createRunAs(owner);
    await writebackOn(runId);
    const pat = await userId(runId, "adm-pat");
    const look = await preflight(asOwner, { runId, userId: pat });
    expect(look.json.canReset).toBe(false);
    const refusal = (look.json.checks as { code: string; outcome: string; message: string }[]).find(
      (c) => c.outcome === "refuse",
    );
    expect(refusal?.code).toBe("protected-account");
    expect(refusal?.message).toContain("Writeback never resets protected accounts, by design");
    const before = graph.requests.length;
    const res = await startTest(asOwner, { runId, userId: pat, confirm: true });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain(
      "The wizard did not reset the password. The account is protected in Active Directory (adminCount=1",
    );
    expect(JSON.stringify(res.json)).toContain("userId");
    expect(graph.requests.slice(before).some((r) => r.path.endsWith("/resetPassword"))).toBe(false);
    expect(await resets(runId)).toBe(1);
  });

  it("refuses a disabled and a locked-out account, naming each problem", async () => {
    const runId = await createRunAs(owner);
    await changeSandboxWorld(runId, (world) => {
      const morgan = onPremisesUser(world, "morgan");
      morgan.userAccountControl = 0x202;
      morgan.lockoutTime = "134400706417370000";
    });
    const res = await startTest(asOwner, { runId, userId: await userId(runId, "morgan"), confirm: true });
    expect(res.status).toBe(422);
    const text = JSON.stringify(res.json);
    expect(text).toContain("The account is disabled in Active Directory");
    expect(text).toContain("The account is locked out in Active Directory");
    expect(await resets(runId)).toBe(1);
  });

  it("allows a password that never expires, saying no change will be asked at the next sign-in", async () => {
    const runId = await createRunAs(owner);
    await writebackOn(runId);
    await changeSandboxWorld(runId, (world) => {
      onPremisesUser(world, "terry").userAccountControl = 0x10200;
    });
    const look = await preflight(asOwner, { runId, userId: await userId(runId, "terry") });
    expect(look.json.canReset).toBe(true);
    const note = (look.json.checks as { code: string; outcome: string; message: string }[]).find(
      (c) => c.outcome === "note",
    );
    expect(note?.code).toBe("password-never-expires");
    expect(note?.message).toContain("will not ask this user for a new password at the next sign-in");
    const res = await startTest(asOwner, { runId, userId: await userId(runId, "terry"), confirm: true });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const verification = res.json.verification as { status: string; findings: { message: string }[] };
    expect(verification.status).toBe("passed");
    expect(verification.findings[0]?.message).toContain("“Password never expires”");
  });

  it("is only for people who may run the test: a view link is refused", async () => {
    const runId = await createRunAs(owner);
    const viewer = await linkCaller(owner, runId, "view", { name: "Vic" });
    const res = await preflight(viewer, { runId, userId: await userId(runId, "terry") });
    expect(res.status).toBe(403);
  });
});
