import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-sandbox-graph-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
  process.env.SANDBOX_AUDIT_DELAY_SECONDS = "0";
});

import { getDatabase } from "@/lib/server/db";
import { sandboxBearer, withSandboxWorld } from "@/lib/server/sandbox-store";
import { makeSession } from "@/lib/testing/route-harness";
import { createRunAs } from "@/lib/testing/share-harness";
import { changeSandboxWorld, sandboxWorldOf } from "@/lib/testing/sandbox-world";
import { GET } from "./route";

// Issue 15, hole 2: the simulator made a tenant for any bearer string, kept 500 and dropped the oldest (real runs'
// included). Now a world exists only for a sandbox run, stored with it; any other bearer gets Graph's 401.

function graph(bearer: string, path = "organization"): Promise<Response> {
  return GET(
    new Request(`http://localhost:3000/api/sandbox/graph/v1.0/${path}`, {
      headers: { authorization: `Bearer ${bearer}` },
    }),
  );
}

async function storedWorlds(): Promise<number> {
  const { db } = await getDatabase();
  const row = await db
    .selectFrom("sandbox_state")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const CACHE_KEY = Symbol.for("sspr-wizard.sandbox-world-cache");
function forgetCachedWorlds(): void {
  (globalThis as unknown as Record<symbol, { clear(): void } | undefined>)[CACHE_KEY]?.clear();
}

describe("the sandbox Graph simulator", () => {
  it("answers 401 to 300 made-up bearers and a forged one, making and keeping nothing", async () => {
    const owner = makeSession("Olivia Owner");
    const runId = await createRunAs(owner);
    expect((await graph(sandboxBearer(runId))).status).toBe(200);
    const before = await storedWorlds();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 300; i++) {
      const res = await graph(randomBytes(24).toString("base64url"));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        "InvalidAuthenticationToken",
      );
    }
    // The right shape for a run that does not exist, and a real run's id with a forged signature.
    expect((await graph(sandboxBearer("no-such-run-000000000000"))).status).toBe(401);
    const [prefix, id] = sandboxBearer(runId).split(".");
    expect((await graph(`${prefix}.${id}.${"A".repeat(43)}`)).status).toBe(401);
    expect(await storedWorlds()).toBe(before);
    // The old registry grew by about 135 MB for 300 keys.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(40 * 1024 * 1024);
  });

  it("serves a run's world from the database, so another instance (no cached copy) sees the same tenant", async () => {
    const owner = makeSession("Olivia Owner");
    const runId = await createRunAs(owner);
    const first = (await (await graph(sandboxBearer(runId))).json()) as { value: { id: string }[] };
    await changeSandboxWorld(runId, (world) => world.tenant.setConnectWriteback(true));
    forgetCachedWorlds();
    const again = (await (await graph(sandboxBearer(runId))).json()) as { value: { id: string }[] };
    expect(again.value[0]?.id).toBe(first.value[0]?.id);
    forgetCachedWorlds();
    expect((await sandboxWorldOf(runId)).tenant.switches.connectWriteback).toBe(true);
  });

  it("stores what a call changed in the directory, though most calls leave it alone and skip serialising it", async () => {
    const owner = makeSession("Olivia Owner");
    const runId = await createRunAs(owner);
    const snapshotText = async () => {
      forgetCachedWorlds();
      return JSON.stringify((await sandboxWorldOf(runId)).directory.snapshot);
    };
    const start = await snapshotText();
    // A tenant-only change, then a reset that writes back into the directory (its pwdLastSet), then a control.
    await withSandboxWorld(runId, (world) => {
      world.tenant.setConnectWriteback(true);
      world.tenant.setPortalWriteback(true);
    });
    expect(await snapshotText()).toBe(start);
    await withSandboxWorld(runId, (world) => void world.tenant.simulateSelfServiceReset());
    const afterReset = await snapshotText();
    expect(afterReset).not.toBe(start);
    await withSandboxWorld(runId, (world) => void world.directory.upgradeDomainControllers());
    expect(await snapshotText()).toContain("Windows Server 2022");
    // Without forgetting the cached copy in between, too.
    await withSandboxWorld(runId, (world) => void world.directory.setMinimumPasswordAgeToZero());
    await withSandboxWorld(runId, (world) => void world.tenant.setUnlock(true));
    expect(JSON.parse(await snapshotText()).domains[0].minPwdAge).toBe("0");
  });
});
