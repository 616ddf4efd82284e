import "server-only";

import { randomBytes } from "node:crypto";
import { type StepId } from "@/lib/steps/ids";
import { type StepState } from "@/lib/steps/types";
import { applyVerification } from "@/lib/steps/run-changes";
import { unreadableRecheck } from "@/lib/verify/verdicts/recheck-unreadable";
import { runVerifier, VERIFIERS } from "@/lib/verify/run-verifier";
import { type StepVerifier, type VerifyContext } from "@/lib/verify/types";
import { type VerifyRun } from "./verify-context";
import { type AutomaticResult } from "@/lib/steps/types";
import { env } from "./env";
import { type DueRecheck, type RechecksRepository, scheduleOf } from "./rechecks-repository";
import { type RunRecord, type RunsRepository } from "./runs-repository";

// Server-side re-checks of steps waiting for replication after a fix. Every tick (~15 s) the scheduler
// asks the database for due re-checks, claims each with a conditional update (one instance runs it even when
// several share the database), runs the step's verifier the way the verify route does (same context, same
// verifier, same state transition) as the system actor "Scheduled re-check", and records the result under
// optimistic concurrency. A lost race releases the claim; the next tick re-reads the run and tries again. The
// verifier's result carries the next schedule (or, after the one-hour window, a failure saying replication
// should have finished), and the repository keeps the re-check row in step with it.

export const SCHEDULED_ACTOR = "Scheduled re-check";
export const RECHECK_TICK_MS = 15_000;
/** How long a claim holds: longer than a directory scan may take, short enough to recover from a crash. */
export const RECHECK_LEASE_MS = 5 * 60_000;

export interface RecheckSchedulerDeps {
  runs: RunsRepository;
  rechecks: RechecksRepository;
  clock?: () => Date;
  /** Names this instance's claims. */
  instanceId?: string;
  verifierFor?: (stepId: StepId) => StepVerifier;
  buildContext: (run: VerifyRun, now: Date) => Promise<VerifyContext>;
  leaseMs?: number;
  log?: (message: string) => void;
}

export type RecheckOutcome =
  | { kind: "recorded"; runId: string; stepId: StepId; status: string }
  | { kind: "skipped"; runId: string; stepId: StepId; why: string };

export class RecheckScheduler {
  private readonly clock: () => Date;
  private readonly instanceId: string;
  private readonly verifierFor: (stepId: StepId) => StepVerifier;
  private readonly leaseMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ticking: Promise<RecheckOutcome[]> | null = null;

  constructor(private readonly deps: RecheckSchedulerDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.instanceId = deps.instanceId ?? `instance-${randomBytes(6).toString("hex")}`;
    this.verifierFor = deps.verifierFor ?? ((stepId) => VERIFIERS[stepId]);
    this.leaseMs = deps.leaseMs ?? RECHECK_LEASE_MS;
  }

  /** Starts ticking; the timer does not keep the process alive. */
  start(intervalMs = RECHECK_TICK_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tick().catch((error: unknown) =>
        (this.deps.log ?? console.error)(
          `Scheduled re-check failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs every due re-check once; overlapping calls share the tick in progress. */
  tick(): Promise<RecheckOutcome[]> {
    this.ticking ??= this.runDue().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async runDue(): Promise<RecheckOutcome[]> {
    const outcomes: RecheckOutcome[] = [];
    for (const due of await this.deps.rechecks.due(this.clock())) {
      try {
        outcomes.push(await this.runOne(due));
      } catch (error) {
        // One broken run does not stop the others; its claim was released and the next tick tries again.
        (this.deps.log ?? console.error)(
          `Scheduled re-check of ${due.stepId} on run ${due.runId} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        outcomes.push({ kind: "skipped", runId: due.runId, stepId: due.stepId, why: "error" });
      }
    }
    return outcomes;
  }

  private async runOne(due: DueRecheck): Promise<RecheckOutcome> {
    const { runs, rechecks } = this.deps;
    const skipped = (why: string): RecheckOutcome => ({
      kind: "skipped",
      runId: due.runId,
      stepId: due.stepId,
      why,
    });
    if (!(await rechecks.claim(due, this.instanceId, this.clock(), this.leaseMs)))
      return skipped("claimed elsewhere");
    try {
      const run = await runs.get(due.runId);
      const schedule = scheduleOf(run?.steps[due.stepId]);
      // The step moved on (re-checked by hand, skipped) since the row was read; its next write fixes the row.
      if (!run || !schedule || schedule.nextCheckAt !== due.dueAt) {
        await rechecks.release(due, this.instanceId);
        return skipped("no longer due");
      }
      const now = this.clock();
      const context = await this.deps.buildContext(run, now);
      const outcome = await runVerifier(this.verifierFor(due.stepId), context);
      const at = now.toISOString();
      if (outcome.kind === "checked")
        return await this.record(run, due, at, outcome.result, {
          summary: `Automatic re-check ${schedule.attempt > 0 ? `${schedule.attempt} ` : ""}after the change: ${outcome.result.status}${readingOf(outcome.result)}`,
          attempt: schedule.attempt,
        });
      // Nothing could be read (no connection): keep waiting on the schedule, or fail once the window has closed.
      const reasons = outcome.findings.filter((f) => f.code !== "no-automatic-check");
      const decision = unreadableRecheck(run.steps[due.stepId]!, reasons, now);
      if (decision.kind === "give-up")
        return await this.record(run, due, at, decision.result, {
          summary: decision.summary,
          attempt: schedule.attempt,
        });
      if (decision.kind === "none") {
        await rechecks.release(due, this.instanceId);
        return skipped("no schedule on the step");
      }
      return await this.commit(run, due, "waiting", (fresh) => {
        if (fresh.steps[due.stepId]?.status !== "waiting") throw new Error("the step stopped waiting");
        return {
          steps: { ...fresh.steps, [due.stepId]: decision.state },
          events: [
            {
              actor: SCHEDULED_ACTOR,
              type: "scheduled-recheck",
              stepId: due.stepId,
              summary: decision.summary,
              detail: {
                attempt: schedule.attempt,
                dueAt: due.dueAt,
                status: "unreadable",
                nextCheckAt: decision.next.nextCheckAt,
              },
            },
          ],
          stepResults: [stepResult(due.stepId, decision.state)],
        };
      });
    } catch (error) {
      await rechecks.release(due, this.instanceId);
      throw error;
    }
  }

  /** Records a verification result the way the verify route does, plus the scheduler's own event. */
  private record(
    run: RunRecord,
    due: DueRecheck,
    at: string,
    result: AutomaticResult,
    event: { summary: string; attempt: number },
  ): Promise<RecheckOutcome> {
    return this.commit(run, due, result.status, (fresh) => {
      const decided = applyVerification(
        { title: fresh.title, steps: fresh.steps },
        due.stepId,
        { kind: "checked", result },
        SCHEDULED_ACTOR,
        at,
      );
      if (!decided.ok) throw new Error(decided.message);
      const state = decided.draft.steps[due.stepId];
      return {
        steps: decided.draft.steps,
        events: [
          ...decided.events,
          {
            actor: SCHEDULED_ACTOR,
            type: "scheduled-recheck",
            stepId: due.stepId,
            summary: event.summary,
            detail: { attempt: event.attempt, dueAt: due.dueAt, status: result.status },
          },
        ],
        stepResults: state ? [stepResult(due.stepId, state)] : [],
      };
    });
  }

  /** Writes under optimistic concurrency; a lost race releases the claim so that the next tick re-reads the run. */
  private async commit(
    run: RunRecord,
    due: DueRecheck,
    status: string,
    change: Parameters<RunsRepository["update"]>[2],
  ): Promise<RecheckOutcome> {
    const updated = await this.deps.runs.update(run.id, run.version, change);
    if (updated.ok) return { kind: "recorded", runId: run.id, stepId: due.stepId, status };
    await this.deps.rechecks.release(due, this.instanceId);
    return {
      kind: "skipped",
      runId: due.runId,
      stepId: due.stepId,
      why: updated.reason === "conflict" ? "the run changed meanwhile; next tick" : "run gone",
    };
  }
}

/** " (Read 37 changes since 10:42 UTC.)" when the check said how it read the directory (lib/directory/delta.ts). */
export function readingOf(result: AutomaticResult): string {
  const reading = result.evidence.reading;
  return typeof reading === "string" ? ` (${reading})` : "";
}

function stepResult(stepId: StepId, state: StepState) {
  return {
    stepId,
    status: state.status,
    confidence: state.confidence,
    result: { ...state, scheduled: true },
    actor: SCHEDULED_ACTOR,
  };
}

const SCHEDULER_KEY = Symbol.for("sspr-writeback.recheck-scheduler");

/**
 * Starts this process's scheduler over the configured database (once per process, also across dev reloads).
 * `RECHECK_SCHEDULER=off` leaves it off (a deployment that runs re-checks elsewhere).
 */
export async function startRecheckScheduler(config: { url?: string; file?: string }): Promise<void> {
  const holder = globalThis as { [SCHEDULER_KEY]?: RecheckScheduler };
  if (holder[SCHEDULER_KEY] || env().RECHECK_SCHEDULER === "off") return;
  const [{ getDatabase }, { RunsRepository }, { RechecksRepository }] = await Promise.all([
    import("./db"),
    import("./runs-repository"),
    import("./rechecks-repository"),
  ]);
  const { db } = await getDatabase(config);
  const scheduler = new RecheckScheduler({
    runs: new RunsRepository(db),
    rechecks: new RechecksRepository(db),
    buildContext: async (run, now) => (await import("./verify-context")).buildVerifyContext(run, null, now),
  });
  holder[SCHEDULER_KEY] = scheduler;
  scheduler.start();
}
