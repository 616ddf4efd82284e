import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-sandbox-directory-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
  // No domain controller configured: the run's directory is its sandbox directory.
  process.env.DIRECTORY_LDAP_URL = "";
});

import * as directoryStateRoute from "@/app/api/runs/[id]/directory/route";
import * as fixApplyRoute from "@/app/api/runs/[id]/directory/fix/apply/route";
import * as fixPreviewRoute from "@/app/api/runs/[id]/directory/fix/preview/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as verifyPasswordPolicyRoute from "@/app/api/verify/password-policy/route";
import * as verifyPermissionsRoute from "@/app/api/verify/connector-permissions/route";
import * as verifyPrerequisitesRoute from "@/app/api/verify/prerequisites/route";
import * as verifyRevokeRoute from "@/app/api/verify/revoke-connector-permissions/route";
import { sandboxWorldOf } from "@/lib/testing/sandbox-world";
import { call, makeSession } from "@/lib/testing/route-harness";
import { type RouteServer } from "@/lib/testing/route-server";
import { startSandboxGraph } from "@/lib/testing/sandbox-graph";
import { type Caller, createRunAs, linkCaller } from "@/lib/testing/share-harness";
import * as sandboxRoute from "./route";

// The sandbox directory controls of a run, and the directory steps over the run's sandbox directory: the checks
// read the run's copy through the same verify routes as over LDAP, the wizard's fixes change it without a credential,
// and the controls play the admin's part that the wizard cannot (the DCs' version, the domain's password policy).

const owner = makeSession("Olivia Owner");
let graph: RouteServer;

beforeAll(async () => {
  graph = await startSandboxGraph();
});
afterAll(() => graph.close());

const asOwner: Caller = { session: owner };

function linkUser(runId: string, role: "edit" | "view"): Promise<Caller> {
  return linkCaller(owner, runId, role);
}

function view(caller: Caller, runId: string) {
  return call(sandboxRoute.GET, `/api/sandbox/directory?runId=${runId}`, {}, { ...caller });
}

function control(caller: Caller, runId: string, body: unknown) {
  return call(
    sandboxRoute.POST,
    "/api/sandbox/directory",
    {},
    { ...caller, method: "POST", body: { runId, control: body } },
  );
}

type VerifyRoute = typeof verifyPasswordPolicyRoute.POST;

async function verify(route: VerifyRoute, stepId: string, runId: string, caller: Caller = asOwner) {
  const res = await call(route, `/api/verify/${stepId}`, {}, { ...caller, method: "POST", body: { runId } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as {
    status: string;
    confidence: string | null;
    findings: { code: string; severity?: string; target?: string }[];
    evidence: Record<string, unknown>;
  };
}

const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);

/** The run's sandbox directory as one comparable string. */
async function directoryOf(runId: string): Promise<string> {
  return JSON.stringify((await sandboxWorldOf(runId)).directory.snapshot);
}

async function runVersion(runId: string): Promise<number> {
  const res = await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner });
  return Number(res.json.version);
}

describe("/api/sandbox/directory", () => {
  it("shows the run's simulated directory: a Samba DC without policy hints, a 1-day minimum password age", async () => {
    const runId = await createRunAs(owner);
    const res = await view(asOwner, runId);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({
      domainControllers: [{ name: "vm.contoso.test", policyHints: false }],
      minimumPasswordAge: [{ policy: "Default domain policy of contoso.test", age: "1 day" }],
      message: null,
    });
  });

  it("password-policy fails on the starting directory and passes, verified, once the ages are 0 and every policy readable", async () => {
    const runId = await createRunAs(owner);
    const before = await verify(verifyPasswordPolicyRoute.POST, "password-policy", runId);
    expect(before.status).toBe("failed");
    expect(before.confidence).toBe("verified");
    expect(codes(before)).toContain("min-password-age");

    const changed = await control(asOwner, runId, { action: "minimum-password-age-zero" });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json.message).toMatch(/minimum password age is now 0/);
    expect(changed.json.minimumPasswordAge).toEqual([
      { policy: "Default domain policy of contoso.test", age: "0 days" },
    ]);
    expect(changed.json.unreadablePolicies).toEqual(["CN=Lab Sales PSO"]);

    // A policy the wizard cannot read is not clean: the step fails on it and names it.
    const unread = await verify(verifyPasswordPolicyRoute.POST, "password-policy", runId);
    expect(unread.status).toBe("failed");
    expect(codes(unread)).toEqual(["fgpp-unreadable"]);
    expect(JSON.stringify(unread.findings)).toContain("CN=Lab Sales PSO");

    const readable = await control(asOwner, runId, { action: "password-settings-readable" });
    expect(readable.status, JSON.stringify(readable.json)).toBe(200);
    expect(readable.json.unreadablePolicies).toEqual([]);

    const after = await verify(verifyPasswordPolicyRoute.POST, "password-policy", runId);
    expect(after.status).toBe("passed");
    expect(after.confidence).toBe("verified");
    expect(codes(after)).not.toContain("min-password-age");
    expect(JSON.stringify(after.evidence)).toContain("the sandbox directory");
  });

  it("the DC upgrade clears the policy-hints failure of prerequisites; the connector still needs confirming", async () => {
    const runId = await createRunAs(owner);
    const before = await verify(verifyPrerequisitesRoute.POST, "prerequisites", runId);
    expect(before.status).toBe("failed");
    expect(codes(before)).toContain("dc-policy-hints-unsupported");

    const upgraded = await control(asOwner, runId, { action: "upgrade-domain-controllers" });
    expect(upgraded.status).toBe(200);
    expect(upgraded.json.domainControllers).toEqual([
      {
        name: "vm.contoso.test",
        operatingSystem: "Windows Server 2022 Datacenter 10.0 (20348)",
        policyHints: true,
      },
    ]);
    const after = await verify(verifyPrerequisitesRoute.POST, "prerequisites", runId);
    expect(codes(after)).not.toContain("dc-policy-hints-unsupported");
    expect(codes(after)).toContain("connector-unconfirmed");

    // Confirming the connector (as the page does) leaves nothing in the directory part to fail.
    const state = await call(
      directoryStateRoute.GET,
      `/api/runs/${runId}/directory`,
      { id: runId },
      { session: owner },
    );
    const candidate = (state.json.scans as Record<string, { candidates: { dn: string }[] }>).prerequisites!
      .candidates[0]!.dn;
    const saved = await call(
      directoryStateRoute.PATCH,
      `/api/runs/${runId}/directory`,
      { id: runId },
      { method: "PATCH", body: { confirmedConnectorDn: candidate }, session: owner },
    );
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ sandbox: true, ldap: expect.stringContaining("sandbox directory") });
    const settled = await verify(verifyPrerequisitesRoute.POST, "prerequisites", runId);
    expect(settled.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(settled.status).toBe("passed");
    expect(settled.confidence).toBe("verified");
  });

  it("restore puts the run's directory back, and the checks find the starting state again", async () => {
    const runId = await createRunAs(owner);
    await control(asOwner, runId, { action: "minimum-password-age-zero" });
    await control(asOwner, runId, { action: "upgrade-domain-controllers" });
    const restored = await control(asOwner, runId, { action: "restore" });
    expect(restored.status).toBe(200);
    expect(restored.json).toMatchObject({
      domainControllers: [{ policyHints: false }],
      minimumPasswordAge: [{ age: "1 day" }],
      message: "The sandbox directory is back to its starting state.",
    });
    expect((await verify(verifyPasswordPolicyRoute.POST, "password-policy", runId)).status).toBe("failed");
  });

  it("keeps runs apart, and an edit-link helper changes the same directory the owner's checks read", async () => {
    const first = await createRunAs(owner);
    const second = await createRunAs(owner);
    const helper = await linkUser(first, "edit");
    expect((await control(helper, first, { action: "minimum-password-age-zero" })).status).toBe(200);
    expect((await control(helper, first, { action: "password-settings-readable" })).status).toBe(200);
    expect((await verify(verifyPasswordPolicyRoute.POST, "password-policy", first)).status).toBe("passed");
    expect((await verify(verifyPasswordPolicyRoute.POST, "password-policy", second)).status).toBe("failed");
  });

  it("lets a view link look but not change, refuses strangers as if the run did not exist, and changes nothing", async () => {
    const runId = await createRunAs(owner);
    const viewer = await linkUser(runId, "view");
    const before = await directoryOf(runId);
    const version = await runVersion(runId);
    expect((await view(viewer, runId)).status).toBe(200);
    for (const action of [
      "upgrade-domain-controllers",
      "minimum-password-age-zero",
      "password-settings-readable",
      "delegation-in-place",
      "restore",
    ]) {
      const refused = await control(viewer, runId, { action });
      expect(refused.status, action).toBe(403);
      expect(JSON.stringify(refused.json)).toMatch(/look at the run/);
    }
    const stranger = { session: makeSession("Mallory") };
    expect((await view(stranger, runId)).status).toBe(404);
    expect((await control(stranger, runId, { action: "minimum-password-age-zero" })).status).toBe(404);
    expect(
      (
        await call(
          sandboxRoute.POST,
          "/api/sandbox/directory",
          {},
          {
            method: "POST",
            body: { runId, control: { action: "restore" } },
            session: null,
          },
        )
      ).status,
    ).toBe(401);
    expect(await directoryOf(runId)).toBe(before);
    expect(await runVersion(runId)).toBe(version);
    expect((await verify(verifyPasswordPolicyRoute.POST, "password-policy", runId)).status).toBe("failed");
  });

  it("answers 404 for a run that does not exist", async () => {
    expect((await view(asOwner, "no-such-run")).status).toBe(404);
    const res = await control(asOwner, "no-such-run", { action: "minimum-password-age-zero" });
    expect(res.status).toBe(404);
  });

  it("names the bad field and changes nothing: no run id, an unknown action, extra fields, no control", async () => {
    const runId = await createRunAs(owner);
    const before = await directoryOf(runId);
    const noRun = await call(sandboxRoute.GET, "/api/sandbox/directory", {}, { session: owner });
    expect(noRun.status).toBe(422);
    expect(JSON.stringify(noRun.json)).toContain("query.runId");
    const unknown = await control(asOwner, runId, { action: "delete-domain" });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.json)).toContain("body.control.action");
    const extra = await control(asOwner, runId, { action: "minimum-password-age-zero", days: 3 });
    expect(extra.status).toBe(422);
    expect(JSON.stringify(extra.json)).toContain("body.control");
    expect(JSON.stringify(extra.json)).toContain("days");
    const noControl = await call(
      sandboxRoute.POST,
      "/api/sandbox/directory",
      {},
      { method: "POST", body: { runId }, session: owner },
    );
    expect(noControl.status).toBe(422);
    expect(JSON.stringify(noControl.json)).toContain("body.control");
    const blankRun = await control(asOwner, "  ", { action: "restore" });
    expect(blankRun.status).toBe(422);
    expect(JSON.stringify(blankRun.json)).toContain("body.runId");
    expect(await directoryOf(runId)).toBe(before);
  });
});

describe("the wizard's fixes over the sandbox directory", () => {
  async function preview(runId: string, stepId: string, caller: Caller = asOwner) {
    return call(
      fixPreviewRoute.POST,
      `/api/runs/${runId}/directory/fix/preview`,
      { id: runId },
      { ...caller, method: "POST", body: { stepId } },
    );
  }

  async function apply(runId: string, body: Record<string, unknown>, caller: Caller = asOwner) {
    return call(
      fixApplyRoute.POST,
      `/api/runs/${runId}/directory/fix/apply`,
      { id: runId },
      { ...caller, method: "POST", body },
    );
  }

  it("connector-permissions: fails, the delegation fix, then the OU=Legacy fix, passes verified with the protected account reported", async () => {
    const runId = await createRunAs(owner);
    const first = await verify(verifyPermissionsRoute.POST, "connector-permissions", runId);
    expect(first.status).toBe("failed");
    expect(first.confidence).toBe("verified");
    expect(codes(first)).toEqual(
      expect.arrayContaining(["missing-delegation", "orphaned-admincount", "protected-account"]),
    );

    const plan = await preview(runId, "connector-permissions");
    expect(plan.status, JSON.stringify(plan.json)).toBe(200);
    expect(plan.json.credentialNote).toMatch(/^Sandbox: no credential needed/);
    const kinds = (plan.json.previews as { change: { kind: string; dn: string } }[]).map(
      (p) => p.change.kind,
    );
    expect(kinds).toContain("add-delegation");
    // No credential: the sandbox directory has no accounts to sign in with.
    const applied = await apply(runId, { stepId: "connector-permissions", planId: plan.json.planId });
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    const verification = applied.json.verification as { status: string; findings: { code: string }[] };
    // Still failing (OU=Legacy blocks inheritance), and not waiting: a sandbox change has nothing to replicate.
    expect(verification.status).toBe("failed");
    expect(codes(verification)).toContain("inheritance-disabled");

    const second = await preview(runId, "connector-permissions");
    const changes = (second.json.previews as { change: { kind: string; dn: string } }[]).map((p) => p.change);
    expect(changes).toContainEqual(
      expect.objectContaining({ kind: "enable-inheritance", dn: "OU=Legacy,DC=contoso,DC=test" }),
    );
    const done = await apply(runId, {
      stepId: "connector-permissions",
      planId: second.json.planId,
      // A credential sent anyway is ignored.
      credential: { bindDn: "CONTOSO\\anyone", password: "not used" },
    });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    const passed = done.json.verification as {
      status: string;
      confidence: string;
      findings: { code: string; severity: string }[];
    };
    expect(passed.status).toBe("passed");
    expect(passed.confidence).toBe("verified");
    expect(passed.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(passed.findings.some((f) => f.code === "protected-account" && f.severity === "warning")).toBe(
      true,
    );
  });

  it("Unexpire Password through Authenticated Users: said plainly, and the tutorial's own entry is optional", async () => {
    const runId = await createRunAs(owner);
    const first = await verify(verifyPermissionsRoute.POST, "connector-permissions", runId);
    const unexpire = (first.findings as { code: string; severity: string; message: string }[]).find(
      (f) => f.code === "unexpire-from-other-entry",
    );
    expect(unexpire?.severity).toBe("info");
    expect(unexpire?.message).toMatch(/through the entry for Authenticated Users \(S-1-5-11\)/);
    expect(unexpire?.message).toContain("(OA;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;AU)");

    const plan = await preview(runId, "connector-permissions");
    const previews = plan.json.previews as { change: { kind: string; optional?: boolean } }[];
    // Optional and last, after what the step needs.
    expect(previews.at(-1)?.change).toMatchObject({ kind: "add-unexpire", optional: true });
    expect(previews.filter((p) => !p.change.optional).map((p) => p.change.kind)).toContain("add-delegation");
    const sddl = async () => (await sandboxWorldOf(runId)).directory.snapshot.domains[0]!.sd;
    const own = /\(OA;CI;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;S-1-5-21-[\d-]+\)/;
    expect(await sddl()).not.toMatch(own);

    // By default only what the step needs is written.
    const plain = await apply(runId, { stepId: "connector-permissions", planId: plan.json.planId });
    expect(plain.status, JSON.stringify(plain.json)).toBe(200);
    expect((plain.json.applied as { kind: string }[]).map((a) => a.kind)).not.toContain("add-unexpire");
    expect(await sddl()).not.toMatch(own);

    // Asked for, the connector gets its own entry (This object and all descendant objects, as the tutorial).
    const again = await preview(runId, "connector-permissions");
    const withOptional = await apply(runId, {
      stepId: "connector-permissions",
      planId: again.json.planId,
      includeOptional: true,
    });
    expect(withOptional.status, JSON.stringify(withOptional.json)).toBe(200);
    expect((withOptional.json.applied as { kind: string }[]).map((a) => a.kind)).toContain("add-unexpire");
    expect(await sddl()).toMatch(own);
    const after = await verify(verifyPermissionsRoute.POST, "connector-permissions", runId);
    expect(codes(after)).not.toContain("unexpire-from-other-entry");
  });

  it("refuses a stale plan and a view link, writing nothing to the directory", async () => {
    const runId = await createRunAs(owner);
    const before = await directoryOf(runId);
    const stale = await apply(runId, { stepId: "connector-permissions", planId: "0123456789abcdef" });
    expect(stale.status).toBe(409);
    const viewer = await linkUser(runId, "view");
    const plan = await preview(runId, "connector-permissions");
    expect((await preview(runId, "connector-permissions", viewer)).status).toBe(403);
    expect(
      (await apply(runId, { stepId: "connector-permissions", planId: plan.json.planId }, viewer)).status,
    ).toBe(403);
    expect(await directoryOf(runId)).toBe(before);
  });

  it("clean-up: the delegation the enable flow left fails revoke; the wizard's revocation passes it", async () => {
    const runId = await createRunAs(owner, "cleanup");
    expect((await verify(verifyRevokeRoute.POST, "revoke-connector-permissions", runId)).status).toBe(
      "passed",
    );
    const left = await control(asOwner, runId, { action: "delegation-in-place" });
    expect(left.status, JSON.stringify(left.json)).toBe(200);
    expect(left.json.message).toMatch(/holds the writeback delegation/);
    const found = await verify(verifyRevokeRoute.POST, "revoke-connector-permissions", runId);
    expect(found.status).toBe("failed");
    expect(codes(found)).toContain("delegation-still-present");
    const plan = await preview(runId, "revoke-connector-permissions");
    expect(plan.status).toBe(200);
    const revoked = await apply(runId, { stepId: "revoke-connector-permissions", planId: plan.json.planId });
    expect(revoked.status, JSON.stringify(revoked.json)).toBe(200);
    expect((revoked.json.verification as { status: string; confidence: string }).status).toBe("passed");
    expect((revoked.json.verification as { confidence: string }).confidence).toBe("verified");
  });
});
