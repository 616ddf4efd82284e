import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-sandbox-route-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
});

import * as verifyConnectRoute from "@/app/api/verify/connect-writeback/route";
import * as verifyDisableConnectRoute from "@/app/api/verify/disable-connect-writeback/route";
import { runIdOfSandboxBearer, sandboxBearer } from "@/lib/server/sandbox-store";
import { sandboxWorldOf } from "@/lib/testing/sandbox-world";
import { call, makeSession } from "@/lib/testing/route-harness";
import { type RouteServer } from "@/lib/testing/route-server";
import { startSandboxGraph } from "@/lib/testing/sandbox-graph";
import { type Caller, createRunAs, linkCaller } from "@/lib/testing/share-harness";
import * as sandboxRoute from "./route";

// The sandbox controls of a run: one simulated tenant per run, seen and changed by everyone the run is shared
// with (and refused to everyone else), reached by the checks over HTTP through the app's own simulator route.

const owner = makeSession("Olivia Owner");
let graph: RouteServer;

beforeAll(async () => {
  graph = await startSandboxGraph();
});
afterAll(() => graph.close());

function linkUser(runId: string, role: "edit" | "view"): Promise<Caller> {
  return linkCaller(owner, runId, role);
}

function view(caller: Caller, runId: string) {
  return call(sandboxRoute.GET, `/api/sandbox/tenant?runId=${runId}`, {}, { ...caller });
}

function control(caller: Caller, runId: string, body: Record<string, unknown>) {
  return call(
    sandboxRoute.POST,
    "/api/sandbox/tenant",
    {},
    { ...caller, method: "POST", body: { runId, control: body } },
  );
}

describe("/api/sandbox/tenant", () => {
  it("starts from the sample tenant: every switch off", async () => {
    const runId = await createRunAs(owner);
    const res = await view({ session: owner }, runId);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      switches: { connectWriteback: false, portalWriteback: false, unlock: false },
      message: null,
    });
  });

  it("a clean-up run starts where writeback was set up: switches on, and the first clear of the Connect option is evidence", async () => {
    const runId = await createRunAs(owner, "cleanup");
    const start = await view({ session: owner }, runId);
    expect(start.json.switches).toEqual({ connectWriteback: true, portalWriteback: true, unlock: true });
    const cleared = await control({ session: owner }, runId, { action: "connect-writeback", on: false });
    expect(cleared.json.message).toContain("cleared");
    const checked = await call(
      verifyDisableConnectRoute.POST,
      "/api/verify/disable-connect-writeback",
      {},
      { method: "POST", body: { runId }, session: owner },
    );
    expect(checked.status).toBe(200);
    expect(checked.json.status).toBe("passed");
    // Restore goes back to the clean-up start, not to the enable one.
    const restored = await control({ session: owner }, runId, { action: "restore" });
    expect(restored.json.switches).toEqual({ connectWriteback: true, portalWriteback: true, unlock: true });
  });

  it("shows the owner and an edit-link helper one tenant: what one flips, the other sees", async () => {
    const runId = await createRunAs(owner);
    const helper = await linkUser(runId, "edit");
    const flipped = await control(helper, runId, { action: "connect-writeback", on: true });
    expect(flipped.status, JSON.stringify(flipped.json)).toBe(200);
    expect(flipped.json.message).toContain("ticked");
    const seen = await view({ session: owner }, runId);
    expect(seen.json.switches).toMatchObject({ connectWriteback: true });
    // The Connect option writes its audit record into that one tenant: the owner's check finds it.
    expect(Number(seen.json.auditRecords)).toBe(2);
    const checked = await call(
      verifyConnectRoute.POST,
      "/api/verify/connect-writeback",
      {},
      { method: "POST", body: { runId }, session: owner },
    );
    expect(checked.status).toBe(200);
    expect(checked.json.status).toBe("passed");
    expect(graph.requests.some((r) => r.path.includes("/auditLogs/directoryAudits"))).toBe(true);

    await control({ session: owner }, runId, { action: "portal-writeback", on: true });
    expect((await view(helper, runId)).json.switches).toMatchObject({ portalWriteback: true });
  });

  it("keeps runs apart: another run of the same owner has its own tenant", async () => {
    const first = await createRunAs(owner);
    const second = await createRunAs(owner);
    await control({ session: owner }, first, { action: "portal-writeback", on: true });
    expect((await view({ session: owner }, second)).json.switches).toMatchObject({ portalWriteback: false });
    expect((await sandboxWorldOf(first)).tenant.tenantId).not.toBe(
      (await sandboxWorldOf(second)).tenant.tenantId,
    );
  });

  it("lets a view link look but not change, and refuses strangers as if the run did not exist", async () => {
    const runId = await createRunAs(owner);
    const viewer = await linkUser(runId, "view");
    expect((await view(viewer, runId)).status).toBe(200);
    const refused = await control(viewer, runId, { action: "portal-writeback", on: true });
    expect(refused.status).toBe(403);
    const stranger = { session: makeSession("Mallory") };
    expect((await view(stranger, runId)).status).toBe(404);
    expect((await control(stranger, runId, { action: "portal-writeback", on: true })).status).toBe(404);
    // Nothing changed in the run's tenant.
    expect((await sandboxWorldOf(runId)).tenant.switches.portalWriteback).toBe(false);
  });

  it("restores the starting state and says when a control does not apply", async () => {
    const runId = await createRunAs(owner);
    const early = await control({ session: owner }, runId, { action: "portal-unlock", on: true });
    expect(early.status).toBe(409);
    await control({ session: owner }, runId, { action: "portal-writeback", on: true });
    expect((await control({ session: owner }, runId, { action: "portal-unlock", on: true })).status).toBe(
      200,
    );
    const restored = await control({ session: owner }, runId, { action: "restore" });
    expect(restored.json.switches).toEqual({
      connectWriteback: false,
      portalWriteback: false,
      unlock: false,
    });
  });

  it("names the bad field: no run id, an unknown action, a missing switch value", async () => {
    const runId = await createRunAs(owner);
    const noRun = await call(sandboxRoute.GET, "/api/sandbox/tenant", {}, { session: owner });
    expect(noRun.status).toBe(422);
    expect(JSON.stringify(noRun.json)).toContain("query.runId");
    const unknown = await control({ session: owner }, runId, { action: "delete-tenant" });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.json)).toContain("body.control.action");
    const missing = await control({ session: owner }, runId, { action: "connect-writeback" });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.json)).toContain("body.control.on");
    // The old, run-less body is refused rather than acting on some other tenant.
    const old = await call(
      sandboxRoute.POST,
      "/api/sandbox/tenant",
      {},
      { method: "POST", body: { action: "restore" }, session: owner },
    );
    expect(old.status).toBe(422);
  });
});

describe("sandbox bearers", () => {
  it("name the run with the server's HMAC of it: a changed run id or signature is refused", () => {
    expect(sandboxBearer("run-a")).toBe(sandboxBearer("run-a"));
    expect(runIdOfSandboxBearer(sandboxBearer("run-a"))).toBe("run-a");
    expect(runIdOfSandboxBearer(sandboxBearer("run-a").replace("run-a", "run-b"))).toBeNull();
    const [prefix, run, mac] = sandboxBearer("run-a").split(".");
    expect(runIdOfSandboxBearer(`${prefix}.${run}.${mac!.slice(0, -2)}AA`)).toBeNull();
    expect(runIdOfSandboxBearer("anything-at-all-0123456789")).toBeNull();
  });
});
