import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Before any import reads the configuration: a private SQLite file and a fixed signing key.
  process.env.DATABASE_FILE = `/tmp/wizard-api-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.MAX_BODY_BYTES = "2048";
});

import * as runsRoute from "@/app/api/runs/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as unknownStepRoute from "@/app/api/verify/[stepId]/route";
import * as prerequisitesRoute from "@/app/api/verify/prerequisites/route";
import * as disableOptionsRoute from "@/app/api/verify/disable-sspr-options/route";
import * as sspUnlockRoute from "@/app/api/verify/sspr-unlock/route";
import * as meRoute from "@/app/api/me/route";
import { call, makeSession } from "@/lib/testing/route-harness";
import { STEP_IDS } from "@/lib/steps/ids";

const owner = makeSession("Ada Admin");
const stranger = makeSession("Mallory");

async function createRun(flow: "enable" | "cleanup" = "enable") {
  const res = await call(runsRoute.POST, "/api/runs", {}, { method: "POST", body: { flow }, session: owner });
  expect(res.status).toBe(201);
  return res.json as { id: string; version: number; steps: Record<string, { status: string }> };
}

describe("verify route folders", () => {
  it("has exactly one route folder per catalogue step, each wired to its own id", () => {
    const root = join(process.cwd(), "app/api/verify");
    const folders = readdirSync(root).filter(
      (name) => statSync(join(root, name)).isDirectory() && !name.startsWith("["),
    );
    expect([...folders].sort()).toEqual([...STEP_IDS].sort());
    for (const id of folders) {
      const source = readFileSync(join(root, id, "route.ts"), "utf8");
      expect(source, `${id}/route.ts`).toContain(`verifyRoute("${id}")`);
    }
  });
});

describe("runs API", () => {
  it("creates a run (201) with every step of its flow not started", async () => {
    const run = await createRun("cleanup");
    expect(run.version).toBe(1);
    expect(Object.keys(run.steps)).toEqual([
      "disable-sspr-options",
      "disable-connect-writeback",
      "revoke-connector-permissions",
      "confirm-disabled",
    ]);
    expect(Object.values(run.steps).every((s) => s.status === "not-started")).toBe(true);
  });

  it("names the bad field of a malformed body (422) and creates nothing", async () => {
    const before = await call(runsRoute.GET, "/api/runs", {}, { session: owner });
    const res = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      { method: "POST", body: { flow: "upgrade" }, session: owner },
    );
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain("body.flow");
    const after = await call(runsRoute.GET, "/api/runs", {}, { session: owner });
    expect((after.json.runs as unknown[]).length).toBe((before.json.runs as unknown[]).length);
  });

  it("refuses invalid JSON (400), a non-JSON body (415) and an oversized body (413)", async () => {
    const bad = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      { method: "POST", rawBody: "{flow:", session: owner },
    );
    expect(bad.status).toBe(400);
    const text = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      {
        method: "POST",
        rawBody: "flow=enable",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        session: owner,
      },
    );
    expect(text.status).toBe(415);
    const big = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      {
        method: "POST",
        body: { flow: "enable", padding: "x".repeat(5000) },
        session: owner,
      },
    );
    expect(big.status).toBe(413);
  });

  it("requires a session (401) and refuses cross-site writes (403)", async () => {
    const none = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      { method: "POST", body: { flow: "enable" }, session: null },
    );
    expect(none.status).toBe(401);
    const cross = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      {
        method: "POST",
        body: { flow: "enable" },
        session: owner,
        headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      },
    );
    expect(cross.status).toBe(403);
    const foreignOrigin = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      {
        method: "POST",
        body: { flow: "enable" },
        session: owner,
        headers: { origin: "https://evil.example" },
      },
    );
    expect(foreignOrigin.status).toBe(403);
    const sameOrigin = await call(
      runsRoute.POST,
      "/api/runs",
      {},
      {
        method: "POST",
        body: { flow: "enable" },
        session: owner,
        headers: { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" },
      },
    );
    expect(sameOrigin.status).toBe(201);
  });

  it("serves a run with its ETag; other sessions and unknown ids get 404", async () => {
    const run = await createRun();
    const res = await call(runRoute.GET, `/api/runs/${run.id}`, { id: run.id }, { session: owner });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"v1"');
    expect((res.json.events as { type: string }[])[0]?.type).toBe("run-created");
    const foreign = await call(runRoute.GET, `/api/runs/${run.id}`, { id: run.id }, { session: stranger });
    expect(foreign.status).toBe(404);
    const missing = await call(runRoute.GET, "/api/runs/nope", { id: "nope" }, { session: owner });
    expect(missing.status).toBe(404);
  });

  it("lists only my runs, newest first", async () => {
    const a = await createRun();
    const b = await createRun("cleanup");
    const mine = await call(runsRoute.GET, "/api/runs", {}, { session: owner });
    const ids = (mine.json.runs as { id: string }[]).map((r) => r.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    const theirs = await call(runsRoute.GET, "/api/runs", {}, { session: stranger });
    expect(theirs.json.runs).toEqual([]);
  });

  it("PATCH needs If-Match (428), applies with it, and refuses a stale version (412) without overwriting", async () => {
    const run = await createRun();
    const path = `/api/runs/${run.id}`;
    const noHeader = await call(
      runRoute.PATCH,
      path,
      { id: run.id },
      {
        method: "PATCH",
        body: { changes: [{ op: "note", stepId: "prerequisites", text: "first" }] },
        session: owner,
      },
    );
    expect(noHeader.status).toBe(428);

    const first = await call(
      runRoute.PATCH,
      path,
      { id: run.id },
      {
        method: "PATCH",
        body: {
          changes: [
            { op: "note", stepId: "prerequisites", text: "first" },
            { op: "assign", stepId: "prerequisites", assignee: "Grace" },
          ],
        },
        session: owner,
        headers: { "if-match": '"v1"' },
      },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe('"v2"');

    const stale = await call(
      runRoute.PATCH,
      path,
      { id: run.id },
      {
        method: "PATCH",
        body: { changes: [{ op: "note", stepId: "prerequisites", text: "second" }] },
        session: owner,
        headers: { "if-match": '"v1"' },
      },
    );
    expect(stale.status).toBe(412);
    const current = stale.json.current as {
      version: number;
      steps: Record<string, { notes: string; assignee: string }>;
    };
    expect(current.version).toBe(2);
    expect(current.steps.prerequisites?.notes).toBe("first");

    const now = await call(runRoute.GET, path, { id: run.id }, { session: owner });
    const steps = now.json.steps as Record<string, { notes: string; assignee: string }>;
    expect(steps.prerequisites?.notes).toBe("first");
    expect(steps.prerequisites?.assignee).toBe("Grace");
    const events = now.json.events as { type: string; actor: string }[];
    expect(events.map((e) => e.type)).toEqual(["run-created", "note", "assigned"]);
    expect(events[1]?.actor).toBe("Ada Admin");
  });

  it("refuses a skip without reason (422) and a refused transition (409) as a whole batch", async () => {
    const run = await createRun();
    const path = `/api/runs/${run.id}`;
    const empty = await call(
      runRoute.PATCH,
      path,
      { id: run.id },
      {
        method: "PATCH",
        body: { changes: [{ op: "skip", stepId: "sspr-unlock", reason: "   " }] },
        session: owner,
        headers: { "if-match": '"v1"' },
      },
    );
    expect(empty.status).toBe(422);
    expect(JSON.stringify(empty.json)).toContain("body.changes.0.reason");

    const unskipNotSkipped = await call(
      runRoute.PATCH,
      path,
      { id: run.id },
      {
        method: "PATCH",
        body: {
          changes: [
            { op: "note", stepId: "sspr-unlock", text: "x" },
            { op: "unskip", stepId: "sspr-unlock" },
          ],
        },
        session: owner,
        headers: { "if-match": '"v1"' },
      },
    );
    expect(unskipNotSkipped.status).toBe(409);
    const now = await call(runRoute.GET, path, { id: run.id }, { session: owner });
    expect(now.json.version).toBe(1);
    expect((now.json.steps as Record<string, { notes: string }>)["sspr-unlock"]?.notes).toBe("");

    const wrongFlow = await call(
      runRoute.PATCH,
      path,
      { id: run.id },
      {
        method: "PATCH",
        body: { changes: [{ op: "skip", stepId: "confirm-disabled", reason: "n/a" }] },
        session: owner,
        headers: { "if-match": '"v1"' },
      },
    );
    expect(wrongFlow.status).toBe(409);
  });
});

describe("verify routes", () => {
  it("records an attestation with name, note and time, and bumps the version", async () => {
    const run = await createRun();
    const res = await call(
      prerequisitesRoute.POST,
      "/api/verify/prerequisites",
      {},
      {
        method: "POST",
        body: { runId: run.id, expectedVersion: 1, attestation: { by: "Ada Admin", note: "licence seen" } },
        session: owner,
      },
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "passed", confidence: "attested", version: 2 });
    expect(typeof res.json.checkedAt).toBe("string");
    const run2 = await call(runRoute.GET, `/api/runs/${run.id}`, { id: run.id }, { session: owner });
    const step = (
      run2.json.steps as Record<string, { attestation: { by: string; note: string; at: string } }>
    ).prerequisites;
    expect(step?.attestation).toMatchObject({ by: "Ada Admin", note: "licence seen" });
    expect(Number.isNaN(Date.parse(step?.attestation.at ?? ""))).toBe(false);
  });

  it("without attestation and without automatic sources, says so and starts the step", async () => {
    const run = await createRun();
    const res = await call(
      sspUnlockRoute.POST,
      "/api/verify/sspr-unlock",
      {},
      {
        method: "POST",
        body: { runId: run.id },
        session: owner,
      },
    );
    expect(res.status).toBe(200);
    expect(res.json.status).toBe("in-progress");
    expect(res.json.confidence).toBeNull();
    expect((res.json.findings as { code: string }[])[0]?.code).toBe("no-automatic-check");
  });

  it("refuses a stale expectedVersion with 412 and the current run", async () => {
    const run = await createRun();
    await call(
      prerequisitesRoute.POST,
      "/api/verify/prerequisites",
      {},
      {
        method: "POST",
        body: { runId: run.id, attestation: { by: "Ada" } },
        session: owner,
      },
    );
    const stale = await call(
      prerequisitesRoute.POST,
      "/api/verify/prerequisites",
      {},
      {
        method: "POST",
        body: { runId: run.id, expectedVersion: 1, attestation: { by: "Bob" } },
        session: owner,
      },
    );
    expect(stale.status).toBe(412);
    const current = stale.json.current as { steps: Record<string, { attestation: { by: string } }> };
    expect(current.steps.prerequisites?.attestation.by).toBe("Ada");
  });

  it("validates the body (422 naming the field), the run (404) and the flow (404)", async () => {
    const run = await createRun();
    const noName = await call(
      prerequisitesRoute.POST,
      "/api/verify/prerequisites",
      {},
      {
        method: "POST",
        body: { runId: run.id, attestation: { by: "" } },
        session: owner,
      },
    );
    expect(noName.status).toBe(422);
    expect(JSON.stringify(noName.json)).toContain("body.attestation.by");
    const extra = await call(
      prerequisitesRoute.POST,
      "/api/verify/prerequisites",
      {},
      {
        method: "POST",
        body: { runId: run.id, status: "passed" },
        session: owner,
      },
    );
    expect(extra.status).toBe(422);
    const missing = await call(
      prerequisitesRoute.POST,
      "/api/verify/prerequisites",
      {},
      {
        method: "POST",
        body: { runId: "missing" },
        session: owner,
      },
    );
    expect(missing.status).toBe(404);
    const wrongFlow = await call(
      disableOptionsRoute.POST,
      "/api/verify/disable-sspr-options",
      {},
      {
        method: "POST",
        body: { runId: run.id, attestation: { by: "Ada" } },
        session: owner,
      },
    );
    expect(wrongFlow.status).toBe(404);
    expect(String((wrongFlow.json.error as { message: string }).message)).toContain("clean-up");
  });

  it("answers an unknown step id with 404 naming the valid ids", async () => {
    const res = await call(
      unknownStepRoute.POST,
      "/api/verify/reboot-dc",
      { stepId: "reboot-dc" },
      {
        method: "POST",
        body: { runId: "x" },
        session: owner,
      },
    );
    expect(res.status).toBe(404);
    expect(res.json.validStepIds).toEqual([...STEP_IDS]);
    expect((res.json.error as { message: string }).message).toContain("connector-permissions");
  });
});

describe("session name", () => {
  it("sets the timeline name in a new signed cookie", async () => {
    const res = await call(
      meRoute.PUT,
      "/api/me",
      {},
      { method: "PUT", body: { name: "Grace" }, session: makeSession() },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/sspr_session=.*HttpOnly/i);
  });
});
