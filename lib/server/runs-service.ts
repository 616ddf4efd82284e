import "server-only";
import { initialStepStates } from "@/lib/steps/machine";
import { type StepId } from "@/lib/steps/ids";
import { getStep } from "@/lib/steps/catalogue";
import { formatDateTime } from "@/lib/format";
import {
  applyRunChanges,
  applyVerification,
  type ChangeOutcome,
  type RunChange,
  type RunDraft,
  type TimelineEvent,
  type VerificationInput,
} from "@/lib/steps/run-changes";
import { runVerifier, VERIFIERS } from "@/lib/verify/run-verifier";
import { type Flow } from "@/lib/steps/types";
import { type RunView, type VerifyBody, type VerifyResponse } from "@/lib/contract/runs";
import { type Transaction } from "kysely";
import { type RunAccess, type RunRole, requireRole, resolveRunAccess, toPrincipal, type Who } from "./access";
import { ApiError } from "./api-error";
import { type Database } from "./db/schema";
import { appMode } from "./env";
import { type TenantAccess } from "./tenant-access";
import { buildVerifyContext, checkingRun } from "./verify-context";
import { type NewEvent, type RunsRepository, type RunEvent, type RunRecord } from "./runs-repository";
import { lostLinkFor, lostLinkMessage } from "./lost-link";
import { actorName } from "./session";
import { getStores } from "./stores";

// The use cases behind the runs and verify routes. Routes parse and authenticate; the rules live in lib/steps.

export function getRepository(): Promise<RunsRepository> {
  return getStores().then((stores) => stores.runs);
}

export function toView(run: RunRecord, events: RunEvent[]): RunView {
  return {
    id: run.id,
    flow: run.flow,
    mode: run.mode,
    title: run.title,
    version: run.version,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    steps: run.steps,
    events,
  };
}

export function etagFor(version: number): string {
  return `"v${version}"`;
}

/** Parses If-Match: `"v3"` (our ETag) or a bare version number. */
export function parseIfMatch(header: string | null): number {
  if (!header) {
    throw new ApiError(
      "precondition-required",
      "Send If-Match with the run's ETag (from GET /api/runs/<id>) so that a concurrent change is not overwritten.",
    );
  }
  const match = /^(?:W\/)?"?v?(\d{1,9})"?$/.exec(header.trim());
  if (!match?.[1])
    throw new ApiError("bad-request", `If-Match "${header}" is not a run version such as "v3".`);
  return Number(match[1]);
}

const DEFAULT_TITLES: Record<Flow, string> = {
  enable: "Enable password writeback",
  cleanup: "Clean up password writeback",
};

export async function createRun(who: Who, flow: Flow): Promise<RunView> {
  const { session } = toPrincipal(who);
  const repo = await getRepository();
  const run = await repo.create({
    flow,
    mode: appMode(),
    ownerId: session.id,
    title: DEFAULT_TITLES[flow],
    steps: initialStepStates(flow),
    actor: actorName(session),
  });
  return toView(run, await repo.events(run.id));
}

function notFound(id: string): ApiError {
  return new ApiError("not-found", `There is no run with id “${id}” (or it belongs to someone else).`);
}

/**
 * A run and what the caller may do with it. No access at all is indistinguishable from a missing run (404);
 * access that is too weak for `need` is a 403.
 */
export async function loadRunAs(
  who: Who,
  id: string,
  need: RunRole = "view",
): Promise<{ view: RunView; access: RunAccess; record: RunRecord }> {
  const { record, access } = await authorizeRun(who, id, need);
  const repo = await getRepository();
  return { view: toView(record, await repo.events(record.id)), access, record };
}

/** The run's row and the caller's access to it, without its timeline: enough to answer a conditional GET. */
export async function authorizeRun(
  who: Who,
  id: string,
  need: RunRole = "view",
): Promise<{ access: RunAccess; record: RunRecord }> {
  const repo = await getRepository();
  const run = await repo.get(id);
  const access = run ? await resolveRunAccess(who, run) : null;
  if (!run) throw notFound(id);
  if (!access) {
    const lost = await lostLinkFor(who, id);
    if (!lost) throw notFound(id);
    throw new ApiError("not-found", lostLinkMessage(lost, formatDateTime), { lostLink: lost });
  }
  requireRole(access, need);
  return { access, record: run };
}

/** Events a GET of the run returns by default, and at most. */
export const EVENT_PAGE_DEFAULT = 200;
export const EVENT_PAGE_MAX = 500;

/** The run with one page of its timeline: the latest `limit` events before event `before` (or the latest). */
export async function runViewPage(
  record: RunRecord,
  page: { limit?: number; before?: number } = {},
): Promise<RunView> {
  const repo = await getRepository();
  const limit = page.limit ?? EVENT_PAGE_DEFAULT;
  // One more than asked tells whether an older page exists.
  const events = await repo.events(record.id, { limit: limit + 1, before: page.before });
  const view = toView(record, events.slice(-limit));
  if (events.length > limit && view.events[0]) view.olderEventsBefore = view.events[0].id;
  return view;
}

/** A run the caller may see (owner or a live share link); others' runs are indistinguishable from missing ones. */
export async function loadRun(who: Who, id: string, need: RunRole = "view"): Promise<RunView> {
  return (await loadRunAs(who, id, need)).view;
}

/** Runs this session owns; runs shared with it are not listed here. */
export async function listRuns(who: Who, limit = 20): Promise<RunView[]> {
  const { session } = toPrincipal(who);
  const repo = await getRepository();
  const runs = await repo.listByOwner(session.id, { limit });
  return runs.map((run) => toView(run, []));
}

async function staleError(repo: RunsRepository, current: RunRecord): Promise<ApiError> {
  return new ApiError(
    "stale-version",
    `This run changed elsewhere (it is now at version ${current.version}). Review the current state and apply your change again.`,
    { current: await runViewPage(current) },
    { etag: etagFor(current.version) },
  );
}

export interface StepResultRecordInput {
  stepId: StepId;
  result: Record<string, unknown>;
}

export interface CommitPlan {
  /** The weakest role allowed to make this change. */
  need: RunRole;
  /** The version the caller saw; undefined accepts whatever is current (and retries a lost race). */
  expectedVersion?: number;
  decide(draft: RunDraft, run: RunRecord, access: RunAccess): ChangeOutcome;
  /** Step results to keep in the history, read from the decided draft. */
  stepResults?(run: RunRecord, draft: RunDraft): StepResultRecordInput[];
  /** Writes that must land in the same transaction (a share link row). */
  within?(trx: Transaction<Database>): Promise<void>;
}

/** Applies one decided change to a run the caller may change, under optimistic concurrency. */
export async function commitRunChange(
  who: Who,
  id: string,
  plan: CommitPlan,
): Promise<{ view: RunView; access: RunAccess }> {
  const repo = await getRepository();
  const { expectedVersion } = plan;
  // Without an expected version the caller accepts "whatever is current": retry a few times on a race.
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = await repo.get(id);
    // Access is decided on every attempt, so a link revoked meanwhile stops the write.
    const access = run ? await resolveRunAccess(who, run) : null;
    if (!run || !access) throw notFound(id);
    requireRole(access, plan.need);
    if (expectedVersion !== undefined && run.version !== expectedVersion) throw await staleError(repo, run);
    const outcome = await repo.update(run.id, expectedVersion ?? run.version, (fresh) => {
      const decided = plan.decide({ title: fresh.title, steps: fresh.steps }, fresh, access);
      if (!decided.ok)
        throw new ApiError("conflict", decided.message, decided.stepId ? { stepId: decided.stepId } : {});
      const records = plan.stepResults?.(fresh, decided.draft) ?? [];
      return {
        steps: decided.draft.steps,
        title: decided.draft.title,
        events: decided.events,
        stepResults: records.flatMap((record) => {
          const stepState = decided.draft.steps[record.stepId];
          return stepState
            ? [
                {
                  stepId: record.stepId,
                  status: stepState.status,
                  confidence: stepState.confidence,
                  result: record.result,
                  actor: access.actor,
                },
              ]
            : [];
        }),
        within: plan.within,
      };
    });
    if (outcome.ok) return { view: toView(outcome.run, await repo.events(outcome.run.id)), access };
    if (outcome.reason === "not-found") throw notFound(id);
    if (expectedVersion !== undefined) throw await staleError(repo, outcome.current);
  }
  throw new ApiError(
    "conflict",
    "The run is being changed by someone else right now. Try again in a moment.",
  );
}

/**
 * Appends timeline events that are nobody's change to the run (a sandbox control, uploaded evidence), with
 * `within` in the same transaction. No access check: the caller has established why the event exists.
 * The version moves on, so pollers holding the old ETag see the new events.
 */
export async function recordRunEvents(
  runId: string,
  events: NewEvent[],
  within?: (trx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  const repo = await getRepository();
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = await repo.get(runId);
    if (!run) return;
    const outcome = await repo.update(run.id, run.version, () => ({ events, within }));
    if (outcome.ok || outcome.reason === "not-found") return;
  }
  throw new ApiError(
    "conflict",
    "The run is being changed by someone else right now. Try again in a moment.",
  );
}

export async function patchRun(
  who: Who,
  id: string,
  expectedVersion: number,
  changes: RunChange[],
): Promise<RunView> {
  const now = new Date().toISOString();
  const { view } = await commitRunChange(who, id, {
    need: "edit",
    expectedVersion,
    decide: (draft, _run, access) => applyRunChanges(draft, changes, access.actor, now),
  });
  return view;
}

/** `tenant`: the request's tenant access (null: no token, or an attestation, which reads nothing). */
export async function verifyStep(
  who: Who,
  stepId: StepId,
  request: VerifyBody,
  tenant: TenantAccess | null,
  /** Timeline entries of the action that asked for this check (a fix), committed with it, before its own. */
  leadingEvents?: (actor: string) => TimelineEvent[],
): Promise<VerifyResponse> {
  const step = getStep(stepId);
  // Edit rights are checked before any verifier reads a directory or tenant on the caller's behalf.
  const before = await loadRun(who, request.runId, "edit");
  if (before.flow !== step.flow) {
    throw new ApiError(
      "not-found",
      `Step “${stepId}” belongs to the ${step.flow === "enable" ? "enable" : "clean-up"} flow; run ${before.id} is a${
        before.flow === "enable" ? "n enable" : " clean-up"
      } run.`,
    );
  }
  const now = new Date();
  let input: VerificationInput;
  let findings: VerifyResponse["findings"] = [];
  if (request.attestation) {
    input = { kind: "attest", by: request.attestation.by, note: request.attestation.note };
  } else {
    const outcome = await checkingRun(before, async () =>
      runVerifier(VERIFIERS[stepId], await buildVerifyContext(before, tenant, now)),
    );
    if (outcome.kind === "checked") input = { kind: "checked", result: outcome.result };
    else {
      input = { kind: "unchecked" };
      findings = outcome.findings;
    }
  }

  const { view } = await commitRunChange(who, request.runId, {
    need: "edit",
    expectedVersion: request.expectedVersion,
    decide: (draft, _run, access) => {
      const decided = applyVerification(draft, stepId, input, access.actor, now.toISOString());
      return decided.ok && leadingEvents
        ? { ...decided, events: [...leadingEvents(access.actor), ...decided.events] }
        : decided;
    },
    stepResults: (_run, draft) =>
      input.kind === "unchecked"
        ? []
        : [
            {
              stepId,
              result: {
                ...(draft.steps[stepId] ?? {}),
                attestation: draft.steps[stepId]?.attestation ?? null,
              },
            },
          ],
  });
  const state = view.steps[stepId];
  if (!state) throw new ApiError("internal", "The step vanished from the run.");
  return {
    stepId,
    status: state.status,
    confidence: state.confidence,
    findings: input.kind === "unchecked" ? findings : state.findings,
    evidence: state.evidence,
    remediation: state.remediation,
    checkedAt: state.checkedAt ?? now.toISOString(),
    version: view.version,
    run: view,
  };
}
