import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-tenant-live-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
  process.env.ENTRA_TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
});

import * as sandboxGraphRoute from "@/app/api/sandbox/graph/[...path]/route";
import * as sandboxRoute from "@/app/api/sandbox/tenant/route";
import { type Session } from "@/lib/server/session";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createRunAs } from "@/lib/testing/share-harness";
import { fakeGraphToken, startSimulator, type SimulatorServer } from "@/lib/testing/simulator-server";
import * as endToEndRoute from "./end-to-end-test/route";
import * as usersRoute from "./users/route";

// The tenant routes in live mode: the browser's Graph token travels with the request to Graph (here the
// simulator, served as GRAPH_BASE_URL over HTTP), after the run's access check; the sandbox does not exist.

let sim: SimulatorServer;
beforeAll(async () => {
  sim = await startSimulator("");
  process.env.GRAPH_BASE_URL = sim.baseUrl;
});
afterAll(() => sim.close());

function token(claims: Record<string, unknown>): string {
  return fakeGraphToken(claims, "User.Read User.Read.All UserAuthenticationMethod.ReadWrite.All");
}

const good = token({ tid: TENANT_ID, appid: CLIENT_ID, uti: "live-routes" });
const owner: Session = {
  ...makeSession("Ada Admin"),
  entra: {
    tid: TENANT_ID,
    oid: "00000000-0000-0000-0000-00000000000a",
    upn: "ada.admin@contoso.onmicrosoft.com",
  },
};

function search(session: Session, runId: string, bearer: string | null) {
  return call(
    usersRoute.GET,
    `/api/tenant/users?runId=${runId}&search=terry`,
    {},
    {
      session,
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    },
  );
}

describe("tenant routes in live mode", () => {
  it("searches the signed-in admin's tenant with the token of this request", async () => {
    const runId = await createRunAs(owner);
    const res = await search(owner, runId, good);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.users).toEqual([
      expect.objectContaining({ userPrincipalName: "terry.test@contoso.com" }),
    ]);
    expect(sim.requests.at(-1)?.authorization).toBe(`Bearer ${good}`);
  });

  it("asks for sign-in without a token, and refuses another tenant's or application's token", async () => {
    const runId = await createRunAs(owner);
    expect((await search(owner, runId, null)).status).toBe(401);
    const before = sim.requests.length;
    const otherTenant = token({ tid: "99999999-bbbb-cccc-dddd-eeeeeeeeeeee", appid: CLIENT_ID });
    expect((await search(owner, runId, otherTenant)).status).toBe(403);
    const otherApp = token({ tid: TENANT_ID, appid: "00000000-0000-0000-0000-000000000001" });
    expect((await search(owner, runId, otherApp)).status).toBe(403);
    // Refused tokens are never forwarded to Graph.
    expect(sim.requests.length).toBe(before);
  });

  it("refuses a token of another organisation than the one the session signed in with", async () => {
    const runId = await createRunAs(owner);
    // Same session id (so the run is theirs), but signed in to another tenant than the token's.
    const switched = { ...owner, entra: { ...owner.entra!, tid: "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee" } };
    const res = await search(switched, runId, good);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.json)).toContain("another organisation than the one you signed in with");
  });

  it("checks the run first: a stranger's valid token never reaches Graph", async () => {
    const runId = await createRunAs(owner);
    const before = sim.requests.length;
    const res = await search(makeSession("Mallory"), runId, good);
    expect(res.status).toBe(404);
    const reset = await call(
      endToEndRoute.POST,
      "/api/tenant/end-to-end-test",
      {},
      {
        method: "POST",
        session: makeSession("Mallory"),
        headers: { authorization: `Bearer ${good}` },
        body: { runId, userId: sim.tenant(good).users[1]!.id, confirm: true },
      },
    );
    expect(reset.status).toBe(404);
    expect(sim.requests.length).toBe(before);
  });

  it("turns Graph refusing the token into a 401", async () => {
    const runId = await createRunAs(owner);
    // The simulator refuses tokens starting with "expired" as Graph refuses an expired one; the claims are fine.
    const res = await search(owner, runId, `expired${good}`);
    expect(res.status).toBe(401);
    expect(sim.requests.at(-1)?.authorization).toBe(`Bearer expired${good}`);
  });

  it("runs the end-to-end reset through Graph with the request's token", async () => {
    const runId = await createRunAs(owner);
    const tenant = sim.tenant(good);
    tenant.setConnectWriteback(true);
    tenant.setPortalWriteback(true);
    const terry = tenant.users.find((u) => u.userPrincipalName.startsWith("terry"))!;
    const res = await call(
      endToEndRoute.POST,
      "/api/tenant/end-to-end-test",
      {},
      {
        method: "POST",
        session: owner,
        headers: { authorization: `Bearer ${good}` },
        body: { runId, userId: terry.id, confirm: true },
      },
    );
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.record).toMatchObject({ userPrincipalName: terry.userPrincipalName, refusal: null });
    expect(sim.requests.some((r) => r.url.includes(`/users/${terry.id}/authentication/methods/`))).toBe(true);
  });
});

describe("the sandbox in live mode", () => {
  it("does not exist: controls and the simulator answer 404", async () => {
    const runId = await createRunAs(owner);
    expect(
      (await call(sandboxRoute.GET, `/api/sandbox/tenant?runId=${runId}`, {}, { session: owner })).status,
    ).toBe(404);
    const control = await call(
      sandboxRoute.POST,
      "/api/sandbox/tenant",
      {},
      {
        method: "POST",
        session: owner,
        body: { runId, control: { action: "restore" } },
      },
    );
    expect(control.status).toBe(404);
    const simulated = await sandboxGraphRoute.GET(
      new Request("http://localhost:3000/api/sandbox/graph/v1.0/me", {
        headers: { authorization: "Bearer x" },
      }),
    );
    expect(simulated.status).toBe(404);
  });
});
