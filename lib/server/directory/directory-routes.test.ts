import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-directory-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.DIRECTORY_SNAPSHOT_MAX_BYTES = "200000";
  // A DC that is not there: checks must stand aside quickly and leave the run unchanged.
  process.env.DIRECTORY_LDAP_URL = "ldaps://127.0.0.1:1";
  process.env.DIRECTORY_BIND_DN = "CN=svc-wizard,CN=Users,DC=contoso,DC=com";
  process.env.DIRECTORY_BIND_PASSWORD = "not-used";
  process.env.DIRECTORY_CONNECT_TIMEOUT_MS = "2000";
});

import * as runsRoute from "@/app/api/runs/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as directoryRoute from "@/app/api/runs/[id]/directory/route";
import * as findingsRoute from "@/app/api/runs/[id]/directory/findings/route";
import * as snapshotRoute from "@/app/api/runs/[id]/directory/snapshot/route";
import * as collectRoute from "@/app/api/directory/collect-script/route";
import * as permissionsRoute from "@/app/api/verify/connector-permissions/route";
import { fixtureSnapshot } from "@/lib/directory/testing/fixture";
import { call, makeSession } from "@/lib/testing/route-harness";

const owner = makeSession("Ada Admin");
const stranger = makeSession("Mallory");

async function createRun() {
  const res = await call(
    runsRoute.POST,
    "/api/runs",
    {},
    { method: "POST", body: { flow: "enable" }, session: owner },
  );
  expect(res.status).toBe(201);
  return res.json as { id: string; version: number };
}

describe("directory routes", () => {
  it("an unreachable DC ends within the timeout with a clear message, and the run is unchanged", async () => {
    const run = await createRun();
    const started = Date.now();
    const res = await call(
      permissionsRoute.POST,
      "/api/verify/connector-permissions",
      {},
      { method: "POST", body: { runId: run.id }, session: owner },
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(res.status).toBe(200);
    const findings = res.json.findings as { code: string; message: string }[];
    expect(findings.map((f) => f.code)).toContain("directory-unreachable");
    expect(findings.find((f) => f.code === "directory-unreachable")?.message).toMatch(
      /Cannot reach the domain controller at 127\.0\.0\.1:1/,
    );
    // Asking for a check starts the step (by design), but no verdict, finding or evidence is recorded.
    const after = await call(runRoute.GET, `/api/runs/${run.id}`, { id: run.id }, { session: owner });
    const step = (
      after.json.steps as Record<
        string,
        { status: string; confidence: string | null; findings: unknown[]; checkedAt: string | null }
      >
    )["connector-permissions"];
    expect(step).toMatchObject({ status: "in-progress", confidence: null, findings: [], checkedAt: null });
  });

  it("uploads a snapshot, then the step is checked from it with confidence evidence", async () => {
    const run = await createRun();
    const up = await call(
      snapshotRoute.POST,
      `/api/runs/${run.id}/directory/snapshot`,
      { id: run.id },
      { method: "POST", body: fixtureSnapshot(), session: owner },
    );
    expect(up.status).toBe(201);
    expect(up.json.snapshot).toMatchObject({ domains: ["contoso.com"], users: 8 });
    const res = await call(
      permissionsRoute.POST,
      "/api/verify/connector-permissions",
      {},
      { method: "POST", body: { runId: run.id }, session: owner },
    );
    expect(res.json).toMatchObject({ status: "failed", confidence: "evidence" });
    const list = await call(
      findingsRoute.GET,
      `/api/runs/${run.id}/directory/findings?step=connector-permissions&q=legacy`,
      { id: run.id },
      { session: owner },
    );
    expect(list.json.total).toBe(2);
    const { NextRequest } = await import("next/server");
    const { encodeSession, SESSION_COOKIE } = await import("@/lib/server/session");
    const csv = await findingsRoute.GET(
      new NextRequest(
        `http://localhost:3000/api/runs/${run.id}/directory/findings?step=connector-permissions&format=csv`,
        { headers: { cookie: `${SESSION_COOKIE}=${await encodeSession(owner)}` } },
      ),
      { params: Promise.resolve({ id: run.id }) },
    );
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect((await csv.text()).split("\r\n")[0]).toBe("code,severity,dn,anchor,reason,remediation");
    const state = await call(
      directoryRoute.GET,
      `/api/runs/${run.id}/directory`,
      { id: run.id },
      { session: owner },
    );
    expect(
      (state.json.scans as Record<string, { summary: string }>)["connector-permissions"]?.summary,
    ).toMatch(/^2 of 8 users ready/);
  });

  it("refuses a malformed snapshot naming the field, and keeps the previous one", async () => {
    const run = await createRun();
    await call(
      snapshotRoute.POST,
      `/api/runs/${run.id}/directory/snapshot`,
      { id: run.id },
      { method: "POST", body: fixtureSnapshot(), session: owner },
    );
    const bad = fixtureSnapshot();
    bad.domains[0]!.users[3]!.sid = "S-1-nope";
    const res = await call(
      snapshotRoute.POST,
      `/api/runs/${run.id}/directory/snapshot`,
      { id: run.id },
      { method: "POST", body: bad, session: owner },
    );
    expect(res.status).toBe(422);
    expect((res.json.error as { message: string }).message).toMatch(
      /domains\[0\]\.users\[3\]\.sid is not a SID/,
    );
    const state = await call(
      directoryRoute.GET,
      `/api/runs/${run.id}/directory`,
      { id: run.id },
      { session: owner },
    );
    expect(state.json.snapshot).toMatchObject({ users: 8 });
  });

  it("refuses a snapshot over the size limit (413), someone else's run (404) and bad settings (422)", async () => {
    const run = await createRun();
    const big = { ...fixtureSnapshot(), padding: "x".repeat(210_000) };
    expect(
      (
        await call(
          snapshotRoute.POST,
          `/api/runs/${run.id}/directory/snapshot`,
          { id: run.id },
          { method: "POST", body: big, session: owner },
        )
      ).status,
    ).toBe(413);
    expect(
      (
        await call(
          snapshotRoute.POST,
          `/api/runs/${run.id}/directory/snapshot`,
          { id: run.id },
          { method: "POST", body: fixtureSnapshot(), session: stranger },
        )
      ).status,
    ).toBe(404);
    const bad = await call(
      directoryRoute.PATCH,
      `/api/runs/${run.id}/directory`,
      { id: run.id },
      { method: "PATCH", body: { scope: "OU=x" }, session: owner },
    );
    expect(bad.status).toBe(422);
    expect((bad.json.error as { message: string }).message).toMatch(/body\.scope/);
    const ok = await call(
      directoryRoute.PATCH,
      `/api/runs/${run.id}/directory`,
      { id: run.id },
      { method: "PATCH", body: { scope: ["OU=Staff,DC=contoso,DC=com"] }, session: owner },
    );
    expect(ok.json.settings).toEqual({ confirmedConnectorDn: null, scope: ["OU=Staff,DC=contoso,DC=com"] });
  });

  it("serves the collector script as a download", async () => {
    const { NextRequest } = await import("next/server");
    const { encodeSession, SESSION_COOKIE } = await import("@/lib/server/session");
    const res = await collectRoute.GET(
      new NextRequest("http://localhost:3000/api/directory/collect-script", {
        headers: { cookie: `${SESSION_COOKIE}=${await encodeSession(owner)}` },
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.headers.get("content-disposition")).toMatch(/Collect-SsprWritebackSnapshot\.ps1/);
    expect(await res.text()).toContain("sspr-writeback-snapshot/2");
  });
});
