import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as sandboxConnectRoute from "@/app/api/sandbox/connect/route";
import * as sandboxGraphRoute from "@/app/api/sandbox/graph/[...path]/route";
import * as verifyConnectRoute from "@/app/api/verify/connect-writeback/route";
import { worldFromJson, worldToJson } from "@/lib/sandbox/world";
import { ApiError } from "@/lib/server/api-error";
import { getDatabase } from "@/lib/server/db";
import { sandboxBearer, withSandboxSession, withSandboxWorld } from "@/lib/server/sandbox-store";
import { call, makeSession } from "./route-harness";
import { type RouteServer } from "./route-server";
import { startSandboxGraph } from "./sandbox-graph";
import { changeSandboxWorld, sandboxWorldOf } from "./sandbox-world";
import { createRunAs } from "./share-harness";

// The sandbox store on one database (the caller's test file picks SQLite or PostgreSQL through DATABASE_URL /
// DATABASE_FILE before anything reads the configuration). A sibling instance is played by writing the stored row
// the way its store would (the same compare-and-swap on the version), with this process's cached copy forgotten.

const CACHE_KEY = Symbol.for("sspr-wizard.sandbox-world-cache");

/** Another instance has no cached copy of any world. */
export function forgetCachedWorlds(): void {
  (globalThis as unknown as Record<symbol, { clear(): void } | undefined>)[CACHE_KEY]?.clear();
}

/** What a sibling instance's store does for one change: read the row, change the world, store it if no one did first. */
export async function changeAsSibling(
  runId: string,
  change: Parameters<typeof changeSandboxWorld>[1],
): Promise<boolean> {
  const { db } = await getDatabase();
  const row = await db
    .selectFrom("sandbox_state")
    .select(["body", "version"])
    .where("run_id", "=", runId)
    .executeTakeFirstOrThrow();
  const world = worldFromJson(row.body);
  if (!world) throw new Error("the stored world does not parse");
  change(world);
  const stored = await db
    .updateTable("sandbox_state")
    .set({ body: worldToJson(world), version: row.version + 1, updated_at: new Date().toISOString() })
    .where("run_id", "=", runId)
    .where("version", "=", row.version)
    .executeTakeFirst();
  return stored.numUpdatedRows === 1n;
}

/** Counts the store's statements on sandbox_state from now on. */
async function countStatements() {
  const { db } = await getDatabase();
  const spies = {
    reads: vi.spyOn(db, "selectFrom"),
    updates: vi.spyOn(db, "updateTable"),
    inserts: vi.spyOn(db, "insertInto"),
  };
  const on = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls.filter((args) => args[0] === "sandbox_state").length;
  return {
    get reads() {
      return on(spies.reads);
    },
    get writes() {
      return on(spies.updates) + on(spies.inserts);
    },
    restore() {
      for (const spy of Object.values(spies)) spy.mockRestore();
    },
  };
}

export function describeSandboxStore(backend: string): void {
  describe(`the sandbox store on ${backend}: one verify call, one load`, () => {
    const owner = makeSession("Olivia Owner");
    let graph: RouteServer;
    beforeAll(async () => {
      graph = await startSandboxGraph();
    });
    afterAll(() => graph.close());

    /** A run whose connect-writeback check reads three pages of audit records (three simulator calls). */
    async function runWithThreePages(): Promise<string> {
      const runId = await createRunAs(owner);
      await changeSandboxWorld(runId, (world) => {
        world.tenant.pageSize = 1;
        world.tenant.setConnectWriteback(true);
        world.tenant.setConnectWriteback(false);
        world.tenant.setConnectWriteback(true);
      });
      return runId;
    }

    function verify(runId: string) {
      return call(
        verifyConnectRoute.POST,
        "/api/verify/connect-writeback",
        {},
        { method: "POST", body: { runId }, session: owner },
      );
    }

    it("loads the run's world once for all the check's simulator calls, and stores nothing when nothing changed", async () => {
      const runId = await runWithThreePages();
      const callsBefore = graph.requests.length;
      const counted = await countStatements();
      try {
        const res = await verify(runId);
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json).toMatchObject({ status: "passed", confidence: "evidence" });
        // Three pages, each over HTTP through the app's own simulator route.
        expect(graph.requests.length - callsBefore).toBe(3);
        // One version check (the world was cached by the change above); the old code made one per call.
        expect(counted.reads).toBe(1);
        expect(counted.writes).toBe(0);
      } finally {
        counted.restore();
      }
      // A copy that is not cached: the version check and the body, once.
      forgetCachedWorlds();
      const again = await countStatements();
      try {
        expect((await verify(runId)).status).toBe(200);
        expect(again.reads).toBe(2);
        expect(again.writes).toBe(0);
      } finally {
        again.restore();
      }
    });

    it("stores once what several of the check's simulator calls changed", async () => {
      const runId = await runWithThreePages();
      // Each of the next two calls answers 503 (Retry-After 0) and counts down its fault: two changes to the world.
      await changeSandboxWorld(runId, (world) => {
        world.tenant.faults.push({ status: 503, retryAfterSeconds: 0, times: 2 });
      });
      const callsBefore = graph.requests.length;
      const counted = await countStatements();
      try {
        const res = await verify(runId);
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json).toMatchObject({ status: "passed" });
        expect(graph.requests.length - callsBefore).toBe(5);
        expect(counted.writes).toBe(1);
      } finally {
        counted.restore();
      }
      forgetCachedWorlds();
      expect((await sandboxWorldOf(runId)).tenant.faults).toEqual([]);
    });

    it("keeps both a session's change and a sibling instance's change stored meanwhile: the session runs again", async () => {
      const runId = await createRunAs(owner);
      await changeSandboxWorld(runId, (world) => world.tenant.setPortalWriteback(true));
      let attempts = 0;
      let siblingStored = false;
      const seen = await withSandboxSession(runId, async () => {
        attempts++;
        const before = await withSandboxWorld(runId, (world) => {
          world.tenant.setConnectWriteback(true);
          return { ...world.tenant.switches };
        });
        if (attempts === 1)
          siblingStored = await changeAsSibling(runId, (world) => world.tenant.setUnlock(true));
        return before;
      });
      expect(siblingStored).toBe(true);
      expect(attempts).toBe(2);
      // The second attempt ran on the sibling's world.
      expect(seen).toMatchObject({ connectWriteback: true, portalWriteback: true, unlock: true });
      forgetCachedWorlds();
      expect((await sandboxWorldOf(runId)).tenant.switches).toMatchObject({
        connectWriteback: true,
        portalWriteback: true,
        unlock: true,
      });
    });

    it("two writers on one run, one through this store and one as a sibling, 20 rounds each: no acknowledged update lost", async () => {
      const runId = await createRunAs(owner);
      await changeSandboxWorld(runId, () => undefined);
      const ROUNDS = 20;
      let sessionAttempts = 0;
      let refused = 0;
      await Promise.all([
        (async () => {
          for (let i = 0; i < ROUNDS;) {
            try {
              await withSandboxSession(runId, async () => {
                sessionAttempts++;
                await withSandboxWorld(runId, (world) => {
                  world.tenant.faults.push({ status: 500, times: 1, delayMs: i });
                });
                // Gives the sibling a chance to store between this load and this save.
                await new Promise((resolve) => setTimeout(resolve, 2));
              });
              i++;
            } catch (error) {
              // After five conflicts in a row the request answers 409 and stores nothing; a person tries again.
              if (!(error instanceof ApiError) || error.code !== "conflict") throw error;
              refused++;
            }
          }
        })(),
        (async () => {
          for (let i = 0; i < ROUNDS;) {
            if (
              await changeAsSibling(runId, (world) =>
                world.tenant.faults.push({ status: 502, times: 1, delayMs: i }),
              )
            )
              i++;
            await new Promise((resolve) => setTimeout(resolve, 3));
          }
        })(),
      ]);
      // The two writers did meet: some of the session's attempts found the sibling's newer version.
      expect(sessionAttempts).toBeGreaterThan(ROUNDS + refused);
      forgetCachedWorlds();
      const faults = (await sandboxWorldOf(runId)).tenant.faults;
      expect(faults.filter((f) => f.status === 500).map((f) => f.delayMs)).toEqual(
        Array.from({ length: ROUNDS }, (_, i) => i),
      );
      expect(faults.filter((f) => f.status === 502).map((f) => f.delayMs)).toEqual(
        Array.from({ length: ROUNDS }, (_, i) => i),
      );
    });

    it("serves a simulator call that names a session this process does not hold from the stored world", async () => {
      const runId = await createRunAs(owner);
      const bearer = `${sandboxBearer(runId)}.${randomBytes(16).toString("base64url")}`;
      const res = await sandboxGraphRoute.GET(
        new Request("http://localhost:3000/api/sandbox/graph/v1.0/organization", {
          headers: { authorization: `Bearer ${bearer}` },
        }),
      );
      expect(res.status).toBe(200);
      // A session part that is not one the server makes is refused like any other bad bearer.
      const bad = await sandboxGraphRoute.GET(
        new Request("http://localhost:3000/api/sandbox/graph/v1.0/organization", {
          headers: { authorization: `Bearer ${sandboxBearer(runId)}.x` },
        }),
      );
      expect(bad.status).toBe(401);
    });
  });

  describe(`the sandbox Connect server on ${backend}: stored with the run's world`, () => {
    const owner = makeSession("Olivia Owner");

    function control(runId: string, action: string) {
      return call(
        sandboxConnectRoute.POST,
        "/api/sandbox/connect",
        {},
        { method: "POST", body: { runId, action }, session: owner },
      );
    }

    async function storedConnect(runId: string): Promise<unknown> {
      const { db } = await getDatabase();
      const row = await db
        .selectFrom("sandbox_state")
        .select("body")
        .where("run_id", "=", runId)
        .executeTakeFirstOrThrow();
      return (JSON.parse(row.body) as { connect?: unknown }).connect;
    }

    it("what one instance simulated on the server, another sees: in the database, not in a process's memory", async () => {
      const runId = await createRunAs(owner);
      await changeSandboxWorld(runId, (world) => world.tenant.setConnectWriteback(true));
      // Instance A stops ADSync.
      const stopped = await control(runId, "stop-adsync");
      expect(stopped.status, JSON.stringify(stopped.json)).toBe(200);
      expect(stopped.json.evidence).toMatchObject({ service: { status: "Stopped" } });
      expect(await storedConnect(runId)).toMatchObject({ adsyncRunning: false, serviceBusReachable: true });
      // Instance B (no cached world) runs the collector again: the service is still stopped there.
      forgetCachedWorlds();
      const again = await control(runId, "upload-evidence");
      expect(again.json.evidence).toMatchObject({ service: { status: "Stopped" } });
      // A sibling blocks Service Bus on its side; this instance's next upload shows both breakages.
      expect(
        await changeAsSibling(runId, (world) => {
          world.connect.serviceBusReachable = false;
          world.connect.brokenAt = new Date().toISOString();
        }),
      ).toBe(true);
      const both = await control(runId, "upload-evidence");
      const reachable = (answer: { json: Record<string, unknown> }) =>
        (answer.json.evidence as { serviceBus: { reachable: boolean }[] }).serviceBus.map((p) => p.reachable);
      expect(both.json.evidence).toMatchObject({ service: { status: "Stopped" } });
      expect(reachable(both)).not.toContain(true);
      expect(reachable(again)).not.toContain(false);
      // Restored on B, healthy on A.
      forgetCachedWorlds();
      expect((await control(runId, "restore")).status).toBe(200);
      expect(await storedConnect(runId)).toEqual({
        adsyncRunning: true,
        serviceBusReachable: true,
        brokenAt: null,
      });
      const healthy = await control(runId, "upload-evidence");
      expect(healthy.json.evidence).toMatchObject({ service: { status: "Running" } });
      expect(reachable(healthy)).not.toContain(false);
    });
  });
}
