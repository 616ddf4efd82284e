import { spawn } from "node:child_process";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseConfig, type DatabaseHandle } from "@/lib/server/db";
import { apiErrorFrom } from "@/lib/server/domain-errors";
import { type RunRecord, RunsRepository } from "@/lib/server/runs-repository";
import { initialStepState } from "@/lib/steps/machine";
import { type Backend, postgresBackend, sqliteBackend } from "@/lib/testing/database-backends";

// Issue 15, fault suites (bounded, loopback only): the store under a crash, under contention, and when it refuses
// writes. On SQLite and PostgreSQL alike.

const BACKENDS: Backend[] = [sqliteBackend("faults"), postgresBackend()];
const ROOT = join(import.meta.dirname, "..", "..");
const ROUNDS = 5;

async function newRun(runs: RunsRepository): Promise<RunRecord> {
  return runs.create({
    flow: "enable",
    mode: "sandbox",
    ownerId: "fault-owner",
    title: "0",
    steps: { prerequisites: initialStepState() },
    actor: "fault-suite",
  });
}

/** Starts the writer, lets it acknowledge some writes, kills it with SIGKILL; the last acknowledged version. */
function crashWriter(config: DatabaseConfig, runId: string, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        join(ROOT, "lib/testing/fault-writer.ts"),
        JSON.stringify(config),
        runId,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let acked = 0;
    let buffer = "";
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready") setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked = Number(match[1]);
      }
    });
    child.on("exit", (_code, signal) => {
      if (signal === "SIGKILL") resolve(acked);
      else reject(new Error(`the writer ended by itself: ${errors}`));
    });
  });
}

describe.each(BACKENDS)("faults on $name", (backend) => {
  describe.skipIf(backend.skip !== undefined)(backend.skip ?? "integration", () => {
    const handles: DatabaseHandle[] = [];
    afterAll(async () => {
      for (const handle of handles) await handle.close();
      await backend.cleanup();
    });

    async function open(config: DatabaseConfig): Promise<DatabaseHandle> {
      const handle = await createDatabase(config);
      handles.push(handle);
      return handle;
    }

    it(
      `loses no acknowledged write when the writer is killed with SIGKILL (${ROUNDS} rounds)`,
      { timeout: 120_000 },
      async () => {
        if (backend.missing) throw new Error(backend.missing);
        const config = await backend.freshStore();
        const main = await open(config);
        const runs = new RunsRepository(main.db);
        const run = await newRun(runs);
        let total = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const acked = await crashWriter(config, run.id, 300 + Math.floor(Math.random() * 700));
          const stored = (await runs.get(run.id))!;
          // Every acknowledged write is there; at most the one in flight when the process died is there unacknowledged.
          expect(stored.version).toBeGreaterThanOrEqual(acked);
          const notes = (await runs.events(run.id)).filter((e) => e.type === "note");
          expect(notes).toHaveLength(stored.version - 1);
          total += acked > 0 ? 1 : 0;
        }
        expect(total).toBeGreaterThan(0);
        if (main.dialect === "sqlite") {
          const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(main.db);
          expect(rows[0]?.integrity_check).toBe("ok");
        }
      },
    );

    it("loses none of 2 × 200 conflicting updates from two connections", { timeout: 120_000 }, async () => {
      if (backend.missing) throw new Error(backend.missing);
      const config = await backend.freshStore();
      const [first, second] = [await open(config), await open(config)];
      const run = await newRun(new RunsRepository(first.db));
      let conflicts = 0;
      const client = async (handle: DatabaseHandle) => {
        const runs = new RunsRepository(handle.db);
        for (let i = 0; i < 200; i++) {
          for (;;) {
            const current = (await runs.get(run.id))!;
            const outcome = await runs.update(run.id, current.version, (r) => ({
              title: String(Number(r.title) + 1),
              events: [],
            }));
            if (outcome.ok) break;
            expect(outcome.reason).toBe("conflict");
            conflicts++;
          }
        }
      };
      await Promise.all([client(first), client(second)]);
      const final = (await new RunsRepository(first.db).get(run.id))!;
      expect(final.title).toBe("400");
      expect(final.version).toBe(401);
      // Not a test of luck: the two really did collide.
      expect(conflicts).toBeGreaterThan(0);
    });
  });
});

describe("a database that refuses writes", () => {
  const backend = sqliteBackend("faults-refusing");
  afterAll(() => backend.cleanup());

  async function store(): Promise<{ handle: DatabaseHandle; runs: RunsRepository; run: RunRecord }> {
    const handle = await createDatabase(await backend.freshStore());
    const runs = new RunsRepository(handle.db);
    return { handle, runs, run: await newRun(runs) };
  }

  async function refusedUpdate(runs: RunsRepository, run: RunRecord): Promise<unknown> {
    return runs
      .update(run.id, run.version, () => ({
        title: "changed",
        // Large enough to need new pages.
        events: Array.from({ length: 50 }, (_, i) => ({
          actor: "fault-suite",
          type: "note",
          stepId: null,
          summary: `note ${i}`,
          detail: { padding: "x".repeat(4000) },
        })),
      }))
      .then(
        () => null,
        (error: unknown) => error,
      );
  }

  it("full: answers 503 saying the database is full, and the run and the file are as they were", async () => {
    const { handle, runs, run } = await store();
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(handle.db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(handle.db);
    const error = await refusedUpdate(runs, run);
    expect(error).not.toBeNull();
    const answer = apiErrorFrom(error);
    expect(answer?.status).toBe(503);
    expect(answer?.message).toMatch(/database is full.*Nothing was saved/);
    const after = (await runs.get(run.id))!;
    expect(after.version).toBe(run.version);
    expect(after.title).toBe(run.title);
    const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(handle.db);
    expect(check.rows[0]?.integrity_check).toBe("ok");
    await handle.close();
  });

  it("read-only: answers 503 saying the database is read-only, and the run is as it was", async () => {
    const { handle, runs, run } = await store();
    await sql`pragma query_only = 1`.execute(handle.db);
    const error = await refusedUpdate(runs, run);
    const answer = apiErrorFrom(error);
    expect(answer?.status).toBe(503);
    expect(answer?.message).toMatch(/read-only.*Nothing was saved/);
    expect((await runs.get(run.id))!.version).toBe(run.version);
    await handle.close();
  });
});

describe.skipIf(postgresBackend().skip !== undefined)("a read-only PostgreSQL", () => {
  const backend = postgresBackend();
  afterAll(() => backend.cleanup());

  it("answers 503 saying the database is read-only, and the run is as it was", async () => {
    if (backend.missing) throw new Error(backend.missing);
    const config = await backend.freshStore();
    const writable = await createDatabase(config);
    const run = await newRun(new RunsRepository(writable.db));
    await writable.close();
    // A session that may only read, as on a standby or a database set default_transaction_read_only.
    const url = new URL(config.url!);
    url.searchParams.set("options", `${url.searchParams.get("options")} -c default_transaction_read_only=on`);
    const readOnly = await createDatabase({ url: url.toString() });
    const runs = new RunsRepository(readOnly.db);
    const error = await runs
      .update(run.id, run.version, () => ({ title: "changed", events: [] }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    const answer = apiErrorFrom(error);
    expect(answer?.status).toBe(503);
    expect(answer?.message).toMatch(/read-only/);
    expect((await runs.get(run.id))!.version).toBe(run.version);
    await readOnly.close();
  });
});
