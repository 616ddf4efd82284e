import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "@/lib/server/db";
import { RunsRepository } from "@/lib/server/runs-repository";
import { SCHEDULED_ACTOR } from "@/lib/server/recheck-scheduler";
import { initialStepState } from "@/lib/steps/machine";
import { postgresBackend } from "@/lib/testing/database-backends";
import { prerequisite } from "@/lib/testing/integration";
import { Browser, hasBuild, type Instance, startInstance } from "@/lib/testing/instances";
import { nextRecheck } from "@/lib/verify/verdicts/directory";

// Issue 15: two `next start` instances of the production build share one PostgreSQL (a fresh schema), as behind a
// load balancer. A run started on one is continued on the other; session and link cookies open on both; a re-check
// is run once; the rate limits are shared; the sandbox world is served by either; and when one instance is killed
// mid-run, the other carries on. Run with `npx vitest run --config vitest.instances.config.mts` after `next build`.

const backend = postgresBackend();
const needs = prerequisite(
  backend.missing ??
    backend.skip ??
    (hasBuild() ? null : "there is no production build: run `npx next build` first"),
);

const SECRET = "instances-test-secret-instances-test-secret-0123";

/** The status of a GET sent from another local address than 127.0.0.1. */
function statusFrom(localAddress: string, instance: Instance, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: instance.port, path, localAddress }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe.skipIf(needs.skip)("two instances on one PostgreSQL", () => {
  let a: Instance;
  let b: Instance;
  let database: DatabaseHandle;
  let runs: RunsRepository;
  const owner = new Browser();
  let runId = "";

  beforeAll(async () => {
    needs.assertPresent();
    const store = await backend.freshStore();
    // Migrate once here, so that the instances start on a ready schema (they would also wait for each other).
    database = await createDatabase(store);
    runs = new RunsRepository(database.db);
    const env = {
      DATABASE_URL: store.url!,
      SESSION_SECRET: SECRET,
      ENTRA_CLIENT_ID: "",
      DIRECTORY_LDAP_URL: "",
      SANDBOX_AUDIT_DELAY_SECONDS: "0",
      SANDBOX_GRAPH_URL: "",
      PUBLIC_ORIGIN: "",
    };
    [a, b] = await Promise.all([startInstance("instance A", env), startInstance("instance B", env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await database?.close();
    await backend.cleanup();
  });

  it("continues on B a run started on A, with one session cookie", async () => {
    expect((await owner.request(a, "/")).status).toBe(200);
    expect(owner.cookies.has("sspr_session")).toBe(true);
    const created = await owner.request(a, "/api/runs", { method: "POST", body: { flow: "enable" } });
    expect(created.status, created.text).toBe(201);
    runId = String(created.json.id);

    const onB = await owner.request(b, `/api/runs/${runId}`);
    expect(onB.status, onB.text).toBe(200);
    const etag = onB.headers.get("etag")!;
    const renamed = await owner.request(b, `/api/runs/${runId}`, {
      method: "PATCH",
      headers: { "if-match": etag },
      body: { changes: [{ op: "rename", title: "Renamed on B" }] },
    });
    expect(renamed.status, renamed.text).toBe(200);
    // A stale write on A, with the version B has moved past, is refused there too.
    const stale = await owner.request(a, `/api/runs/${runId}`, {
      method: "PATCH",
      headers: { "if-match": etag },
      body: { changes: [{ op: "rename", title: "Stale on A" }] },
    });
    expect(stale.status).toBe(412);
    expect((await owner.request(a, `/api/runs/${runId}`)).json.title).toBe("Renamed on B");
  });

  it("serves the run's sandbox tenant from either instance, and its checks read it on the other", async () => {
    for (const action of ["connect-writeback", "portal-writeback"]) {
      const res = await owner.request(a, "/api/sandbox/tenant", {
        method: "POST",
        body: { runId, control: { action, on: true } },
      });
      expect(res.status, res.text).toBe(200);
    }
    const view = await owner.request(b, `/api/sandbox/tenant?runId=${runId}`);
    expect(view.json.switches).toMatchObject({ connectWriteback: true, portalWriteback: true });
    // B's check reaches B's own simulator, which loads the world A changed.
    const check = await owner.request(b, "/api/verify/connect-writeback", {
      method: "POST",
      body: { runId },
    });
    expect(check.status, check.text).toBe(200);
    expect(JSON.stringify(check.json)).toContain("Enable password writeback for directory");
    // A made-up bearer makes nothing on either instance.
    for (const instance of [a, b]) {
      const res = await fetch(`${instance.origin}/api/sandbox/graph/v1.0/organization`, {
        headers: { authorization: "Bearer made-up-made-up-made-up-0123456789" },
      });
      expect(res.status).toBe(401);
    }
  });

  it("keeps the sandbox's Connect server in the database: ADSync stopped on A is stopped on B", async () => {
    // A run of its own, so that this test also runs alone (-t).
    expect((await owner.request(a, "/")).status).toBe(200);
    const created = await owner.request(a, "/api/runs", { method: "POST", body: { flow: "enable" } });
    expect(created.status, created.text).toBe(201);
    const id = String(created.json.id);
    const connect = (instance: Instance, action: string) =>
      owner.request(instance, "/api/sandbox/connect", { method: "POST", body: { runId: id, action } });
    const turnedOn = await owner.request(b, "/api/sandbox/tenant", {
      method: "POST",
      body: { runId: id, control: { action: "connect-writeback", on: true } },
    });
    expect(turnedOn.status, turnedOn.text).toBe(200);
    const stopped = await connect(a, "stop-adsync");
    expect(stopped.status, stopped.text).toBe(200);
    // B's collector runs on the same simulated server: the service is stopped there too.
    const uploaded = await connect(b, "upload-evidence");
    expect(uploaded.status, uploaded.text).toBe(200);
    expect(uploaded.json.evidence).toMatchObject({ service: { status: "Stopped" } });
    const check = await owner.request(b, "/api/verify/connect-writeback", {
      method: "POST",
      body: { runId: id },
    });
    expect(check.json).toMatchObject({ status: "failed", confidence: "evidence" });
    expect((check.json.findings as { code: string }[]).map((f) => f.code)).toContain("adsync-stopped");
    // Restored on B, running on A.
    expect((await connect(b, "restore")).status).toBe(200);
    expect((await connect(a, "upload-evidence")).json.evidence).toMatchObject({
      service: { status: "Running" },
    });
    const again = await owner.request(a, "/api/verify/connect-writeback", {
      method: "POST",
      body: { runId: id },
    });
    expect(again.json).toMatchObject({ status: "passed", confidence: "evidence" });
  });

  it("opens a link made on A through B, and the link cookie works on A", async () => {
    const link = await owner.request(a, `/api/runs/${runId}/share-links`, {
      method: "POST",
      body: { role: "view", label: "auditor" },
    });
    expect(link.status, link.text).toBe(201);
    const auditor = new Browser();
    await auditor.request(b, "/");
    const opened = await auditor.request(b, String(link.json.path));
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe(`/runs/${runId}`);
    expect(auditor.cookies.has("sspr_links")).toBe(true);
    const seen = await auditor.request(a, `/api/runs/${runId}`);
    expect(seen.status, seen.text).toBe(200);
    expect(seen.json.title).toBe("Renamed on B");
  });

  it("runs a due re-check once between the two schedulers", { timeout: 60_000 }, async () => {
    const run = (await runs.get(runId))!;
    const applied = new Date(Date.now() - 31_000);
    const waiting = {
      ...initialStepState(),
      status: "waiting" as const,
      confidence: "verified" as const,
      checkedAt: applied.toISOString(),
      evidence: { recheck: nextRecheck(applied, applied) },
    };
    const updated = await runs.update(run.id, run.version, (r) => ({
      steps: { ...r.steps, "connector-permissions": waiting },
      events: [],
    }));
    expect(updated.ok).toBe(true);
    const dueAt = (waiting.evidence.recheck as { nextCheckAt: string }).nextCheckAt;
    // Both schedulers tick every 15 s; wait until one has run it, then one more tick for a duplicate to show.
    const rechecks = async () =>
      (await runs.events(runId)).filter(
        (e) => e.actor === SCHEDULED_ACTOR && e.type === "scheduled-recheck" && e.detail.dueAt === dueAt,
      );
    const deadline = Date.now() + 35_000;
    while ((await rechecks()).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect((await rechecks()).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    expect((await rechecks()).length).toBe(1);
  });

  it("shares the rate limit: failures on A count on B", async () => {
    const guesser = new Browser();
    for (let i = 0; i < 10; i++) {
      const res = await guesser.request(i % 2 ? a : b, `/share/${"A".repeat(42)}${i}`);
      expect(res.status).toBe(303);
    }
    // Eleven failures from this client in all: the eleventh waits on whichever instance it reaches.
    expect((await guesser.request(a, "/share/garbage")).status).toBe(429);
    expect((await guesser.request(b, "/share/garbage")).status).toBe(429);
    // The server knows the client by its socket: a forged peer header or X-Forwarded-For from 127.0.0.1 does not
    // help, while another address (127.0.0.2, also loopback) is its own client and is not blocked.
    const forged = await guesser.request(b, "/share/garbage", {
      headers: { "x-sspr-peer-address": "198.51.100.1", "x-forwarded-for": "198.51.100.2" },
    });
    expect(forged.status).toBe(429);
    expect(await statusFrom("127.0.0.2", b, "/share/garbage")).toBe(303);
  });

  it("carries on with the run on B when A is killed mid-run", async () => {
    const before = await owner.request(b, `/api/runs/${runId}`);
    // A write in flight on A when it dies: it either committed or did not; B serves the run either way.
    const inFlight = owner
      .request(a, `/api/runs/${runId}`, {
        method: "PATCH",
        headers: { "if-match": before.headers.get("etag")! },
        body: { changes: [{ op: "note", stepId: "prerequisites", text: "written while A dies" }] },
      })
      .catch(() => null);
    await a.kill();
    await inFlight;
    const current = await owner.request(b, `/api/runs/${runId}`);
    expect(current.status).toBe(200);
    const next = await owner.request(b, `/api/runs/${runId}`, {
      method: "PATCH",
      headers: { "if-match": current.headers.get("etag")! },
      body: { changes: [{ op: "rename", title: "Finished on B" }] },
    });
    expect(next.status, next.text).toBe(200);
    const check = await owner.request(b, "/api/verify/sspr-writeback", { method: "POST", body: { runId } });
    expect(check.status, check.text).toBe(200);
    expect((await owner.request(b, `/api/runs/${runId}`)).json.title).toBe("Finished on B");
  });
});
