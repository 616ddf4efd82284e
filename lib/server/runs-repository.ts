import "server-only";

import { randomBytes } from "node:crypto";
import { type Kysely, type Selectable, type Transaction } from "kysely";
import { z } from "zod";
import { type RunEventView } from "@/lib/contract/runs";
import { type Database, type RunMode, type RunsTable } from "@/lib/server/db/schema";
import { syncRechecks } from "@/lib/server/rechecks-repository";
import { type StepId } from "@/lib/steps/ids";
import {
  confidenceSchema,
  flowSchema,
  stepIdSchema,
  stepStateSchema,
  stepStatusSchema,
} from "@/lib/steps/schema";
import { type Confidence, type Flow, type StepState, type StepStatus } from "@/lib/steps/types";

export interface RunRecord {
  id: string;
  flow: Flow;
  mode: RunMode;
  ownerId: string;
  title: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  steps: Partial<Record<StepId, StepState>>;
}

/** One entry of a run's timeline, stored as the API sends it. */
export type RunEvent = RunEventView;

export interface NewEvent {
  actor: string;
  type: string;
  stepId?: StepId | null;
  summary: string;
  detail?: Record<string, unknown>;
}

export interface StepResultInput {
  stepId: StepId;
  status: StepStatus;
  confidence: Confidence | null;
  result: Record<string, unknown>;
  actor: string;
}

export type StepResultRecord = StepResultInput & { id: number; createdAt: string };

export interface CreateRunInput {
  flow: Flow;
  mode: RunMode;
  ownerId: string;
  title: string;
  steps: RunRecord["steps"];
  /** Who created the run; recorded on the `run-created` event. */
  actor: string;
}

export interface RunChange {
  /** The complete new steps map (not a patch); omitted = unchanged. */
  steps?: RunRecord["steps"];
  title?: string;
  events: NewEvent[];
  stepResults?: StepResultInput[];
  /**
   * Further writes that must commit or roll back with this change (a share link row created or revoked
   * together with its timeline event). Runs inside the transaction, after the run row was updated; it may run
   * more than once when SQLite retries, each time in a fresh transaction.
   */
  within?: (trx: Transaction<Database>) => Promise<void>;
}

export type UpdateOutcome =
  | { ok: true; run: RunRecord }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "conflict"; current: RunRecord };

/** A stored row that cannot be read back (bad JSON, a value outside its enum, an invalid step state). */
export class CorruptRunError extends Error {
  readonly code = "corrupt-run";
  constructor(
    readonly runId: string,
    /** Which part is unreadable, e.g. `state`, `state.prerequisites`, `events.12.detail`. */
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(`Stored run ${runId} has an unreadable ${field}.`, options);
    this.name = "CorruptRunError";
  }
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

const runModeSchema = z.enum(["sandbox", "live"]);
const jsonObjectSchema = z.record(z.string(), z.unknown());

/** How long a SQLite write keeps retrying after SQLITE_BUSY; matches the connection's busy_timeout. */
const BUSY_RETRY_WINDOW_MS = 5000;

/** Raised inside the transaction to roll it back when the guarded UPDATE matched no row. */
class LostRace extends Error {}

export class RunsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(input: CreateRunInput): Promise<RunRecord> {
    const flow = flowSchema.parse(input.flow);
    const mode = runModeSchema.parse(input.mode);
    const steps = checkSteps(input.steps);
    const now = this.now();
    const run: RunRecord = {
      id: newRunId(),
      flow,
      mode,
      ownerId: input.ownerId,
      title: input.title,
      version: 1,
      createdAt: now,
      updatedAt: now,
      steps,
    };
    await this.write(async (trx) => {
      await trx
        .insertInto("runs")
        .values({
          id: run.id,
          flow,
          mode,
          owner_id: run.ownerId,
          title: run.title,
          state: JSON.stringify(steps),
          version: run.version,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await insertEvents(trx, run.id, now, [
        {
          actor: input.actor,
          type: "run-created",
          summary: `Run created: ${run.title}`,
          detail: { flow, mode },
        },
      ]);
    });
    return run;
  }

  async get(id: string): Promise<RunRecord | null> {
    const row = await this.db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? parseRun(row) : null;
  }

  /** Most recently updated first. Default limit {@link DEFAULT_LIST_LIMIT}, at most {@link MAX_LIST_LIMIT}. */
  async listByOwner(ownerId: string, opts: { limit?: number } = {}): Promise<RunRecord[]> {
    const limit = checkLimit(opts.limit ?? DEFAULT_LIST_LIMIT);
    const rows = await this.db
      .selectFrom("runs")
      .selectAll()
      .where("owner_id", "=", ownerId)
      // id breaks ties so equal timestamps still list in a stable order.
      .orderBy("updated_at", "desc")
      .orderBy("id", "desc")
      .limit(Math.min(limit, MAX_LIST_LIMIT))
      .execute();
    return rows.map(parseRun);
  }

  /**
   * Optimistic update: applies `change` to the run only if it is still at `expectedVersion`, then bumps the
   * version; the run, its events and step results are written in one transaction or not at all.
   *
   * `change` receives a copy of the current run and must be free of side effects: it may run and have its
   * answer discarded (lost race, SQLite retry). If it throws, nothing is written and the error propagates.
   */
  async update(
    id: string,
    expectedVersion: number,
    change: (run: RunRecord) => RunChange,
  ): Promise<UpdateOutcome> {
    try {
      return await this.write(async (trx): Promise<UpdateOutcome> => {
        const row = await trx.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
        if (!row) return { ok: false, reason: "not-found" };
        const current = parseRun(row);
        if (current.version !== expectedVersion) return { ok: false, reason: "conflict", current };

        const patch = change(structuredClone(current));
        const steps = patch.steps === undefined ? current.steps : checkSteps(patch.steps);
        const title = patch.title ?? current.title;
        const now = this.now();

        // The version predicate is what makes this safe under READ COMMITTED: the SELECT above takes no lock,
        // so a concurrent writer may commit in between. PostgreSQL then re-checks this WHERE against the
        // committed row after waiting for its lock, and we match nothing instead of overwriting.
        const updated = await trx
          .updateTable("runs")
          .set((eb) => ({
            state: JSON.stringify(steps),
            title,
            version: eb("version", "+", 1),
            updated_at: now,
          }))
          .where("id", "=", id)
          .where("version", "=", expectedVersion)
          .executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) throw new LostRace();

        // Steps waiting for replication keep their server-side re-check row in step with their state.
        if (patch.steps !== undefined) await syncRechecks(trx, id, steps);
        await insertEvents(trx, id, now, patch.events);
        await insertStepResults(trx, id, now, patch.stepResults ?? []);
        await patch.within?.(trx);
        return { ok: true, run: { ...current, steps, title, version: expectedVersion + 1, updatedAt: now } };
      });
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
      // Rolled back; report what won.
      const current = await this.get(id);
      return current ? { ok: false, reason: "conflict", current } : { ok: false, reason: "not-found" };
    }
  }

  /**
   * Oldest first. With `limit`, the latest `limit` events (still oldest first) — what an activity feed shows;
   * with `before`, only events older than that event id (the page before it).
   */
  async events(runId: string, opts: { limit?: number; before?: number } = {}): Promise<RunEvent[]> {
    let query = this.db.selectFrom("events").selectAll().where("run_id", "=", runId).orderBy("id", "desc");
    if (opts.before !== undefined) query = query.where("id", "<", opts.before);
    if (opts.limit !== undefined) query = query.limit(checkLimit(opts.limit));
    const rows = await query.execute();
    return rows.reverse().map((row) => ({
      id: row.id,
      runId: row.run_id,
      at: row.at,
      actor: row.actor,
      type: row.type,
      // An event about a step that has since been removed keeps its place in the history, detached from the step.
      stepId: row.step_id === null ? null : (stepIdSchema.safeParse(row.step_id).data ?? null),
      summary: row.summary,
      detail: parseJsonObject(row.detail, runId, `events.${row.id}.detail`),
    }));
  }

  /** Oldest first. Results of steps that no longer exist are left out. */
  async stepResults(runId: string, stepId?: StepId): Promise<StepResultRecord[]> {
    let query = this.db
      .selectFrom("step_results")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("id", "asc");
    if (stepId !== undefined) query = query.where("step_id", "=", stepId);
    const rows = await query.execute();
    const results: StepResultRecord[] = [];
    for (const row of rows) {
      const parsedStepId = stepIdSchema.safeParse(row.step_id);
      if (!parsedStepId.success) continue;
      const field = `step_results.${row.id}`;
      results.push({
        id: row.id,
        stepId: parsedStepId.data,
        status: parseOrCorrupt(stepStatusSchema, row.status, runId, `${field}.status`),
        confidence: parseOrCorrupt(confidenceSchema.nullable(), row.confidence, runId, `${field}.confidence`),
        result: parseJsonObject(row.result, runId, `${field}.result`),
        actor: row.actor,
        createdAt: row.created_at,
      });
    }
    return results;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /**
   * Runs `work` in a transaction. On SQLite, a transaction that read and then tries to write fails at once
   * with SQLITE_BUSY(_SNAPSHOT) when another connection holds or has just used the write lock (SQLite does
   * not wait there, to avoid deadlock). Retrying the whole transaction re-reads the run, so the retry sees
   * the other writer's version and reports a conflict rather than overwriting it. The wait is a timer, not
   * busy_timeout, so the event loop stays free for the connection that holds the lock.
   */
  private async write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const deadline = Date.now() + BUSY_RETRY_WINDOW_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(work);
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
        await sleep(Math.min(100, 2 ** attempt) + Math.random() * 5);
      }
    }
  }
}

function newRunId(): string {
  return randomBytes(16).toString("base64url");
}

/** Validates a steps map before writing it, so every stored run can be read back. */
function checkSteps(steps: RunRecord["steps"]): RunRecord["steps"] {
  const checked: RunRecord["steps"] = {};
  for (const [key, value] of Object.entries(steps)) {
    checked[stepIdSchema.parse(key)] = stepStateSchema.parse(value);
  }
  return checked;
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return limit;
}

function parseRun(row: Selectable<RunsTable>): RunRecord {
  return {
    id: row.id,
    flow: parseOrCorrupt(flowSchema, row.flow, row.id, "flow"),
    mode: parseOrCorrupt(runModeSchema, row.mode, row.id, "mode"),
    ownerId: row.owner_id,
    title: row.title,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    steps: parseSteps(row.id, row.state),
  };
}

function parseSteps(runId: string, text: string): RunRecord["steps"] {
  const stored = parseJsonObject(text, runId, "state");
  const steps: RunRecord["steps"] = {};
  for (const [key, value] of Object.entries(stored)) {
    const stepId = stepIdSchema.safeParse(key);
    // A step removed from the catalogue since this run was saved is dropped, not an error (STYLE.md §1).
    if (!stepId.success) continue;
    steps[stepId.data] = parseOrCorrupt(stepStateSchema, value, runId, `state.${stepId.data}`);
  }
  return steps;
}

function parseJsonObject(text: string, runId: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CorruptRunError(runId, field, { cause });
  }
  return parseOrCorrupt(jsonObjectSchema, value, runId, field);
}

function parseOrCorrupt<T>(schema: z.ZodType<T>, value: unknown, runId: string, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRunError(runId, field, { cause: parsed.error });
  return parsed.data;
}

async function insertEvents(
  trx: Transaction<Database>,
  runId: string,
  at: string,
  events: NewEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto("events")
    .values(
      events.map((event) => ({
        run_id: runId,
        at,
        actor: event.actor,
        type: event.type,
        step_id: event.stepId == null ? null : stepIdSchema.parse(event.stepId),
        summary: event.summary,
        detail: JSON.stringify(event.detail ?? {}),
      })),
    )
    .execute();
}

async function insertStepResults(
  trx: Transaction<Database>,
  runId: string,
  createdAt: string,
  results: StepResultInput[],
): Promise<void> {
  if (results.length === 0) return;
  await trx
    .insertInto("step_results")
    .values(
      results.map((result) => ({
        run_id: runId,
        step_id: stepIdSchema.parse(result.stepId),
        status: stepStatusSchema.parse(result.status),
        confidence: confidenceSchema.nullable().parse(result.confidence),
        result: JSON.stringify(result.result),
        actor: result.actor,
        created_at: createdAt,
      })),
    )
    .execute();
}

function isSqliteBusy(error: unknown): boolean {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY (better-sqlite3 error codes).
    error.code.startsWith("SQLITE_BUSY")
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
