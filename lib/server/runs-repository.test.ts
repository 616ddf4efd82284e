import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase, type DatabaseConfig, type DatabaseHandle } from "@/lib/server/db";
import { type Backend, postgresBackend, sqliteBackend } from "@/lib/testing/database-backends";
import { migrationsFor } from "@/lib/server/db/migrations";
import { initialStepState } from "@/lib/steps/machine";
import { type StepState } from "@/lib/steps/types";
import { CorruptRunError, type RunRecord, RunsRepository, type UpdateOutcome } from "./runs-repository";

// One suite, two databases (lib/testing/database-backends.ts: SQLite in a temp file, PostgreSQL in a fresh schema).

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const execFileAsync = promisify(execFile);

const BACKENDS: Backend[] = [sqliteBackend("runs-repository"), postgresBackend()];

function step(overrides: Partial<StepState> = {}): StepState {
  return { ...initialStepState(), ...overrides };
}

/** A clock that moves one second per reading, so ordering by time is deterministic. */
function steppingClock(start = "2030-01-01T00:00:00.000Z"): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

function uniqueOwner(): string {
  return `owner-${randomBytes(6).toString("hex")}`;
}

function expectConflict(outcome: UpdateOutcome): RunRecord {
  if (outcome.ok || outcome.reason !== "conflict")
    throw new Error(`expected a conflict, got ${JSON.stringify(outcome)}`);
  return outcome.current;
}

describe.each(BACKENDS)("RunsRepository on $name", (backend) => {
  describe.skipIf(backend.skip !== undefined)(
    backend.skip ? `skipped: ${backend.skip}` : "integration",
    () => {
      let config: DatabaseConfig;
      let main: DatabaseHandle;
      let second: DatabaseHandle;
      let repo: RunsRepository;
      const handles: DatabaseHandle[] = [];

      async function open(store: DatabaseConfig): Promise<DatabaseHandle> {
        const handle = await createDatabase(store);
        handles.push(handle);
        return handle;
      }

      async function newRun(owner = uniqueOwner(), target = repo): Promise<RunRecord> {
        return target.create({
          flow: "enable",
          mode: "sandbox",
          ownerId: owner,
          title: "Enable writeback",
          steps: { prerequisites: step(), "connector-permissions": step() },
          actor: "alice@contoso.com",
        });
      }

      async function countRows(table: "events" | "step_results", runId: string): Promise<number> {
        const row = await main.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string | number>().as("n"))
          .where("run_id", "=", runId)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }

      beforeAll(async () => {
        if (backend.missing) throw new Error(backend.missing);
        config = await backend.freshStore();
        main = await open(config);
        // A second, independent connection (SQLite) or pool (PostgreSQL) to the same store, for races.
        second = await open(config);
        repo = new RunsRepository(main.db, steppingClock());
      });

      afterAll(async () => {
        for (const handle of handles) await handle.close();
        await backend.cleanup();
      });

      it("opens the expected dialect", () => {
        expect(main.dialect).toBe(backend.name);
      });

      it("creates a run at version 1 with a run-created event, and reads it back", async () => {
        const owner = uniqueOwner();
        const run = await newRun(owner);

        expect(run.id).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 bits, base64url
        expect(run).toMatchObject({
          flow: "enable",
          mode: "sandbox",
          ownerId: owner,
          title: "Enable writeback",
          version: 1,
        });
        expect(run.createdAt).toBe(run.updatedAt);
        expect(await repo.get(run.id)).toEqual(run);
        expect(await repo.get("no-such-run")).toBeNull();

        const events = await repo.events(run.id);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          runId: run.id,
          actor: "alice@contoso.com",
          type: "run-created",
          stepId: null,
        });
        expect(events[0]?.detail).toEqual({ flow: "enable", mode: "sandbox" });
      });

      it("rejects an invalid step state on create and writes nothing", async () => {
        const owner = uniqueOwner();
        const bad = { ...step(), status: "done" } as unknown as StepState;
        await expect(
          repo.create({
            flow: "enable",
            mode: "live",
            ownerId: owner,
            title: "x",
            steps: { prerequisites: bad },
            actor: "a",
          }),
        ).rejects.toThrow();
        expect(await repo.listByOwner(owner)).toEqual([]);
      });

      it("lists an owner's runs, most recently updated first, and honours the limit", async () => {
        const owner = uniqueOwner();
        const first = await newRun(owner);
        const secondRun = await newRun(owner);
        const third = await newRun(owner);
        await newRun(uniqueOwner()); // someone else's

        expect((await repo.listByOwner(owner)).map((run) => run.id)).toEqual([
          third.id,
          secondRun.id,
          first.id,
        ]);

        const touched = await repo.update(first.id, 1, () => ({ title: "Renamed", events: [] }));
        expect(touched.ok).toBe(true);
        expect((await repo.listByOwner(owner)).map((run) => run.id)).toEqual([
          first.id,
          third.id,
          secondRun.id,
        ]);
        expect((await repo.listByOwner(owner, { limit: 2 })).map((run) => run.id)).toEqual([
          first.id,
          third.id,
        ]);
        await expect(repo.listByOwner(owner, { limit: 0 })).rejects.toThrow(RangeError);
      });

      it("applies an update: new steps and title, version + 1, events and step results appended", async () => {
        const run = await newRun();
        const passed = step({
          status: "passed",
          confidence: "verified",
          checkedAt: "2030-01-01T00:00:00.000Z",
        });

        const outcome = await repo.update(run.id, 1, (current) => ({
          steps: { ...current.steps, prerequisites: passed },
          title: "Contoso writeback",
          events: [
            {
              actor: "bob",
              type: "step-verified",
              stepId: "prerequisites",
              summary: "Prerequisites passed",
              detail: { n: 1 },
            },
          ],
          stepResults: [
            {
              stepId: "prerequisites",
              status: "passed",
              confidence: "verified",
              result: { licence: "P1" },
              actor: "bob",
            },
          ],
        }));

        if (!outcome.ok) throw new Error(`update failed: ${outcome.reason}`);
        expect(outcome.run.version).toBe(2);
        expect(outcome.run.title).toBe("Contoso writeback");
        expect(outcome.run.steps.prerequisites).toEqual(passed);
        expect(outcome.run.updatedAt > run.updatedAt).toBe(true);
        expect(await repo.get(run.id)).toEqual(outcome.run);

        const events = await repo.events(run.id);
        expect(events.map((event) => event.type)).toEqual(["run-created", "step-verified"]);
        expect(events[1]).toMatchObject({
          actor: "bob",
          stepId: "prerequisites",
          detail: { n: 1 },
          at: outcome.run.updatedAt,
        });

        const results = await repo.stepResults(run.id);
        expect(results).toHaveLength(1);
        expect(results[0]).toMatchObject({
          stepId: "prerequisites",
          status: "passed",
          confidence: "verified",
          result: { licence: "P1" },
          actor: "bob",
          createdAt: outcome.run.updatedAt,
        });
      });

      it("keeps the steps when the change leaves them out", async () => {
        const run = await newRun();
        const outcome = await repo.update(run.id, 1, () => ({ events: [] }));
        if (!outcome.ok) throw new Error(outcome.reason);
        expect(outcome.run.steps).toEqual(run.steps);
        expect((await repo.get(run.id))?.steps).toEqual(run.steps);
      });

      it("answers a stale version with a conflict carrying the current run, and writes nothing", async () => {
        const run = await newRun();
        const won = await repo.update(run.id, 1, () => ({
          title: "v2",
          events: [{ actor: "a", type: "t", summary: "s" }],
        }));
        if (!won.ok) throw new Error(won.reason);

        const change = vi.fn(() => ({
          title: "stale",
          events: [{ actor: "b", type: "t", summary: "lost" }],
        }));
        const current = expectConflict(await repo.update(run.id, 1, change));

        expect(change).not.toHaveBeenCalled();
        expect(current).toEqual(won.run);
        expect(await repo.get(run.id)).toEqual(won.run);
        expect(await countRows("events", run.id)).toBe(2);
      });

      it("answers not-found for a missing run", async () => {
        const change = vi.fn(() => ({ events: [] }));
        expect(await repo.update("missing-run", 1, change)).toEqual({ ok: false, reason: "not-found" });
        expect(change).not.toHaveBeenCalled();
      });

      it("writes nothing when change() throws, and lets the error through", async () => {
        const run = await newRun();
        const boom = new Error("decided against it");
        await expect(
          repo.update(run.id, 1, () => {
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await repo.get(run.id)).toEqual(run);
        expect(await countRows("events", run.id)).toBe(1);
      });

      it("rolls the run back when a write after the guarded UPDATE fails", async () => {
        const run = await newRun();
        await expect(
          repo.update(run.id, 1, (current) => ({
            steps: { ...current.steps, prerequisites: step({ status: "passed", confidence: "attested" }) },
            events: [{ actor: "a", type: "t", summary: "ok" }],
            // The database rejects this row (NOT NULL), after the run row has been updated in the same transaction.
            stepResults: [
              {
                stepId: "prerequisites",
                status: "passed",
                confidence: "attested",
                result: {},
                actor: null as unknown as string,
              },
            ],
          })),
        ).rejects.toThrow();
        expect(await repo.get(run.id)).toEqual(run);
        expect(await countRows("events", run.id)).toBe(1);
        expect(await countRows("step_results", run.id)).toBe(0);
      });

      it("lets exactly one of several concurrent updates with the same version win", async () => {
        const clock = steppingClock("2031-01-01T00:00:00.000Z");
        const repos = [new RunsRepository(main.db, clock), new RunsRepository(second.db, clock)];
        for (let round = 0; round < 3; round++) {
          const run = await newRun();
          const outcomes = await Promise.all(
            Array.from({ length: 6 }, (_, i) =>
              (repos[i % 2] as RunsRepository).update(run.id, 1, (current) => ({
                steps: { ...current.steps, prerequisites: step({ notes: `writer ${i}` }) },
                events: [{ actor: `writer-${i}`, type: "edited", summary: `writer ${i}` }],
              })),
            ),
          );
          const winners = outcomes.filter((outcome) => outcome.ok);
          expect(winners).toHaveLength(1);
          const winner = winners[0];
          if (!winner?.ok) throw new Error("no winner");
          for (const outcome of outcomes.filter((o) => !o.ok)) {
            expect(expectConflict(outcome)).toEqual(winner.run);
          }
          const stored = await repo.get(run.id);
          expect(stored).toEqual(winner.run);
          expect(stored?.version).toBe(2);
          const events = await repo.events(run.id);
          expect(events.map((event) => event.type)).toEqual(["run-created", "edited"]);
          expect(events[1]?.summary).toBe(winner.run.steps.prerequisites?.notes);
        }
      });

      it("does not overwrite a write that commits between its read and its update", async () => {
        const run = await newRun();
        // Another connection bumps the version and holds its transaction open.
        const other = await second.db.startTransaction().execute();
        await other
          .updateTable("runs")
          .set((eb) => ({
            version: eb("version", "+", 1),
            title: "other writer",
            updated_at: "2032-01-01T00:00:00.000Z",
          }))
          .where("id", "=", run.id)
          .execute();

        const change = vi.fn((current: RunRecord) => ({
          title: `stale ${current.version}`,
          events: [{ actor: "a", type: "t", summary: "s" }],
        }));
        const pending = repo.update(run.id, 1, change);
        // Our transaction has read version 1 (the other one is not committed yet) and passed the early check…
        await vi.waitFor(() => expect(change).toHaveBeenCalled());
        await new Promise((resolve) => setTimeout(resolve, 100));
        // …then the other writer commits; ours must notice instead of overwriting.
        await other.commit().execute();

        const current = expectConflict(await pending);
        expect(current).toMatchObject({ version: 2, title: "other writer" });
        expect(await repo.get(run.id)).toEqual(current);
        expect(await countRows("events", run.id)).toBe(1);
      });

      it("returns events oldest first; a limit keeps the latest ones", async () => {
        const run = await newRun();
        let version = 1;
        for (const n of [1, 2, 3]) {
          const outcome = await repo.update(run.id, version, () => ({
            events: [
              { actor: "a", type: `e${n}a`, summary: "" },
              { actor: "a", type: `e${n}b`, summary: "" },
            ],
          }));
          if (!outcome.ok) throw new Error(outcome.reason);
          version = outcome.run.version;
        }
        const all = await repo.events(run.id);
        expect(all.map((event) => event.type)).toEqual([
          "run-created",
          "e1a",
          "e1b",
          "e2a",
          "e2b",
          "e3a",
          "e3b",
        ]);
        expect(all.map((event) => event.id)).toEqual([...all.map((event) => event.id)].sort((a, b) => a - b));
        expect((await repo.events(run.id, { limit: 3 })).map((event) => event.type)).toEqual([
          "e2b",
          "e3a",
          "e3b",
        ]);
        expect(await repo.events("missing-run")).toEqual([]);
      });

      it("keeps a history of step results, filterable by step", async () => {
        const run = await newRun();
        let version = 1;
        const history = [
          { stepId: "prerequisites", status: "failed", confidence: "verified" },
          { stepId: "connector-permissions", status: "passed", confidence: "evidence" },
          { stepId: "prerequisites", status: "passed", confidence: "verified" },
        ] as const;
        for (const [i, entry] of history.entries()) {
          const outcome = await repo.update(run.id, version, () => ({
            events: [],
            stepResults: [{ ...entry, result: { attempt: i }, actor: "carol" }],
          }));
          if (!outcome.ok) throw new Error(outcome.reason);
          version = outcome.run.version;
        }
        const all = await repo.stepResults(run.id);
        expect(all.map((r) => [r.stepId, r.status, r.result])).toEqual([
          ["prerequisites", "failed", { attempt: 0 }],
          ["connector-permissions", "passed", { attempt: 1 }],
          ["prerequisites", "passed", { attempt: 2 }],
        ]);
        const prerequisites = await repo.stepResults(run.id, "prerequisites");
        expect(prerequisites.map((r) => r.status)).toEqual(["failed", "passed"]);
        expect((prerequisites[0]?.createdAt ?? "") < (prerequisites[1]?.createdAt ?? "")).toBe(true);

        // A result for a step that has since been removed from the catalogue is left out.
        await sql`insert into step_results (run_id, step_id, status, confidence, result, actor, created_at)
                values (${run.id}, ${"retired-step"}, ${"passed"}, ${null}, ${"{}"}, ${"x"}, ${"2030-06-01T00:00:00.000Z"})`.execute(
          main.db,
        );
        expect(await repo.stepResults(run.id)).toHaveLength(3);
      });

      it("drops unknown step ids from stored state instead of failing", async () => {
        const run = await newRun();
        const state = {
          prerequisites: step({ status: "passed", confidence: "verified" }),
          "retired-step": { whatever: true },
        };
        await main.db
          .updateTable("runs")
          .set({ state: JSON.stringify(state) })
          .where("id", "=", run.id)
          .execute();

        const stored = await repo.get(run.id);
        expect(stored?.steps).toEqual({ prerequisites: state.prerequisites });
        // …and the run stays updatable; the stale key is gone after the next write.
        const outcome = await repo.update(run.id, 1, (current) => ({ steps: current.steps, events: [] }));
        expect(outcome.ok).toBe(true);
        const raw = await main.db
          .selectFrom("runs")
          .select("state")
          .where("id", "=", run.id)
          .executeTakeFirstOrThrow();
        expect(Object.keys(JSON.parse(raw.state) as object)).toEqual(["prerequisites"]);
      });

      it("raises CorruptRunError for unreadable JSON or an invalid step state", async () => {
        const owner = uniqueOwner();
        const broken = await newRun(owner);
        await main.db.updateTable("runs").set({ state: "{not json" }).where("id", "=", broken.id).execute();
        await expect(repo.get(broken.id)).rejects.toMatchObject({
          name: "CorruptRunError",
          runId: broken.id,
          field: "state",
        });
        await expect(repo.update(broken.id, 1, () => ({ events: [] }))).rejects.toBeInstanceOf(
          CorruptRunError,
        );
        await expect(repo.listByOwner(owner)).rejects.toBeInstanceOf(CorruptRunError);

        const invalid = await newRun();
        await main.db
          .updateTable("runs")
          .set({ state: JSON.stringify({ prerequisites: { status: "done" } }) })
          .where("id", "=", invalid.id)
          .execute();
        await expect(repo.get(invalid.id)).rejects.toMatchObject({ field: "state.prerequisites" });

        const array = await newRun();
        await main.db.updateTable("runs").set({ state: "[]" }).where("id", "=", array.id).execute();
        await expect(repo.get(array.id)).rejects.toBeInstanceOf(CorruptRunError);
      });

      it("runs migrations idempotently when the same store is opened again", async () => {
        const run = await newRun();
        const again = await open(config);
        const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(again.db);
        expect(rows.rows.map((row) => row.name)).toEqual(Object.keys(migrationsFor("sqlite")));
        expect(await new RunsRepository(again.db).get(run.id)).toEqual(run);
      });

      it("migrates a fresh store safely when two processes start at once", async () => {
        const store = await backend.freshStore();
        const folder = mkdtempSync(join(tmpdir(), "migrate-race-"));
        try {
          const child = join(folder, "child.mts");
          writeFileSync(
            child,
            [
              `import { createDatabase } from ${JSON.stringify(join(REPO_ROOT, "lib/server/db/index.ts"))};`,
              `const startAt = Number(process.env.START_AT);`,
              `while (Date.now() < startAt) await new Promise((resolve) => setTimeout(resolve, 1));`,
              `const handle = await createDatabase(JSON.parse(process.env.STORE ?? "{}"));`,
              `await handle.close();`,
              `console.log("migrated");`,
            ].join("\n"),
          );
          // Both children load first, then start migrating at the same instant.
          const env = { ...process.env, STORE: JSON.stringify(store), START_AT: String(Date.now() + 3000) };
          const spawn = () =>
            execFileAsync(process.execPath, ["--conditions=react-server", "--import", "tsx", child], {
              cwd: REPO_ROOT,
              env,
              timeout: 60_000,
            });
          const results = await Promise.all([spawn(), spawn()]);
          expect(results.map((result) => result.stdout.trim())).toEqual(["migrated", "migrated"]);

          const handle = await open(store);
          const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(handle.db);
          expect(rows.rows.map((row) => row.name)).toEqual(Object.keys(migrationsFor("sqlite")));
          expect(await newRun(uniqueOwner(), new RunsRepository(handle.db))).toMatchObject({ version: 1 });
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      });

      it("uses the durability and isolation settings the design asks for", async () => {
        if (backend.name === "sqlite") {
          const pragma = async (name: string) =>
            Object.values(
              (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(main.db)).rows[0] ?? {},
            )[0];
          expect(await pragma("journal_mode")).toBe("wal");
          expect(await pragma("synchronous")).toBe(2); // FULL
          expect(await pragma("busy_timeout")).toBe(5000);
          expect(await pragma("foreign_keys")).toBe(1);
        } else {
          // The version predicate is designed for the default READ COMMITTED; make sure nothing changed it.
          const { rows } = await sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(
            main.db,
          );
          expect(rows[0]?.transaction_isolation).toBe("read committed");
        }
      });
    },
  );
});
