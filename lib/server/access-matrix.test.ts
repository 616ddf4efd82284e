import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-access-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  // Sandbox mode: the tenant routes reach the run's simulated tenant through the app's own simulator route.
  process.env.ENTRA_CLIENT_ID = "";
  // No domain controller configured: the directory routes work on the run's sandbox directory.
  process.env.DIRECTORY_LDAP_URL = "";
});

import * as runsRoute from "@/app/api/runs/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as reportRoute from "@/app/api/runs/[id]/report/route";
import * as reverifyRoute from "@/app/api/runs/[id]/reverify/route";
import * as shareLinksRoute from "@/app/api/runs/[id]/share-links/route";
import * as shareLinkRoute from "@/app/api/runs/[id]/share-links/[linkId]/route";
import * as meRoute from "@/app/api/me/route";
import * as sandboxDirectoryRoute from "@/app/api/sandbox/directory/route";
import * as sandboxTenantRoute from "@/app/api/sandbox/tenant/route";
import * as sandboxConnectRoute from "@/app/api/sandbox/connect/route";
import * as endToEndRoute from "@/app/api/tenant/end-to-end-test/route";
import * as endToEndPreflightRoute from "@/app/api/tenant/end-to-end-test/preflight/route";
import * as testUsersRoute from "@/app/api/tenant/users/route";
import * as directoryRoute from "@/app/api/runs/[id]/directory/route";
import * as findingsRoute from "@/app/api/runs/[id]/directory/findings/route";
import * as fixApplyRoute from "@/app/api/runs/[id]/directory/fix/apply/route";
import * as fixPreviewRoute from "@/app/api/runs/[id]/directory/fix/preview/route";
import * as snapshotRoute from "@/app/api/runs/[id]/directory/snapshot/route";
import * as connectEvidenceRoute from "@/app/api/runs/[id]/connect-evidence/route";
import * as cloudSyncEvidenceRoute from "@/app/api/runs/[id]/cloud-sync-evidence/route";
import { type StepScan } from "@/lib/directory/scan";
import { fixtureSnapshot } from "@/lib/directory/testing/fixture";
import { getDatabase } from "@/lib/server/db";
import { writeScan } from "@/lib/server/directory/artifacts";
import { env } from "@/lib/server/env";
import { sandboxWorldOf } from "@/lib/testing/sandbox-world";
import { type RouteServer } from "@/lib/testing/route-server";
import { startSandboxGraph } from "@/lib/testing/sandbox-graph";
import { LINK_GRANTS_COOKIE } from "@/lib/server/link-grants";
import { shareGuessLimiter } from "@/lib/server/rate-limit";
import { type Session } from "@/lib/server/session";
import { CLEANUP_STEP_IDS, ENABLE_STEP_IDS, type StepId } from "@/lib/steps/ids";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createLink, createRunAs, expireLink, openLink, revokeLink } from "@/lib/testing/share-harness";

// Every mutation route against every kind of caller. The view role must be refused by the server on each of
// them, not only hidden in the UI; dead links (expired, revoked) and strangers must not learn the run exists.

const ROLES = ["owner", "edit", "view", "expired", "revoked", "other-run", "none", "anonymous"] as const;
type Role = (typeof ROLES)[number];

interface Caller {
  session: Session | null;
  cookies?: Record<string, string>;
}

interface Fixture {
  runId: string;
  callers: Record<Role, Caller>;
  /** An active link nobody uses, target of the revoke attempts by non-owners. */
  spareLinkId: string;
}

const owner = makeSession("Olivia Owner");

const CLOUD_SYNC_SAMPLE = readFileSync(
  join(process.cwd(), "docs/samples/sspr-writeback-cloud-sync.sample.json"),
  "utf8",
);
/** The agent file seeded into the enable run, which refused removals must leave in place. */
const CLOUD_SYNC_KEEP = "KEEP01";

async function uploadCloudSync(runId: string, computerName: string): Promise<void> {
  const body = JSON.stringify({ ...(JSON.parse(CLOUD_SYNC_SAMPLE) as object), computerName });
  const res = await call(
    cloudSyncEvidenceRoute.POST,
    `/api/runs/${runId}/cloud-sync-evidence`,
    { id: runId },
    { method: "POST", rawBody: body, session: owner },
  );
  expect(res.status, JSON.stringify(res.json)).toBe(201);
}

async function grantFor(token: string): Promise<Caller> {
  const session = makeSession();
  const opened = await openLink(token, session);
  expect(opened.status).toBe(303);
  expect(opened.grants).not.toBeNull();
  return { session, cookies: { [LINK_GRANTS_COOKIE]: opened.grants ?? "" } };
}

async function fixture(flow: "enable" | "cleanup"): Promise<Fixture> {
  const runId = await createRunAs(owner, flow);
  const edit = await createLink(owner, runId, { role: "edit", label: "domain admin" });
  const view = await createLink(owner, runId, { role: "view", label: "auditor" });
  const expired = await createLink(owner, runId, { role: "edit", label: "old helper", expiresInDays: 1 });
  const revoked = await createLink(owner, runId, { role: "edit", label: "former helper" });
  const spare = await createLink(owner, runId, { role: "edit", label: "spare" });
  const otherRun = await createRunAs(owner, flow);
  const otherLink = await createLink(owner, otherRun, { role: "edit", label: "elsewhere" });

  const callers: Record<Role, Caller> = {
    owner: { session: owner },
    edit: await grantFor(edit.token),
    view: await grantFor(view.token),
    // Both dead links were opened while they worked: the browser still holds their grant.
    expired: await grantFor(expired.token),
    revoked: await grantFor(revoked.token),
    "other-run": await grantFor(otherLink.token),
    none: { session: makeSession("Mallory") },
    anonymous: { session: null },
  };
  await expireLink(expired.id);
  expect((await revokeLink(owner, runId, revoked.id)).status).toBe(200);
  return { runId, callers, spareLinkId: spare.id };
}

async function version(runId: string): Promise<number> {
  const res = await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner });
  return Number(res.json.version);
}

async function eventCount(runId: string): Promise<number> {
  const res = await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner });
  return (res.json.events as unknown[]).length;
}

/** The run's stored directory artifacts (snapshot, settings, scans, applied changes), as one comparable string. */
async function artifacts(runId: string): Promise<string> {
  const { db } = await getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE });
  const rows = await db
    .selectFrom("directory_artifacts")
    .select(["kind", "body", "updated_at"])
    .where("run_id", "=", runId)
    .orderBy("kind")
    .execute();
  return JSON.stringify(rows);
}

/** The run's sandbox directory (the copy its checks read and its fixes change), as one comparable string. */
async function sandboxDirectoryOf(runId: string): Promise<string> {
  return JSON.stringify((await sandboxWorldOf(runId)).directory.snapshot);
}

/** A stored scan of the connector-permissions step, so the findings read has something to show allowed roles. */
async function seedScan(runId: string): Promise<void> {
  const scan: StepScan = {
    stepId: "connector-permissions",
    source: "snapshot",
    describe: "snapshot of contoso.com",
    scannedAt: "2026-11-25T09:00:00.000Z",
    summary: "Seeded by the access matrix.",
    findings: [],
    facts: { domains: [], connector: null, candidates: [], scope: [] },
  };
  await writeScan(runId, scan);
}

type Expect = Record<Role, number>;

const RUN_WRITE: Expect = {
  owner: 200,
  edit: 200,
  view: 403,
  expired: 404,
  revoked: 404,
  "other-run": 404,
  none: 404,
  anonymous: 401,
};
const OWNER_ONLY = (ok: number): Expect => ({
  owner: ok,
  edit: 403,
  view: 403,
  expired: 404,
  revoked: 404,
  "other-run": 404,
  none: 404,
  anonymous: 401,
});
const READ: Expect = { ...RUN_WRITE, view: 200 };

interface RouteCase {
  name: string;
  flow: "enable" | "cleanup";
  expected: Expect;
  /** Whether the call changes a run when it is refused (it must not). */
  touchesRun: boolean;
  /** For a 400 answered to an allowed role: the documented stand-aside message (not a body or access error). */
  standAside?: RegExp;
  /** For an allowed role: what the call must have done (a 2xx alone could hide a call that did nothing). */
  effect?(f: Fixture, json: Record<string, unknown>, role: Role): void;
  send(f: Fixture, caller: Caller): Promise<{ status: number; json: Record<string, unknown> }>;
}

function opts(caller: Caller, extra: Parameters<typeof call>[3] = {}) {
  return { ...extra, session: caller.session, cookies: caller.cookies };
}

async function verifyRouteFor(stepId: StepId) {
  const mod = (await import(/* @vite-ignore */ `@/app/api/verify/${stepId}/route`)) as {
    POST: typeof runsRoute.POST;
  };
  return mod.POST;
}

function verifyCase(stepId: StepId, flow: "enable" | "cleanup"): RouteCase {
  return {
    name: `POST /api/verify/${stepId}`,
    flow,
    expected: RUN_WRITE,
    touchesRun: true,
    send: async (f, caller) =>
      call(
        await verifyRouteFor(stepId),
        `/api/verify/${stepId}`,
        {},
        opts(caller, {
          method: "POST",
          body: { runId: f.runId, attestation: { by: "Tester", note: "matrix" } },
        }),
      ),
  };
}

/** A synchronised user of the run's simulated tenant, the end-to-end test's target. */
async function testUserId(runId: string): Promise<string> {
  const user = (await sandboxWorldOf(runId)).tenant.users.find((u) =>
    u.userPrincipalName.startsWith("terry"),
  );
  if (!user) throw new Error("the sandbox tenant has no test user");
  return user.id;
}

const CASES: RouteCase[] = [
  {
    name: "POST /api/runs",
    flow: "enable",
    // Anyone with a session may start a run of their own; a link changes nothing about that.
    expected: {
      owner: 201,
      edit: 201,
      view: 201,
      expired: 201,
      revoked: 201,
      "other-run": 201,
      none: 201,
      anonymous: 401,
    },
    touchesRun: false,
    send: (_f, caller) =>
      call(runsRoute.POST, "/api/runs", {}, opts(caller, { method: "POST", body: { flow: "enable" } })),
  },
  {
    name: "PATCH /api/runs/<id>",
    flow: "enable",
    expected: RUN_WRITE,
    touchesRun: true,
    send: async (f, caller) => {
      const current = await version(f.runId);
      return call(
        runRoute.PATCH,
        `/api/runs/${f.runId}`,
        { id: f.runId },
        opts(caller, {
          method: "PATCH",
          body: { changes: [{ op: "assign", stepId: "connector-permissions", assignee: "domain admin" }] },
          headers: { "if-match": `"v${current}"` },
        }),
      );
    },
  },
  ...ENABLE_STEP_IDS.map((id) => verifyCase(id, "enable")),
  ...CLEANUP_STEP_IDS.map((id) => verifyCase(id, "cleanup")),
  {
    name: "POST /api/runs/<id>/share-links",
    flow: "enable",
    expected: OWNER_ONLY(201),
    touchesRun: true,
    send: (f, caller) =>
      call(
        shareLinksRoute.POST,
        `/api/runs/${f.runId}/share-links`,
        { id: f.runId },
        opts(caller, { method: "POST", body: { role: "edit", label: "another helper" } }),
      ),
  },
  {
    name: "DELETE /api/runs/<id>/share-links/<linkId>",
    flow: "enable",
    expected: OWNER_ONLY(200),
    touchesRun: true,
    send: async (f, caller) => {
      // The owner revokes a fresh link each time; the others try the spare one, which must survive.
      const linkId =
        caller.session?.id === owner.id
          ? (await createLink(owner, f.runId, { role: "view", label: "to revoke" })).id
          : f.spareLinkId;
      return call(
        shareLinkRoute.DELETE,
        `/api/runs/${f.runId}/share-links/${linkId}`,
        { id: f.runId, linkId },
        opts(caller, { method: "DELETE" }),
      );
    },
  },
  {
    name: "POST /api/runs/<id>/reverify",
    flow: "enable",
    expected: RUN_WRITE,
    touchesRun: true,
    send: (f, caller) =>
      call(
        reverifyRoute.POST,
        `/api/runs/${f.runId}/reverify`,
        { id: f.runId },
        opts(caller, { method: "POST", body: {} }),
      ),
  },
  {
    name: "POST /api/tenant/end-to-end-test",
    flow: "enable",
    // Resets a password in the run's tenant and records it on the run: edit rights, like any change.
    expected: RUN_WRITE,
    touchesRun: true,
    send: async (f, caller) =>
      call(
        endToEndRoute.POST,
        "/api/tenant/end-to-end-test",
        {},
        opts(caller, {
          method: "POST",
          body: { runId: f.runId, userId: await testUserId(f.runId), confirm: true },
        }),
      ),
  },
  {
    name: "POST /api/tenant/end-to-end-test/preflight",
    flow: "enable",
    // Only reads, but only for someone about to run the test (edit rights): it reveals account state on-premises.
    expected: RUN_WRITE,
    touchesRun: false,
    send: async (f, caller) =>
      call(
        endToEndPreflightRoute.POST,
        "/api/tenant/end-to-end-test/preflight",
        {},
        opts(caller, { method: "POST", body: { runId: f.runId, userId: await testUserId(f.runId) } }),
      ),
  },
  {
    name: "POST /api/sandbox/tenant",
    flow: "enable",
    // Flipping the run's simulated switches changes what its checks find: edit rights.
    expected: RUN_WRITE,
    touchesRun: false,
    send: (f, caller) =>
      call(
        sandboxTenantRoute.POST,
        "/api/sandbox/tenant",
        {},
        opts(caller, {
          method: "POST",
          body: { runId: f.runId, control: { action: "self-service-reset" } },
        }),
      ),
  },
  {
    name: "POST /api/sandbox/connect",
    flow: "enable",
    // The simulated Connect server's collector uploads its file into the run: edit rights, like an upload.
    expected: RUN_WRITE,
    touchesRun: true,
    send: (f, caller) =>
      call(
        sandboxConnectRoute.POST,
        "/api/sandbox/connect",
        {},
        opts(caller, { method: "POST", body: { runId: f.runId, action: "upload-evidence" } }),
      ),
  },
  {
    name: "PUT /api/me",
    flow: "enable",
    // The name belongs to the browser, not to a run: any session may set it.
    expected: {
      owner: 200,
      edit: 200,
      view: 200,
      expired: 200,
      revoked: 200,
      "other-run": 200,
      none: 200,
      anonymous: 401,
    },
    touchesRun: false,
    send: (_f, caller) =>
      call(
        meRoute.PUT,
        "/api/me",
        {},
        opts(caller, { method: "PUT", body: { name: caller.session?.name ?? "Someone" } }),
      ),
  },
];

// The directory routes. No domain controller is configured here, so the run's directory is its sandbox directory:
// the fixes work for the roles allowed to change the run (no credential is needed there), after the access check,
// so refused roles never reach the directory and change nothing in it.

/** A plan id the apply route accepts: the owner previews the fix (a read), whoever is being tested applies it. */
async function currentPlanId(runId: string): Promise<string> {
  const res = await call(
    fixPreviewRoute.POST,
    `/api/runs/${runId}/directory/fix/preview`,
    { id: runId },
    { method: "POST", body: { stepId: "connector-permissions" }, session: owner },
  );
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return String(res.json.planId);
}

CASES.push(
  {
    name: "PATCH /api/runs/<id>/directory",
    flow: "enable",
    // Confirming the connector or choosing OUs is part of running the directory checks: edit rights.
    expected: RUN_WRITE,
    touchesRun: false,
    send: (f, caller) =>
      call(
        directoryRoute.PATCH,
        `/api/runs/${f.runId}/directory`,
        { id: f.runId },
        opts(caller, {
          method: "PATCH",
          // OUs of the sandbox directory (contoso.test): the fix cases below plan within them.
          body: { scope: ["OU=Corp,DC=contoso,DC=test", "OU=Legacy,DC=contoso,DC=test"] },
        }),
      ),
  },
  {
    name: "POST /api/runs/<id>/directory/snapshot",
    flow: "enable",
    // Uploading evidence: edit rights.
    expected: { ...RUN_WRITE, owner: 201, edit: 201 },
    touchesRun: false,
    send: (f, caller) =>
      call(
        snapshotRoute.POST,
        `/api/runs/${f.runId}/directory/snapshot`,
        { id: f.runId },
        opts(caller, { method: "POST", body: fixtureSnapshot() }),
      ),
  },
  {
    name: "POST /api/runs/<id>/connect-evidence",
    flow: "enable",
    // Uploading the Connect server's evidence: edit rights (the hand-off to the Connect server's administrator).
    expected: { ...RUN_WRITE, owner: 201, edit: 201 },
    touchesRun: true,
    send: (f, caller) =>
      call(
        connectEvidenceRoute.POST,
        `/api/runs/${f.runId}/connect-evidence`,
        { id: f.runId },
        opts(caller, {
          method: "POST",
          rawBody: readFileSync(
            join(process.cwd(), "lib/connect/samples/connect-evidence.sample.json"),
            "utf8",
          ),
        }),
      ),
  },
  {
    name: "POST /api/runs/<id>/cloud-sync-evidence",
    flow: "enable",
    // Uploading a provisioning agent's file: edit rights (the hand-off to whoever administers the agent servers).
    expected: { ...RUN_WRITE, owner: 201, edit: 201 },
    touchesRun: true,
    effect: (_f, json) => {
      expect(json.agent).toMatchObject({ computerName: "SYNC01" });
    },
    send: (f, caller) =>
      call(
        cloudSyncEvidenceRoute.POST,
        `/api/runs/${f.runId}/cloud-sync-evidence`,
        { id: f.runId },
        opts(caller, { method: "POST", rawBody: CLOUD_SYNC_SAMPLE }),
      ),
  },
  {
    name: "POST /api/runs/<id>/directory/fix/preview",
    flow: "enable",
    // Reads only, but with the server's directory account and on behalf of someone about to change it: edit rights.
    expected: RUN_WRITE,
    touchesRun: false,
    send: (f, caller) =>
      call(
        fixPreviewRoute.POST,
        `/api/runs/${f.runId}/directory/fix/preview`,
        { id: f.runId },
        opts(caller, { method: "POST", body: { stepId: "connector-permissions" } }),
      ),
  },
  {
    name: "POST /api/runs/<id>/directory/fix/apply",
    flow: "enable",
    // Over LDAP the privileged credential is typed by the caller for this one action, so an edit link (the domain
    // admin the owner shared the run with) may apply; a view link may not. In the sandbox no credential is needed:
    // the owner's call writes the delegation; the edit link's finds the plan done and re-checks.
    expected: RUN_WRITE,
    touchesRun: true,
    effect: (_f, json, role) => {
      const applied = (json.applied as { result: string }[]).filter((a) => a.result === "applied");
      if (role === "owner") expect(applied.length).toBeGreaterThan(0);
      // The step was re-checked over the sandbox directory after the change.
      expect(json.verification).toMatchObject({ stepId: "connector-permissions", confidence: "verified" });
    },
    send: async (f, caller) =>
      call(
        fixApplyRoute.POST,
        `/api/runs/${f.runId}/directory/fix/apply`,
        { id: f.runId },
        opts(caller, {
          method: "POST",
          body: { stepId: "connector-permissions", planId: await currentPlanId(f.runId) },
        }),
      ),
  },
  {
    name: "POST /api/sandbox/directory",
    flow: "enable",
    // Changing the run's simulated directory changes what its checks find: edit rights.
    expected: RUN_WRITE,
    touchesRun: false,
    effect: async (f) => {
      expect(await sandboxDirectoryOf(f.runId)).toContain("Windows Server 2022");
    },
    send: (f, caller) =>
      call(
        sandboxDirectoryRoute.POST,
        "/api/sandbox/directory",
        {},
        opts(caller, {
          method: "POST",
          body: { runId: f.runId, control: { action: "upgrade-domain-controllers" } },
        }),
      ),
  },
);

const READ_CASES: RouteCase[] = [
  {
    name: "GET /api/runs/<id>/directory",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) =>
      call(directoryRoute.GET, `/api/runs/${f.runId}/directory`, { id: f.runId }, opts(caller)),
  },
  {
    name: "GET /api/runs/<id>/directory/findings",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) =>
      call(
        findingsRoute.GET,
        `/api/runs/${f.runId}/directory/findings?step=connector-permissions`,
        { id: f.runId },
        opts(caller),
      ),
  },
  {
    name: "GET /api/tenant/users",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) =>
      call(testUsersRoute.GET, `/api/tenant/users?runId=${f.runId}&search=terry`, {}, opts(caller)),
  },
  {
    name: "GET /api/sandbox/tenant",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) =>
      call(sandboxTenantRoute.GET, `/api/sandbox/tenant?runId=${f.runId}`, {}, opts(caller)),
  },
  {
    name: "GET /api/sandbox/directory",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) =>
      call(sandboxDirectoryRoute.GET, `/api/sandbox/directory?runId=${f.runId}`, {}, opts(caller)),
  },
  {
    name: "GET /api/runs/<id>",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) => call(runRoute.GET, `/api/runs/${f.runId}`, { id: f.runId }, opts(caller)),
  },
  {
    name: "GET /api/runs/<id>/report",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) =>
      call(reportRoute.GET, `/api/runs/${f.runId}/report?format=md`, { id: f.runId }, opts(caller)),
  },
  {
    name: "GET /api/runs/<id>/cloud-sync-evidence",
    flow: "enable",
    expected: READ,
    touchesRun: false,
    send: (f, caller) =>
      call(
        cloudSyncEvidenceRoute.GET,
        `/api/runs/${f.runId}/cloud-sync-evidence`,
        { id: f.runId },
        opts(caller),
      ),
  },
  {
    name: "GET /api/runs/<id>/share-links",
    flow: "enable",
    expected: OWNER_ONLY(200),
    touchesRun: false,
    send: (f, caller) =>
      call(shareLinksRoute.GET, `/api/runs/${f.runId}/share-links`, { id: f.runId }, opts(caller)),
  },
];

// Further methods of routes already listed above (the coverage check below maps each route file to one case).
const MORE_METHOD_CASES: RouteCase[] = [
  {
    name: "DELETE /api/runs/<id>/cloud-sync-evidence",
    flow: "enable",
    expected: RUN_WRITE,
    touchesRun: true,
    effect: (_f, json, role) => {
      const names = (json.agents as { computerName: string }[]).map((a) => a.computerName);
      expect(names).not.toContain(`DEL-${role}`);
      expect(names).toContain(CLOUD_SYNC_KEEP);
    },
    send: async (f, caller) => {
      // The allowed roles remove a file the owner has just uploaded; the others try the seeded one, which must stay.
      const allowed = caller.session?.id === owner.id || caller === f.callers.edit;
      let name = CLOUD_SYNC_KEEP;
      if (allowed) {
        name = caller === f.callers.edit ? "DEL-edit" : "DEL-owner";
        await uploadCloudSync(f.runId, name);
      }
      return call(
        cloudSyncEvidenceRoute.DELETE,
        `/api/runs/${f.runId}/cloud-sync-evidence?computerName=${encodeURIComponent(name)}`,
        { id: f.runId },
        opts(caller, { method: "DELETE" }),
      );
    },
  },
];

const fixtures: Partial<Record<"enable" | "cleanup", Fixture>> = {};

let graph: RouteServer;

beforeAll(async () => {
  // Before the first request: the configuration (SANDBOX_GRAPH_URL) is read once.
  graph = await startSandboxGraph();
  await shareGuessLimiter().clear();
  fixtures.enable = await fixture("enable");
  fixtures.cleanup = await fixture("cleanup");
  await seedScan(fixtures.enable.runId);
  await uploadCloudSync(fixtures.enable.runId, CLOUD_SYNC_KEEP);
});

afterAll(() => graph.close());

describe.each([...CASES, ...MORE_METHOD_CASES, ...READ_CASES])("$name", (route) => {
  it.each(ROLES.map((role) => [role, route.expected[role]] as const))("%s → %i", async (role, status) => {
    const f = fixtures[route.flow];
    if (!f) throw new Error("fixture missing");
    const before = await version(f.runId);
    const auditsBefore = (await sandboxWorldOf(f.runId)).tenant.audits.length;
    const eventsBefore = await eventCount(f.runId);
    const artifactsBefore = await artifacts(f.runId);
    const directoryBefore = await sandboxDirectoryOf(f.runId);
    const res = await route.send(f, f.callers[role]);
    expect(res.status, JSON.stringify(res.json)).toBe(status);
    if (status === 400) {
      expect(route.standAside, `${route.name} answers ${role} with an unexpected 400`).toBeDefined();
      expect((res.json.error as { message: string }).message).toMatch(route.standAside ?? /^$/);
    }
    if (status < 300) await route.effect?.(f, res.json, role);
    if (status >= 400) {
      // A refusal writes nothing: not to the run, not to its tenant (no reset, no simulated action), not to its
      // directory artifacts (no snapshot, settings, scan or applied change), not to its sandbox directory (no fix,
      // no simulated change).
      expect(await version(f.runId)).toBe(before);
      expect(await eventCount(f.runId)).toBe(eventsBefore);
      expect(await artifacts(f.runId)).toBe(artifactsBefore);
      expect((await sandboxWorldOf(f.runId)).tenant.audits.length).toBe(auditsBefore);
      expect(await sandboxDirectoryOf(f.runId)).toBe(directoryBefore);
      if (status === 403 && role === "view") {
        expect((res.json.error as { message: string }).message).toMatch(/look at the run|Only the person/);
      }
    }
  });
});

describe("the matrix covers every mutation route of the API and of share links", () => {
  it("lists each route file that exports POST, PUT, PATCH or DELETE", () => {
    const root = process.cwd();
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name === "route.ts") files.push(relative(root, path));
      }
    };
    // The whole API: a new route anywhere under it must be listed or exempted with a reason.
    // (GET /api/directory/collect-script is a download of a static script, not run-scoped and not a mutation.)
    for (const dir of ["app/api", "app/share"]) walk(join(root, dir));
    const mutating = files.filter((file) =>
      /export const (POST|PUT|PATCH|DELETE)\b|export (async )?function (POST|PUT|PATCH|DELETE)\b/.test(
        readFileSync(join(root, file), "utf8"),
      ),
    );
    // "PATCH /api/runs/<id>" → app/api/runs/[id]/route.ts
    const covered = new Set(
      CASES.map(
        (c) =>
          `app/${c.name
            .replace(/^\w+ \//, "")
            .replace("<id>", "[id]")
            .replace("<linkId>", "[linkId]")}/route.ts`,
      ),
    );
    expect(covered.size).toBe(CASES.length);
    // The unknown-step catch-all answers 404 before any access decision.
    // The simulator is called server to server by the wizard's own Graph client, with no session: it is keyed by
    // the run's unguessable sandbox key (an HMAC of the run id), which only reaches it after the run's access check.
    // Sign-in and sign-out (POST/DELETE /api/session) change only the caller's own session cookie, never a run.
    // The /api catch-all answers every method with a 404 and touches nothing.
    const exempt = new Set([
      "app/api/[...unknown]/route.ts",
      "app/api/verify/[stepId]/route.ts",
      "app/api/sandbox/graph/[...path]/route.ts",
      "app/api/session/route.ts",
    ]);
    for (const file of mutating) {
      expect(covered.has(file) || exempt.has(file), `${file} is not in the access matrix`).toBe(true);
    }
  });
});
