import { getStep, stepsForFlow } from "./catalogue";
import { type StepId } from "./ids";
import { applyVerification, type RunDraft, type TimelineEvent } from "./run-changes";
import { type Confidence, type Finding, type Flow, type StepStatus } from "./types";
import { type VerifierOutcome } from "./types";

// Drift: re-run every step's verifier on a run and say, per step, what differs from what was recorded.
// Pure and generic over the verifier contract: a step whose sources cannot judge keeps its result and says
// so, and as directory and tenant sources arrive the same code starts reporting real changes.

export interface StepSnapshot {
  status: StepStatus;
  confidence: Confidence | null;
  findings: Finding[];
}

export type DriftOutcome =
  /** A source judged the step and the result was recorded. */
  | "checked"
  /** A source judged the step, but the step machine refused to record it (skipped step, weaker pass). */
  | "not-recorded"
  /** No source could judge; the recorded result stands. */
  | "no-automatic-check";

export interface StepDrift {
  stepId: StepId;
  title: string;
  outcome: DriftOutcome;
  /** Why a result was not recorded, when it was not. */
  note: string | null;
  before: StepSnapshot;
  /** What the check saw; equal to `before` when nothing could check. */
  after: StepSnapshot;
  changed: boolean;
  appeared: Finding[];
  disappeared: Finding[];
}

export interface DriftReport {
  checkedAt: string;
  steps: StepDrift[];
  changed: number;
  checked: number;
  unchecked: number;
}

/** Two findings are the same finding when code and target agree; the wording may change between versions. */
export function findingKey(finding: Finding): string {
  return `${finding.code}\u0000${finding.target ?? ""}`;
}

export function diffFindings(
  before: readonly Finding[],
  after: readonly Finding[],
): { appeared: Finding[]; disappeared: Finding[] } {
  const had = new Set(before.map(findingKey));
  const has = new Set(after.map(findingKey));
  return {
    appeared: after.filter((finding) => !had.has(findingKey(finding))),
    disappeared: before.filter((finding) => !has.has(findingKey(finding))),
  };
}

function snapshot(state: { status: StepStatus; confidence: Confidence | null; findings: Finding[] }) {
  return { status: state.status, confidence: state.confidence, findings: state.findings };
}

export function describeDrift(step: StepDrift): StepDrift {
  const { appeared, disappeared } = diffFindings(step.before.findings, step.after.findings);
  const changed =
    step.before.status !== step.after.status ||
    step.before.confidence !== step.after.confidence ||
    appeared.length > 0 ||
    disappeared.length > 0;
  return { ...step, appeared, disappeared, changed };
}

/**
 * Applies fresh verifier outcomes to every step of the run's flow. Never refuses as a whole: a step the
 * machine will not update keeps its state and the report says why.
 */
export function applyReverification(
  run: RunDraft,
  flow: Flow,
  outcomes: Partial<Record<StepId, VerifierOutcome>>,
  actor: string,
  now: string,
): { ok: true; draft: RunDraft; events: TimelineEvent[]; report: DriftReport; recorded: StepId[] } {
  let draft: RunDraft = { title: run.title, steps: { ...run.steps } };
  const steps: StepDrift[] = [];
  const recorded: StepId[] = [];
  for (const step of stepsForFlow(flow)) {
    const before = draft.steps[step.id];
    if (!before) continue;
    const outcome = outcomes[step.id];
    const base = { stepId: step.id, title: step.title, before: snapshot(before) };
    if (!outcome || outcome.kind === "needs-attestation") {
      steps.push(
        describeDrift({
          ...base,
          outcome: "no-automatic-check",
          note: "No automatic check could judge this step; its recorded result stands.",
          after: snapshot(before),
          changed: false,
          appeared: [],
          disappeared: [],
        }),
      );
      continue;
    }
    const seen = {
      status: outcome.result.status,
      confidence: outcome.result.confidence,
      findings: outcome.result.findings,
    };
    const applied = applyVerification(
      draft,
      step.id,
      { kind: "checked", result: outcome.result },
      actor,
      now,
    );
    if (applied.ok) {
      draft = applied.draft;
      recorded.push(step.id);
    }
    steps.push(
      describeDrift({
        ...base,
        outcome: applied.ok ? "checked" : "not-recorded",
        note: applied.ok ? null : applied.message,
        after: seen,
        changed: false,
        appeared: [],
        disappeared: [],
      }),
    );
  }
  const report: DriftReport = {
    checkedAt: now,
    steps,
    changed: steps.filter((s) => s.changed).length,
    checked: steps.filter((s) => s.outcome !== "no-automatic-check").length,
    unchecked: steps.filter((s) => s.outcome === "no-automatic-check").length,
  };
  const changedTitles = steps.filter((s) => s.changed).map((s) => `“${s.title}”`);
  const summary =
    report.checked === 0
      ? `Re-verified every step: none could be checked automatically, so every recorded result stands`
      : report.changed === 0
        ? `Re-verified every step: nothing changed (${report.checked} checked, ${report.unchecked} not checkable automatically)`
        : `Re-verified every step: ${report.changed} changed — ${changedTitles.join(", ")}`;
  return {
    ok: true,
    draft,
    recorded,
    report,
    events: [
      {
        actor,
        type: "reverified",
        stepId: null,
        summary,
        detail: { drift: compactDrift(report) },
      },
    ],
  };
}

/** What the timeline keeps of a drift report: enough to show it again, no evidence payloads. */
export function compactDrift(report: DriftReport) {
  return {
    checkedAt: report.checkedAt,
    changed: report.changed,
    checked: report.checked,
    unchecked: report.unchecked,
    steps: report.steps.map((s) => ({
      stepId: s.stepId,
      outcome: s.outcome,
      changed: s.changed,
      before: { status: s.before.status, confidence: s.before.confidence },
      after: { status: s.after.status, confidence: s.after.confidence },
      appeared: s.appeared.map((f) => ({ code: f.code, target: f.target ?? null })),
      disappeared: s.disappeared.map((f) => ({ code: f.code, target: f.target ?? null })),
    })),
  };
}

export function stepTitleOf(stepId: StepId): string {
  return getStep(stepId).title;
}
