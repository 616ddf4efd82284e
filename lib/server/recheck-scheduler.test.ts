import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseConfig, type DatabaseHandle } from "@/lib/server/db";
import { type Backend, postgresBackend, sqliteBackend } from "@/lib/testing/database-backends";
import { nextRecheck, RECHECK_ATTEMPTS } from "@/lib/verify/verdicts/directory";
import { type StepId } from "@/lib/steps/ids";
import {
  result,
  type SourceAnswer,
  standAside,
  type StepVerifier,
  type VerifyContext,
} from "@/lib/verify/types";
import { initialStepState } from "@/lib/steps/machine";
import { type StepState } from "@/lib/steps/types";
import { RechecksRepository } from "./rechecks-repository";
import { RecheckScheduler, SCHEDULED_ACTOR } from "./recheck-scheduler";
import { type RunRecord, RunsRepository } from "./runs-repository";

// Server-side re-checks of waiting steps, on both databases (the runs-repository suite's pattern:
// SQLite in a temp file; PostgreSQL in a fresh schema of TEST_DATABASE_URL, required when REQUIRE_INTEGRATION=1).

const BACKENDS: Backend[] = [sqliteBackend("rechecks"), postgresBackend()];

function step(overrides: Partial<StepState> = {}): StepState {
  return { ...initialStepState(), ...overrides };
}

const APPLIED = new Date("2030-01-01T10:00:00.000Z");
const STEP: StepId = "connector-permissions";

/** A step waiting for replication, as the verify route leaves it after a fix (first re-check at +30 s). */
function waitingStep(now = APPLIED): StepState {
  return step({
    status: "waiting",
    confidence: "verified",
    checkedAt: now.toISOString(),
    evidence: { recheck: nextRecheck(APPLIED, now) },
    findings: [{ code: "missing-right", message: "not yet", severity: "error" }],
  });
}

/**
 * The fake verifier: answers like the directory source does, from the injected clock and a verdict; counts its
 * checks of one run (`calls.runId`; the store also holds other tests' runs).
 */
function fakeVerifier(
  verdict: () => "passed" | "failed",
  calls: { n: number; runId?: string },
): (id: StepId) => StepVerifier {
  return (stepId) => ({
    stepId,
    sources: [
      {
        confidence: "verified",
        describe: "fake directory",
        async check(ctx: VerifyContext): Promise<SourceAnswer> {
          if (ctx.run.id === calls.runId) calls.n++;
          const failed = verdict() === "failed";
          const schedule = failed ? nextRecheck(APPLIED, ctx.now) : null;
          return result({
            status: failed ? (schedule ? "waiting" : "failed") : "passed",
            confidence: "verified",
            findings: failed
              ? [
                  {
                    code: schedule ? "missing-right" : "replication-window-passed",
                    message: schedule ? "not yet" : "replication should have finished by now",
                    severity: "error",
                  },
                ]
              : [],
            evidence: schedule ? { recheck: schedule } : {},
            remediation: [],
          });
        },
      },
    ],
  });
}

/** A verifier whose only source cannot reach its system: it stands aside with a notice, as the LDAP source does. */
function unreachableVerifier(calls: { n: number; runId?: string }): (id: StepId) => StepVerifier {
  return (stepId) => ({
    stepId,
    sources: [
      {
        confidence: "verified",
        describe: "fake directory that is down",
        async check(ctx: VerifyContext): Promise<SourceAnswer> {
          if (ctx.run.id === calls.runId) calls.n++;
          return standAside("unreachable", {
            code: "directory-unreachable",
            severity: "warning",
            message:
              "The domain controller could not be read: dc1.contoso.test:636 did not answer within 5 s.",
          });
        },
      },
    ],
  });
}

/** The outcomes of one run's re-checks (the store also holds other tests' runs). */
function outcomesOf(runId: string) {
  return (outcomes: Awaited<ReturnType<RecheckScheduler["tick"]>>) =>
    outcomes.filter((o) => o.runId === runId);
}

describe.each(BACKENDS)("server-side re-checks on $name", (backend) => {
  describe.skipIf(backend.skip !== undefined)(
    backend.skip ? `skipped: ${backend.skip}` : "integration",
    () => {
      let config: DatabaseConfig;
      const handles: DatabaseHandle[] = [];
      let main: DatabaseHandle;
      let second: DatabaseHandle;
      let runs: RunsRepository;
      let rechecks: RechecksRepository;

      beforeAll(async () => {
        if (backend.missing) throw new Error(backend.missing);
        config = await backend.freshStore();
        main = await createDatabase(config);
        second = await createDatabase(config);
        handles.push(main, second);
        runs = new RunsRepository(main.db);
        rechecks = new RechecksRepository(main.db);
      });

      afterAll(async () => {
        for (const handle of handles) await handle.close();
        await backend.cleanup();
      });

      /** A scheduler over this backend's repositories with the given verifier and clock. */
      function schedulerWith(
        verifierFor: (id: StepId) => StepVerifier,
        clock: () => Date,
        instanceId: string,
      ): RecheckScheduler {
        return new RecheckScheduler({
          runs,
          rechecks,
          clock,
          instanceId,
          verifierFor,
          buildContext: async (r, now) => ({ run: r, now }),
        });
      }

      async function newRun(steps: RunRecord["steps"] = { prerequisites: step(), [STEP]: step() }) {
        return runs.create({ flow: "enable", mode: "live", ownerId: "o", title: "t", steps, actor: "alice" });
      }

      /** A run whose step went `waiting` through an ordinary update (the row comes from that update). */
      async function waitingRun(): Promise<RunRecord> {
        const run = await newRun();
        const updated = await runs.update(run.id, run.version, (r) => ({
          steps: { ...r.steps, [STEP]: waitingStep() },
          events: [],
        }));
        if (!updated.ok) throw new Error("setup failed");
        return updated.run;
      }

      it("keeps one re-check row per waiting step, in step with the run's state", async () => {
        const run = await waitingRun();
        expect(await rechecks.get(run.id, STEP)).toEqual({
          runId: run.id,
          stepId: STEP,
          dueAt: "2030-01-01T10:00:30.000Z",
          attempt: 1,
        });
        expect(await rechecks.get(run.id, "prerequisites")).toBeNull();
        // Not due before its time; due from then on.
        expect((await rechecks.due(new Date("2030-01-01T10:00:29Z"))).map((d) => d.runId)).not.toContain(
          run.id,
        );
        expect((await rechecks.due(new Date("2030-01-01T10:00:30Z"))).map((d) => d.runId)).toContain(run.id);
        // Passing (any change that leaves the step not waiting) removes the row.
        const passed = await runs.update(run.id, run.version, (r) => ({
          steps: { ...r.steps, [STEP]: step({ status: "passed", confidence: "verified" }) },
          events: [],
        }));
        expect(passed.ok).toBe(true);
        expect(await rechecks.get(run.id, STEP)).toBeNull();
      });

      it("lets exactly one of two instances claim a due re-check, until the claim lapses or is released", async () => {
        const run = await waitingRun();
        const due = (await rechecks.get(run.id, STEP))!;
        const other = new RechecksRepository(second.db);
        const now = new Date("2030-01-01T10:01:00Z");
        const claims = await Promise.all([
          rechecks.claim(due, "a", now, 60_000),
          other.claim(due, "b", now, 60_000),
        ]);
        expect(claims.filter(Boolean)).toHaveLength(1);
        // A live claim hides the row from due(); a lapsed one shows it again.
        expect((await rechecks.due(now)).map((d) => d.runId)).not.toContain(run.id);
        const later = new Date("2030-01-01T10:02:00Z");
        expect((await rechecks.due(later)).map((d) => d.runId)).toContain(run.id);
        await rechecks.release(due, claims[0] ? "a" : "b");
        expect((await rechecks.due(now)).map((d) => d.runId)).toContain(run.id);
        // A claim for a due time that has since moved on matches nothing.
        expect(await rechecks.claim({ ...due, dueAt: "2030-01-01T09:00:00.000Z" }, "c", now, 60_000)).toBe(
          false,
        );
      });

      it("runs a due re-check once, records the result and an event, and schedules the next", async () => {
        const run = await waitingRun();
        let clock = new Date("2030-01-01T10:00:31Z");
        const calls = { n: 0, runId: run.id };
        const scheduler = schedulerWith(
          fakeVerifier(() => "failed", calls),
          () => clock,
          "one",
        );
        const mine = outcomesOf(run.id);

        expect(mine(await scheduler.tick())).toEqual([
          { kind: "recorded", runId: run.id, stepId: STEP, status: "waiting" },
        ]);
        expect(calls.n).toBe(1);
        // Nothing more is due until the next time on the schedule (attempt 2 at +1 min).
        expect(mine(await scheduler.tick())).toEqual([]);
        expect(calls.n).toBe(1);
        const after = (await runs.get(run.id))!;
        expect(after.version).toBe(run.version + 1);
        expect(after.steps[STEP]?.evidence.recheck).toMatchObject({
          nextCheckAt: "2030-01-01T10:01:00.000Z",
          attempt: 2,
          attempts: RECHECK_ATTEMPTS,
        });
        expect(await rechecks.get(run.id, STEP)).toMatchObject({
          dueAt: "2030-01-01T10:01:00.000Z",
          attempt: 2,
        });
        const events = await runs.events(run.id);
        expect(events.filter((e) => e.actor === SCHEDULED_ACTOR).map((e) => e.type)).toEqual([
          "verified",
          "scheduled-recheck",
        ]);
        const results = await runs.stepResults(run.id, STEP);
        expect(results.at(-1)).toMatchObject({ actor: SCHEDULED_ACTOR, status: "waiting" });

        // After the deadline a still-failing step turns failed (the verifier says replication should be over).
        clock = new Date("2030-01-01T11:00:00Z");
        await runs.update(run.id, after.version, (r) => ({
          steps: { ...r.steps, [STEP]: { ...waitingStep(new Date("2030-01-01T10:40:00Z")) } },
          events: [],
        }));
        expect(mine(await scheduler.tick())).toEqual([
          { kind: "recorded", runId: run.id, stepId: STEP, status: "failed" },
        ]);
        const final = (await runs.get(run.id))!.steps[STEP]!;
        expect(final.status).toBe("failed");
        expect(final.findings[0]?.message).toMatch(/replication should have finished/);
        expect(await rechecks.get(run.id, STEP)).toBeNull();
      });

      it("two schedulers (two connections) run a due re-check once", async () => {
        const run = await waitingRun();
        const clock = () => new Date("2030-01-01T10:00:45Z");
        const calls = { n: 0, runId: run.id };
        const make = (handle: DatabaseHandle, id: string) =>
          new RecheckScheduler({
            runs: new RunsRepository(handle.db),
            rechecks: new RechecksRepository(handle.db),
            clock,
            instanceId: id,
            verifierFor: fakeVerifier(() => "passed", calls),
            buildContext: async (r, now) => ({ run: r, now }),
          });
        const [a, b] = await Promise.all([make(main, "a").tick(), make(second, "b").tick()]);
        const recorded = [...a, ...b].filter((o) => o.runId === run.id && o.kind === "recorded");
        expect(recorded).toHaveLength(1);
        expect(calls.n).toBe(1);
        const after = (await runs.get(run.id))!;
        expect(after.steps[STEP]?.status).toBe("passed");
        expect(after.version).toBe(run.version + 1);
        expect(await rechecks.get(run.id, STEP)).toBeNull();
      });

      it("keeps a step waiting on schedule while the directory cannot be read, and fails it when the hour is over", async () => {
        const run = await waitingRun();
        let clock = new Date("2030-01-01T10:00:31Z");
        const calls = { n: 0, runId: run.id };
        const scheduler = schedulerWith(unreachableVerifier(calls), () => clock, "down");
        const mine = outcomesOf(run.id);

        // Inside the window: still waiting, moved on to the next attempt (not held until the claim lapses).
        expect(mine(await scheduler.tick())).toEqual([
          { kind: "recorded", runId: run.id, stepId: STEP, status: "waiting" },
        ]);
        expect(calls.n).toBe(1);
        let state = (await runs.get(run.id))!.steps[STEP]!;
        expect(state.status).toBe("waiting");
        expect(state.evidence.recheck).toMatchObject({ nextCheckAt: "2030-01-01T10:01:00.000Z", attempt: 2 });
        expect(state.findings[0]).toMatchObject({ code: "recheck-unreadable", severity: "warning" });
        expect(state.findings[0]?.message).toMatch(/dc1\.contoso\.test:636 did not answer/);
        expect(state.findings.map((f) => f.code)).toContain("missing-right"); // the last reading is kept
        expect(await rechecks.get(run.id, STEP)).toMatchObject({
          dueAt: "2030-01-01T10:01:00.000Z",
          attempt: 2,
        });
        const unreadable = (await runs.events(run.id)).filter((e) => e.type === "scheduled-recheck");
        expect(unreadable.at(-1)).toMatchObject({ actor: SCHEDULED_ACTOR, detail: { status: "unreadable" } });

        // Not due again before the next attempt; the next attempt replaces the warning instead of stacking it.
        expect(mine(await scheduler.tick())).toEqual([]);
        clock = new Date("2030-01-01T10:01:05Z");
        expect(mine(await scheduler.tick())).toEqual([
          { kind: "recorded", runId: run.id, stepId: STEP, status: "waiting" },
        ]);
        state = (await runs.get(run.id))!.steps[STEP]!;
        expect(state.findings.filter((f) => f.code === "recheck-unreadable")).toHaveLength(1);
        expect(state.evidence.recheck).toMatchObject({ nextCheckAt: "2030-01-01T10:02:00.000Z", attempt: 3 });

        // The last attempt is at the deadline: the step stops waiting and fails on the last reading it had.
        const current = (await runs.get(run.id))!;
        await runs.update(run.id, current.version, (r) => ({
          steps: { ...r.steps, [STEP]: waitingStep(new Date("2030-01-01T10:40:00Z")) },
          events: [],
        }));
        clock = new Date("2030-01-01T11:00:02Z");
        expect(mine(await scheduler.tick())).toEqual([
          { kind: "recorded", runId: run.id, stepId: STEP, status: "failed" },
        ]);
        const final = (await runs.get(run.id))!.steps[STEP]!;
        expect(final.status).toBe("failed");
        expect(final.confidence).toBe("verified");
        expect(final.findings[0]).toMatchObject({ code: "recheck-unreadable", severity: "error" });
        expect(final.findings[0]?.message).toMatch(/could not read the directory/);
        expect(final.evidence.recheck).toBeUndefined();
        expect(final.evidence.recheckGaveUpAt).toBe("2030-01-01T11:00:02.000Z");
        expect(await rechecks.get(run.id, STEP)).toBeNull();
        // Nothing is due any more.
        clock = new Date("2030-01-01T13:00:00Z");
        expect(mine(await scheduler.tick())).toEqual([]);
      });

      it("a conflicting write leaves the re-check for the next tick", async () => {
        const run = await waitingRun();
        const calls = { n: 0, runId: run.id };
        let interfere = true;
        const scheduler = new RecheckScheduler({
          runs,
          rechecks,
          clock: () => new Date("2030-01-01T10:00:40Z"),
          instanceId: "c",
          verifierFor: fakeVerifier(() => "passed", calls),
          buildContext: async (r, now) => {
            // Someone edits the run's notes while the verifier runs.
            if (interfere) {
              interfere = false;
              const current = (await runs.get(r.id))!;
              await runs.update(r.id, current.version, (x) => ({
                steps: { ...x.steps, prerequisites: { ...x.steps.prerequisites!, notes: "edited" } },
                events: [],
              }));
            }
            return { run: r, now };
          },
        });
        const first = (await scheduler.tick()).filter((o) => o.runId === run.id);
        expect(first).toEqual([
          expect.objectContaining({ kind: "skipped", why: expect.stringMatching(/changed/) }),
        ]);
        expect(await rechecks.get(run.id, STEP)).not.toBeNull();
        const second = (await scheduler.tick()).filter((o) => o.runId === run.id);
        expect(second).toEqual([{ kind: "recorded", runId: run.id, stepId: STEP, status: "passed" }]);
        expect((await runs.get(run.id))!.steps[STEP]?.status).toBe("passed");
      });
    },
  );
});
