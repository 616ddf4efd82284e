import { getStep } from "./catalogue";
import { type StepId } from "./ids";
import { transitionStep, type StepEvent } from "./machine";
import { type StepState } from "./types";
import { type AutomaticResult } from "./types";

// What a person can change on a run, as data: validated at the edge (runChangeSchema in ./schema, server only),
// applied here as a pure function that either produces the new step states plus timeline events, or refuses with a
// reason. The type is written out rather than inferred from the schema so that the browser, which sends these
// changes, never imports zod; the schema is typed against it and lib/contract/contract.test.ts checks they agree.

export type RunChange =
  | { op: "rename"; title: string }
  | { op: "note"; stepId: StepId; text: string }
  | { op: "skip"; stepId: StepId; reason: string }
  | { op: "unskip"; stepId: StepId }
  | { op: "assign"; stepId: StepId; assignee: string | null }
  | { op: "reset"; stepId: StepId };

export interface TimelineEvent {
  actor: string;
  type: string;
  stepId: StepId | null;
  summary: string;
  detail?: Record<string, unknown>;
}

export interface RunDraft {
  title: string;
  steps: Partial<Record<StepId, StepState>>;
}

export type ChangeOutcome =
  | { ok: true; draft: RunDraft; events: TimelineEvent[] }
  | { ok: false; stepId: StepId | null; message: string };

function stepTitle(stepId: StepId): string {
  return getStep(stepId).title;
}

function applyToStep(
  draft: RunDraft,
  stepId: StepId,
  event: StepEvent,
  now: string,
): { ok: true; state: StepState } | { ok: false; message: string } {
  const current = draft.steps[stepId];
  if (!current) return { ok: false, message: `This run has no step “${stepId}”.` };
  const next = transitionStep(stepId, current, event, now);
  if (!next.ok) return { ok: false, message: next.reason };
  draft.steps = { ...draft.steps, [stepId]: next.state };
  return { ok: true, state: next.state };
}

function describe(
  change: RunChange,
): { event: StepEvent; type: string; summary: (title: string) => string } | null {
  switch (change.op) {
    case "rename":
      return null;
    case "note":
      return {
        event: { type: "note", text: change.text },
        type: "note",
        summary: (t) => `Updated the notes of “${t}”`,
      };
    case "skip":
      return {
        event: { type: "skip", reason: change.reason },
        type: "skipped",
        summary: (t) => `Skipped “${t}”: ${change.reason}`,
      };
    case "unskip":
      return { event: { type: "unskip" }, type: "unskipped", summary: (t) => `Took “${t}” up again` };
    case "assign":
      return {
        event: { type: "assign", assignee: change.assignee },
        type: "assigned",
        summary: (t) => (change.assignee ? `Assigned “${t}” to ${change.assignee}` : `Unassigned “${t}”`),
      };
    case "reset":
      return { event: { type: "reset" }, type: "reset", summary: (t) => `Reset “${t}” to not started` };
  }
}

/** Applies every change or none: the first refused change refuses the whole batch. */
export function applyRunChanges(
  run: RunDraft,
  changes: RunChange[],
  actor: string,
  now: string,
): ChangeOutcome {
  const draft: RunDraft = { title: run.title, steps: { ...run.steps } };
  const events: TimelineEvent[] = [];
  for (const change of changes) {
    if (change.op === "rename") {
      draft.title = change.title;
      events.push({ actor, type: "renamed", stepId: null, summary: `Renamed the run to “${change.title}”` });
      continue;
    }
    const plan = describe(change);
    if (!plan) continue;
    const applied = applyToStep(draft, change.stepId, plan.event, now);
    if (!applied.ok) return { ok: false, stepId: change.stepId, message: applied.message };
    events.push({
      actor,
      type: plan.type,
      stepId: change.stepId,
      summary: plan.summary(stepTitle(change.stepId)),
    });
  }
  return { ok: true, draft, events };
}

export type VerificationInput =
  | { kind: "attest"; by: string; note?: string }
  | { kind: "checked"; result: AutomaticResult }
  | { kind: "unchecked" };

/** Records a verification or attestation on one step. */
export function applyVerification(
  run: RunDraft,
  stepId: StepId,
  input: VerificationInput,
  actor: string,
  now: string,
): ChangeOutcome {
  const draft: RunDraft = { title: run.title, steps: { ...run.steps } };
  const title = stepTitle(stepId);
  const current = draft.steps[stepId];
  if (!current) return { ok: false, stepId, message: `This run has no step “${stepId}”.` };

  if (input.kind === "attest") {
    const applied = applyToStep(draft, stepId, { type: "attest", by: input.by, note: input.note }, now);
    if (!applied.ok) return { ok: false, stepId, message: applied.message };
    return {
      ok: true,
      draft,
      events: [
        {
          actor,
          type: "attested",
          stepId,
          summary: `${input.by} confirmed “${title}” was done${input.note ? `: ${input.note}` : ""}`,
          detail: { by: input.by },
        },
      ],
    };
  }

  if (input.kind === "unchecked") {
    // Looking at a step and asking for a check starts it, nothing more.
    if (current.status !== "not-started") return { ok: true, draft, events: [] };
    const applied = applyToStep(draft, stepId, { type: "start" }, now);
    if (!applied.ok) return { ok: false, stepId, message: applied.message };
    return { ok: true, draft, events: [{ actor, type: "started", stepId, summary: `Started “${title}”` }] };
  }

  if (current.status === "not-started") {
    const started = applyToStep(draft, stepId, { type: "start" }, now);
    if (!started.ok) return { ok: false, stepId, message: started.message };
  }
  const applied = applyToStep(draft, stepId, { type: "verified", result: input.result }, now);
  if (!applied.ok) return { ok: false, stepId, message: applied.message };
  return {
    ok: true,
    draft,
    events: [
      {
        actor,
        type: "verified",
        stepId,
        summary: `Checked “${title}”: ${input.result.status} (${input.result.confidence}), ${input.result.findings.length} finding(s)`,
        detail: { status: input.result.status, confidence: input.result.confidence },
      },
    ],
  };
}
