import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-timeline-events-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
  process.env.DIRECTORY_LDAP_URL = "";
});

import * as sandboxDirectoryRoute from "@/app/api/sandbox/directory/route";
import * as sandboxTenantRoute from "@/app/api/sandbox/tenant/route";
import * as directoryStateRoute from "@/app/api/runs/[id]/directory/route";
import * as fixApplyRoute from "@/app/api/runs/[id]/directory/fix/apply/route";
import * as fixPreviewRoute from "@/app/api/runs/[id]/directory/fix/preview/route";
import * as snapshotRoute from "@/app/api/runs/[id]/directory/snapshot/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as verifyPermissionsRoute from "@/app/api/verify/connector-permissions/route";
import * as verifyPrerequisitesRoute from "@/app/api/verify/prerequisites/route";
import * as verifyRevokeRoute from "@/app/api/verify/revoke-connector-permissions/route";
import { fixtureSnapshot } from "@/lib/directory/testing/fixture";
import { call, makeSession } from "@/lib/testing/route-harness";
import { type RouteServer } from "@/lib/testing/route-server";
import { startSandboxGraph } from "@/lib/testing/sandbox-graph";
import { createLink, createRunAs, openLink, revokeLink } from "@/lib/testing/share-harness";
import { LINK_GRANTS_COOKIE } from "@/lib/server/link-grants";

// What the wizard does itself goes into the run's timeline where it happens (server side): fixes applied and
// revoked with their counts and targets, the connector confirmed, evidence uploaded, sandbox simulations. And a
// browser whose link was revoked learns why from the run's 404.

const owner = makeSession("Olivia Owner");
let graph: RouteServer;
beforeAll(async () => {
  graph = await startSandboxGraph();
});
afterAll(() => graph.close());

interface Event {
  type: string;
  actor: string;
  stepId: string | null;
  summary: string;
  detail: Record<string, unknown>;
}

async function events(runId: string): Promise<Event[]> {
  const res = await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner });
  return res.json.events as Event[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- route handlers of any params shape
type AnyRoute = (request: any, context: { params: Promise<any> }) => Promise<Response>;

async function post(route: AnyRoute, path: string, body: unknown, id?: string) {
  const res = await call(route, path, id ? { id } : {}, { method: "POST", body, session: owner });
  expect(res.status, res.text).toBeLessThan(300);
  return res;
}

async function applyFix(runId: string, stepId: string) {
  const plan = await post(
    fixPreviewRoute.POST,
    `/api/runs/${runId}/directory/fix/preview`,
    { stepId },
    runId,
  );
  return post(
    fixApplyRoute.POST,
    `/api/runs/${runId}/directory/fix/apply`,
    { stepId, planId: plan.json.planId },
    runId,
  );
}

describe("timeline entries for the wizard's own actions", () => {
  it("records a simulation, the connector confirmed and a fix applied with its count and target", async () => {
    const runId = await createRunAs(owner);
    await post(sandboxDirectoryRoute.POST, "/api/sandbox/directory", {
      runId,
      control: { action: "upgrade-domain-controllers" },
    });
    await post(sandboxTenantRoute.POST, "/api/sandbox/tenant", {
      runId,
      control: { action: "connect-writeback", on: true },
    });
    await post(verifyPrerequisitesRoute.POST, "/api/verify/prerequisites", { runId });
    const state = await call(
      directoryStateRoute.GET,
      `/api/runs/${runId}/directory`,
      { id: runId },
      { session: owner },
    );
    const candidate = (state.json.scans as Record<string, { candidates: { dn: string }[] }>).prerequisites!
      .candidates[0]!.dn;
    await call(
      directoryStateRoute.PATCH,
      `/api/runs/${runId}/directory`,
      { id: runId },
      {
        method: "PATCH",
        body: { confirmedConnectorDn: candidate },
        session: owner,
      },
    );
    await post(verifyPermissionsRoute.POST, "/api/verify/connector-permissions", { runId });
    await applyFix(runId, "connector-permissions");

    const all = await events(runId);
    const simulated = all.filter((e) => e.type === "sandbox-simulated");
    expect(simulated.map((e) => e.detail)).toEqual([
      { system: "directory", action: "upgrade-domain-controllers" },
      { system: "tenant", action: "connect-writeback" },
    ]);
    expect(simulated[1]?.summary).toBe("Simulated: Password writeback ticked in the Connect wizard.");
    expect(all.find((e) => e.type === "connector-confirmed")).toMatchObject({
      actor: "Olivia Owner",
      summary: `Confirmed the connector account ${candidate}`,
    });
    const fix = all.find((e) => e.type === "fix-applied");
    expect(fix).toMatchObject({ stepId: "connector-permissions", actor: "Olivia Owner" });
    expect(fix?.detail.changes).toBeGreaterThan(0);
    expect(fix?.detail.entriesAdded).toBeGreaterThan(0);
    expect(fix?.detail.targets).toContain("DC=contoso,DC=test");
    expect(fix?.summary).toMatch(/^Applied \d+ changes? for CONTOSO\\MSOL_\w+ on DC=contoso,DC=test/);
    expect(fix?.summary).toMatch(/\d+ permission entr(y|ies) added/);
    // The fix comes just before the check it triggered, in one commit.
    const at = all.indexOf(fix!);
    expect(all[at + 1]).toMatchObject({ type: "verified", stepId: "connector-permissions" });
  });

  it("records a revocation with the entries removed", async () => {
    const runId = await createRunAs(owner, "cleanup");
    await post(sandboxDirectoryRoute.POST, "/api/sandbox/directory", {
      runId,
      control: { action: "delegation-in-place" },
    });
    await post(verifyRevokeRoute.POST, "/api/verify/revoke-connector-permissions", { runId });
    await applyFix(runId, "revoke-connector-permissions");
    const revoked = (await events(runId)).find((e) => e.type === "fix-revoked");
    expect(revoked?.summary).toMatch(/^Revoked the permissions of CONTOSO\\MSOL_\w+: \d+ changes? on /);
    expect(revoked?.detail.entriesRemoved).toBeGreaterThan(0);
  });

  it("records an uploaded snapshot", async () => {
    const runId = await createRunAs(owner);
    const res = await call(
      snapshotRoute.POST,
      `/api/runs/${runId}/directory/snapshot`,
      { id: runId },
      {
        method: "POST",
        body: fixtureSnapshot(),
        session: owner,
      },
    );
    expect(res.status).toBe(201);
    expect((await events(runId)).find((e) => e.type === "evidence-uploaded")).toMatchObject({
      summary: "Uploaded directory evidence collected 2026-11-25T09:00:00.000Z: 8 user(s) in contoso.com",
    });
  });
});

describe("a revoked or expired link", () => {
  it("gets a 404 that says the link was revoked, while a stranger's 404 says nothing more", async () => {
    const runId = await createRunAs(owner);
    const link = await createLink(owner, runId, { role: "edit", label: "domain admin" });
    const helper = makeSession("Dee");
    const opened = await openLink(link.token, helper);
    const cookies = { [LINK_GRANTS_COOKIE]: opened.grants ?? "" };
    expect(
      (await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: helper, cookies })).status,
    ).toBe(200);
    await revokeLink(owner, runId, link.id);
    const refused = await call(
      runRoute.GET,
      `/api/runs/${runId}`,
      { id: runId },
      { session: helper, cookies },
    );
    expect(refused.status).toBe(404);
    expect(refused.json.lostLink).toMatchObject({ reason: "revoked" });
    expect((refused.json.error as { message: string }).message).toMatch(
      /^This link was revoked by its owner/,
    );
    const stranger = await call(
      runRoute.GET,
      `/api/runs/${runId}`,
      { id: runId },
      { session: makeSession("M") },
    );
    expect(stranger.status).toBe(404);
    expect(stranger.json.lostLink).toBeUndefined();
  });
});
