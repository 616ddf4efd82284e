import "server-only";
import { initialStepStates } from "@/lib/steps/machine";
import { type StepId } from "@/lib/steps/ids";
import { getStep } from "@/lib/steps/catalogue";
import {
  applyRunChanges,
  applyVerification,
  type ChangeOutcome,
  type RunChange,
  type RunDraft,
  type VerificationInput,
} from "@/lib/steps/run-changes";
import { runVerifier, VERIFIERS } from "@/lib/steps/verifiers";
import { type Flow } from "@/lib/steps/types";
import { ApiError } from "./api-error";
import { getDatabase } from "./db";
import { appMode, env } from "./env";
import { buildVerifyContext } from "./verify-context";
import { RunsRepository, type RunEvent, type RunRecord } from "./runs-repository";
import { actorName, type Session } from "./session";

// The use cases behind the runs and verify routes. Routes parse and authenticate; the rules live in lib/steps.

let repository: Promise<RunsRepository> | undefined;

export function getRepository(): Promise<RunsRepository> {
  let current = repository;
  if (!current) {
    const opening = getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE }).then(
      ({ db }) => new RunsRepository(db),
    );
    repository = current = opening;
    // A failed open is not remembered: the next request tries again.
    opening.catch(() => {
      if (repository === opening) repository = undefined;
    });
  }
  return current;
}

export interface RunView {
  id: string;
  flow: Flow;
  mode: "sandbox" | "live";
  title: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  steps: RunRecord["steps"];
  events: RunEvent[];
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

export async function createRun(session: Session, flow: Flow): Promise<RunView> {
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

/** A run the session may see; other people's runs are indistinguishable from missing ones. */
export async function loadRun(session: Session, id: string): Promise<RunView> {
  const repo = await getRepository();
  const run = await repo.get(id);
  if (!run || run.ownerId !== session.id) {
    throw new ApiError("not-found", `There is no run with id “${id}” (or it belongs to someone else).`);
  }
  return toView(run, await repo.events(run.id));
}

export async function listRuns(session: Session, limit = 20): Promise<RunView[]> {
  const repo = await getRepository();
  const runs = await repo.listByOwner(session.id, { limit });
  return runs.map((run) => toView(run, []));
}

async function staleError(repo: RunsRepository, current: RunRecord): Promise<ApiError> {
  return new ApiError(
    "stale-version",
    `This run changed elsewhere (it is now at version ${current.version}). Review the current state and apply your change again.`,
    { current: toView(current, await repo.events(current.id)) },
    { etag: etagFor(current.version) },
  );
}

async function commit(
  session: Session,
  id: string,
  expectedVersion: number | undefined,
  decide: (draft: RunDraft, run: RunRecord) => ChangeOutcome,
  stepResult?: (
    run: RunRecord,
    draft: RunDraft,
  ) => { stepId: StepId; result: Record<string, unknown> } | null,
): Promise<RunView> {
  const repo = await getRepository();
  // Without an expected version the caller accepts "whatever is current": retry a few times on a race.
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = await repo.get(id);
    if (!run || run.ownerId !== session.id) {
      throw new ApiError("not-found", `There is no run with id “${id}” (or it belongs to someone else).`);
    }
    if (expectedVersion !== undefined && run.version !== expectedVersion) throw await staleError(repo, run);
    const outcome = await repo.update(run.id, expectedVersion ?? run.version, (fresh) => {
      const decided = decide({ title: fresh.title, steps: fresh.steps }, fresh);
      if (!decided.ok)
        throw new ApiError("conflict", decided.message, decided.stepId ? { stepId: decided.stepId } : {});
      const record = stepResult?.(fresh, decided.draft) ?? null;
      const stepState = record ? decided.draft.steps[record.stepId] : undefined;
      return {
        steps: decided.draft.steps,
        title: decided.draft.title,
        events: decided.events,
        stepResults:
          record && stepState
            ? [
                {
                  stepId: record.stepId,
                  status: stepState.status,
                  confidence: stepState.confidence,
                  result: record.result,
                  actor: actorName(session),
                },
              ]
            : [],
      };
    });
    if (outcome.ok) return toView(outcome.run, await repo.events(outcome.run.id));
    if (outcome.reason === "not-found") {
      throw new ApiError("not-found", `There is no run with id “${id}”.`);
    }
    if (expectedVersion !== undefined) throw await staleError(repo, outcome.current);
  }
  throw new ApiError(
    "conflict",
    "The run is being changed by someone else right now. Try again in a moment.",
  );
}

export function patchRun(session: Session, id: string, expectedVersion: number, changes: RunChange[]) {
  const now = new Date().toISOString();
  return commit(session, id, expectedVersion, (draft) =>
    applyRunChanges(draft, changes, actorName(session), now),
  );
}

export interface VerifyRequest {
  runId: string;
  expectedVersion?: number;
  attestation?: { by: string; note?: string };
}

export async function verifyStep(session: Session, stepId: StepId, request: VerifyRequest) {
  const step = getStep(stepId);
  const before = await loadRun(session, request.runId);
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
  let findings: {
    code: string;
    message: string;
    target?: string;
    severity?: "error" | "warning" | "info";
  }[] = [];
  if (request.attestation) {
    input = { kind: "attest", by: request.attestation.by, note: request.attestation.note };
  } else {
    const context = await buildVerifyContext({ id: before.id, flow: before.flow, mode: before.mode }, now);
    const outcome = await runVerifier(VERIFIERS[stepId], context);
    if (outcome.kind === "checked") input = { kind: "checked", result: outcome.result };
    else {
      input = { kind: "unchecked" };
      findings = outcome.findings;
    }
  }

  const view = await commit(
    session,
    request.runId,
    request.expectedVersion,
    (draft) => applyVerification(draft, stepId, input, actorName(session), now.toISOString()),
    (_run, draft) =>
      input.kind === "unchecked"
        ? null
        : {
            stepId,
            result: { ...(draft.steps[stepId] ?? {}), attestation: draft.steps[stepId]?.attestation ?? null },
          },
  );
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
