import "server-only";

import { type Kysely, type Transaction } from "kysely";
import { type Database } from "@/lib/server/db/schema";
import { type StepId } from "@/lib/steps/ids";
import { stepIdSchema } from "@/lib/steps/schema";
import { type StepState } from "@/lib/steps/types";

// The server-side schedule of re-checks for steps waiting for replication. The step's evidence carries
// the schedule the UI shows (`evidence.recheck`: next check, attempt n of m, deadline); this table mirrors it so
// that due checks can be found with one indexed query on SQLite and PostgreSQL alike, and claimed with a
// conditional update so that one instance runs each check when several share the database.

export interface DueRecheck {
  runId: string;
  stepId: StepId;
  dueAt: string;
  attempt: number;
}

interface PersistedSchedule {
  nextCheckAt: string;
  attempt: number;
}

function readSchedule(value: unknown): PersistedSchedule | null {
  if (!value || typeof value !== "object") return null;
  const { nextCheckAt, attempt } = value as Record<string, unknown>;
  if (typeof nextCheckAt !== "string" || Number.isNaN(Date.parse(nextCheckAt))) return null;
  return {
    nextCheckAt: new Date(nextCheckAt).toISOString(),
    attempt: typeof attempt === "number" ? attempt : 0,
  };
}

/**
 * The persisted re-check schedule of a step, if it waits for one: `evidence.recheck`, or (a step judged in parts)
 * the directory part's `evidence.directory.recheck`.
 */
export function scheduleOf(state: StepState | undefined): PersistedSchedule | null {
  if (!state || state.status !== "waiting") return null;
  const direct = readSchedule(state.evidence.recheck);
  if (direct) return direct;
  const part = state.evidence.directory;
  return part && typeof part === "object" ? readSchedule((part as Record<string, unknown>).recheck) : null;
}

/**
 * Makes the run's rows match its steps, inside the transaction that writes them: a waiting step with a schedule
 * has a row (a changed due time replaces the row and drops any claim), every other step has none.
 */
export async function syncRechecks(
  trx: Transaction<Database>,
  runId: string,
  steps: Partial<Record<StepId, StepState>>,
): Promise<void> {
  const wanted = new Map<StepId, PersistedSchedule>();
  for (const [stepId, state] of Object.entries(steps) as [StepId, StepState][]) {
    const schedule = scheduleOf(state);
    if (schedule) wanted.set(stepId, schedule);
  }
  let stale = trx.deleteFrom("rechecks").where("run_id", "=", runId);
  if (wanted.size > 0) stale = stale.where("step_id", "not in", [...wanted.keys()]);
  await stale.execute();
  if (wanted.size === 0) return;
  const existing = await trx
    .selectFrom("rechecks")
    .select(["step_id", "due_at"])
    .where("run_id", "=", runId)
    .execute();
  const dueNow = new Map(existing.map((row) => [row.step_id, row.due_at]));
  for (const [stepId, schedule] of wanted) {
    const current = dueNow.get(stepId);
    if (current === schedule.nextCheckAt) continue;
    if (current === undefined) {
      await trx
        .insertInto("rechecks")
        .values({
          run_id: runId,
          step_id: stepId,
          due_at: schedule.nextCheckAt,
          attempt: schedule.attempt,
          claimed_by: null,
          claimed_until: null,
        })
        .execute();
    } else {
      await trx
        .updateTable("rechecks")
        .set({
          due_at: schedule.nextCheckAt,
          attempt: schedule.attempt,
          claimed_by: null,
          claimed_until: null,
        })
        .where("run_id", "=", runId)
        .where("step_id", "=", stepId)
        .execute();
    }
  }
}

export class RechecksRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Re-checks due at `now` and not held by a live claim, earliest first. */
  async due(now: Date, limit = 20): Promise<DueRecheck[]> {
    const at = now.toISOString();
    const rows = await this.db
      .selectFrom("rechecks")
      .selectAll()
      .where("due_at", "<=", at)
      .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", at)]))
      .orderBy("due_at", "asc")
      .orderBy("run_id", "asc")
      .limit(limit)
      .execute();
    return rows.flatMap((row) => {
      const stepId = stepIdSchema.safeParse(row.step_id);
      return stepId.success
        ? [{ runId: row.run_id, stepId: stepId.data, dueAt: row.due_at, attempt: row.attempt }]
        : [];
    });
  }

  /**
   * Claims a due re-check for `instance` until `now + leaseMs`. True for exactly one caller: the update only
   * matches while the row is still at the same due time and unclaimed (or its claim has lapsed).
   */
  async claim(due: DueRecheck, instance: string, now: Date, leaseMs: number): Promise<boolean> {
    const at = now.toISOString();
    const result = await this.db
      .updateTable("rechecks")
      .set({ claimed_by: instance, claimed_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where("run_id", "=", due.runId)
      .where("step_id", "=", due.stepId)
      .where("due_at", "=", due.dueAt)
      .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", at)]))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Gives a claim back (the check could not be recorded), so the next tick tries again. */
  async release(due: DueRecheck, instance: string): Promise<void> {
    await this.db
      .updateTable("rechecks")
      .set({ claimed_by: null, claimed_until: null })
      .where("run_id", "=", due.runId)
      .where("step_id", "=", due.stepId)
      .where("claimed_by", "=", instance)
      .execute();
  }

  async get(runId: string, stepId: StepId): Promise<DueRecheck | null> {
    const row = await this.db
      .selectFrom("rechecks")
      .selectAll()
      .where("run_id", "=", runId)
      .where("step_id", "=", stepId)
      .executeTakeFirst();
    return row ? { runId: row.run_id, stepId, dueAt: row.due_at, attempt: row.attempt } : null;
  }
}
