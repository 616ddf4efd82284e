// The step machine: which events may change a step's recorded state, and what the state becomes.
// Pure: no I/O, no clock (the caller passes `now`), no framework. Dependencies between steps only inform
// (ARCHITECTURE.md: the admin may look at and work on any step at any time); they never refuse an event.

import { getStep, stepsForFlow, type StepDefinition } from "./catalogue";
import type { CleanupStepId, EnableStepId, StepId } from "./ids";
import {
  CONFIDENCES,
  STEP_STATUSES,
  type Confidence,
  type Finding,
  type Flow,
  type RemediationScript,
  type StepState,
  type StepStatus,
} from "./types";

// ---------------------------------------------------------------------------------------------
// Confidence ordering
// ---------------------------------------------------------------------------------------------

/** Higher is stronger: verified 3, evidence 2, attested 1. Derived from CONFIDENCES, which lists strongest first. */
export function confidenceRank(confidence: Confidence): number {
  return CONFIDENCES.length - CONFIDENCES.indexOf(confidence);
}

/** True when `a` is at least as strong as `b`. */
export function strongerOrEqual(a: Confidence, b: Confidence): boolean {
  return confidenceRank(a) >= confidenceRank(b);
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** What an automatic check reported. `confidence` may be null only for "waiting" (re-check scheduled, nothing read yet). */
export interface VerifiedResult {
  status: "passed" | "failed" | "waiting";
  confidence: Confidence | null;
  findings: Finding[];
  evidence: Record<string, unknown>;
  remediation: RemediationScript[];
}

export type StepEvent =
  | { type: "start" }
  | { type: "verified"; result: VerifiedResult }
  | { type: "attest"; by: string; note?: string }
  | { type: "skip"; reason: string }
  | { type: "unskip" }
  | { type: "reset" }
  | { type: "wait" }
  | { type: "note"; text: string }
  | { type: "assign"; assignee: string | null };

export type StepEventType = StepEvent["type"];

export const STEP_EVENT_TYPES = [
  "start",
  "verified",
  "attest",
  "skip",
  "unskip",
  "reset",
  "wait",
  "note",
  "assign",
] as const satisfies readonly StepEventType[];

export type TransitionResult = { ok: true; state: StepState } | { ok: false; reason: string };

// ---------------------------------------------------------------------------------------------
// The matrix. One row per event; a status not listed is refused with the sentence in REFUSALS.
// Content rules (blank reason, downgrade, contradicting check) are applied on top, in transition().
// ---------------------------------------------------------------------------------------------

const ALL: readonly StepStatus[] = STEP_STATUSES;

export const ALLOWED_FROM: Readonly<Record<StepEventType, readonly StepStatus[]>> = {
  // A failed step may be started again: the person is now working on the fix. Waiting means the change is
  // made already, so the next move is a re-check, not a start.
  start: ["not-started", "failed"],
  // Any live step may be checked, including a passed one (rights can be removed later). A skipped step is out
  // of the run until it is taken up again, so its checks are not recorded.
  verified: ["not-started", "in-progress", "passed", "failed", "waiting"],
  // Attesting a passed step is allowed only to replace another attestation (see the downgrade rule). A failed step
  // always carries a check that found a problem, and a person's word never overrules a check.
  attest: ["not-started", "in-progress", "passed", "waiting"],
  // Skipping a passed step would hide a real result.
  skip: ["not-started", "in-progress", "failed", "waiting"],
  unskip: ["skipped"],
  // Resetting a step that has not started would only add noise to the timeline.
  reset: ["in-progress", "passed", "failed", "waiting", "skipped"],
  wait: ["not-started", "in-progress", "failed"],
  note: ALL,
  assign: ALL,
};

const REFUSALS: Readonly<Record<StepEventType, Partial<Record<StepStatus, string>>>> = {
  start: {
    "in-progress": "This step is already in progress.",
    passed: "This step has already passed. Reset it if you want to do it again.",
    waiting:
      "A change is already made and waiting for a re-check. Check the step again instead of starting it.",
    skipped: "This step is skipped. Take it up again (unskip) before starting it.",
  },
  verified: {
    skipped: "This step is skipped, so check results are not recorded. Take it up again (unskip) first.",
  },
  attest: {
    failed:
      "The last check found a problem, so a confirmation cannot overrule it. Fix what it found and check again, or reset the step to discard that result.",
    skipped: "This step is skipped. Take it up again (unskip) before confirming it.",
  },
  skip: {
    passed:
      "This step has already passed; there is nothing to skip. Reset it first if you really want to skip it.",
    skipped: "This step is already skipped.",
  },
  unskip: {
    "not-started": "Only a skipped step can be taken up again; this one is not skipped.",
    "in-progress": "Only a skipped step can be taken up again; this one is not skipped.",
    passed: "Only a skipped step can be taken up again; this one is not skipped.",
    failed: "Only a skipped step can be taken up again; this one is not skipped.",
    waiting: "Only a skipped step can be taken up again; this one is not skipped.",
  },
  reset: {
    "not-started": "This step has not been started; there is nothing to reset.",
  },
  wait: {
    passed: "This step has already passed; there is nothing to wait for.",
    waiting: "This step is already waiting for a re-check.",
    skipped: "This step is skipped. Take it up again (unskip) first.",
  },
  note: {},
  assign: {},
};

/** The sentence explaining why `type` is refused from `status` by the matrix alone; null when the matrix allows it. */
export function matrixRefusal(type: StepEventType, status: StepStatus): string | null {
  if (ALLOWED_FROM[type].includes(status)) return null;
  return REFUSALS[type][status] ?? `“${type}” is not possible while the step is ${status}.`;
}

// ---------------------------------------------------------------------------------------------
// States
// ---------------------------------------------------------------------------------------------

/** Step states of one run, keyed by step id. Partial: a run holds only its own flow's steps. */
export type FlowStates = Partial<Record<StepId, StepState>>;

export function initialStepState(): StepState {
  return {
    status: "not-started",
    confidence: null,
    findings: [],
    evidence: {},
    remediation: [],
    checkedAt: null,
    attestation: null,
    skipReason: null,
    assignee: null,
    notes: "",
  };
}

/** A fresh state for every step of `flow`, and only those. */
export function initialStepStates(flow: "enable"): Record<EnableStepId, StepState>;
export function initialStepStates(flow: "cleanup"): Record<CleanupStepId, StepState>;
export function initialStepStates(flow: Flow): FlowStates;
export function initialStepStates(flow: Flow): FlowStates {
  const states: FlowStates = {};
  for (const step of stepsForFlow(flow)) states[step.id] = initialStepState();
  return states;
}

/** Drops the verdict of a step but keeps what people wrote on it (notes, assignee). */
function cleared(state: StepState): StepState {
  return { ...initialStepState(), notes: state.notes, assignee: state.assignee };
}

function isValidInstant(now: string): boolean {
  return now.trim() !== "" && !Number.isNaN(Date.parse(now));
}

// ---------------------------------------------------------------------------------------------
// transition
// ---------------------------------------------------------------------------------------------

/**
 * Applies one event to one step. Never throws and never mutates `state`; a refusal carries a sentence for the admin.
 * `now` is an ISO-8601 instant from the server clock, recorded on checks and attestations.
 */
export function transition(state: StepState, event: StepEvent, now: string): TransitionResult {
  const refusal = matrixRefusal(event.type, state.status);
  if (refusal) return { ok: false, reason: refusal };

  switch (event.type) {
    case "start":
      // Findings of a failed check stay visible while the person works on the fix.
      return { ok: true, state: { ...state, status: "in-progress" } };

    case "verified": {
      if (!isValidInstant(now))
        return { ok: false, reason: "The check time is not a valid date; the result was not recorded." };
      const { result } = event;
      if (result.confidence === "attested") {
        return {
          ok: false,
          reason:
            "An automatic check cannot report an attestation; an attestation must name the person who gives it.",
        };
      }
      if (result.status !== "waiting" && result.confidence === null) {
        return {
          ok: false,
          reason: `A ${result.status} result must say how it was established (verified or evidence).`,
        };
      }
      // A weaker pass adds nothing to a stronger one and would hide it; failures and waits are always recorded,
      // because bad news must never be swallowed.
      if (
        result.status === "passed" &&
        result.confidence !== null &&
        state.status === "passed" &&
        state.confidence !== null &&
        !strongerOrEqual(result.confidence, state.confidence)
      ) {
        return {
          ok: false,
          reason: `This step already passed with ${state.confidence} confidence; a pass based on ${result.confidence} would weaken it. Reset the step first if you want to replace that result.`,
        };
      }
      return {
        ok: true,
        state: {
          ...state,
          status: result.status,
          confidence: result.confidence,
          findings: result.findings,
          evidence: result.evidence,
          remediation: result.remediation,
          checkedAt: now,
          // A fresh check supersedes an earlier attestation (the run's history keeps it).
          attestation: null,
          skipReason: null,
        },
      };
    }

    case "attest": {
      if (!isValidInstant(now))
        return { ok: false, reason: "The attestation time is not a valid date; nothing was recorded." };
      const by = event.by.trim();
      if (by === "") return { ok: false, reason: "Enter the name of the person who did this step." };
      // The weakest kind of proof may never overrule a stronger one: not a stronger pass (downgrade), and not a
      // check that is waiting for replication (contradiction). Failed steps are refused by the matrix already.
      if (state.confidence !== null && state.confidence !== "attested") {
        if (state.status === "passed") {
          return {
            ok: false,
            reason: `This step already passed with ${state.confidence} confidence; an attestation would weaken that result.`,
          };
        }
        if (state.status === "waiting") {
          return {
            ok: false,
            reason: `The last check (${state.confidence}) is waiting for the change to arrive, so a confirmation cannot overrule it. Check again later, or reset the step to discard that result.`,
          };
        }
      }
      const note = event.note?.trim();
      return {
        ok: true,
        state: {
          ...state,
          status: "passed",
          confidence: "attested",
          // Findings belonged to the previous verdict; an attestation makes none.
          findings: [],
          remediation: [],
          checkedAt: now,
          attestation: note ? { by, note, at: now } : { by, at: now },
          skipReason: null,
        },
      };
    }

    case "skip": {
      const reason = event.reason.trim();
      if (reason === "") return { ok: false, reason: "Give a reason for skipping this step." };
      // Findings and evidence stay so the run shows what was known when the step was set aside.
      return {
        ok: true,
        state: { ...state, status: "skipped", confidence: null, attestation: null, skipReason: reason },
      };
    }

    case "unskip":
    case "reset":
      return { ok: true, state: cleared(state) };

    case "wait":
      // Only the status changes: the last check's findings and confidence still describe what is known.
      return { ok: true, state: { ...state, status: "waiting" } };

    case "note":
      return { ok: true, state: { ...state, notes: event.text } };

    case "assign": {
      const assignee = event.assignee?.trim() ?? "";
      return { ok: true, state: { ...state, assignee: assignee === "" ? null : assignee } };
    }
  }
}

/** Shortest skip reason accepted for a step that is not optional: skipping it leaves the run incomplete. */
export const MIN_REQUIRED_SKIP_REASON = 20;

/**
 * transition() plus the rules that depend on the step's catalogue entry:
 * - a check or attestation may only use a kind of proof the step lists (a weaker level only where no stronger exists);
 * - skipping a required step needs a real explanation, not a word.
 */
export function transitionStep(
  id: StepId,
  state: StepState,
  event: StepEvent,
  now: string,
): TransitionResult {
  const step: StepDefinition = getStep(id);
  const kinds = step.verification.kinds;
  if (event.type === "attest" && !kinds.includes("attested")) {
    return {
      ok: false,
      reason: `“${step.title}” can only be established by the wizard's own checks (${kinds.join(", ")}); a confirmation by name is not accepted for it.`,
    };
  }
  if (
    event.type === "verified" &&
    event.result.confidence !== null &&
    !kinds.includes(event.result.confidence)
  ) {
    return {
      ok: false,
      reason: `“${step.title}” cannot be established by ${event.result.confidence}; it accepts ${kinds.join(", ")}.`,
    };
  }
  // Matrix refusals and a blank reason keep transition()'s own wording; only a short but present reason is ours.
  const generic = transition(state, event, now);
  if (!generic.ok) return generic;
  if (event.type === "skip" && !step.optional && event.reason.trim().length < MIN_REQUIRED_SKIP_REASON) {
    return {
      ok: false,
      reason: `“${step.title}” is required, so the run stays incomplete without it. Explain in at least ${MIN_REQUIRED_SKIP_REASON} characters why you skip it.`,
    };
  }
  return generic;
}

// ---------------------------------------------------------------------------------------------
// Dependencies and progress
// ---------------------------------------------------------------------------------------------

export interface Blocker {
  stepId: StepId;
  title: string;
  status: StepStatus;
}

/** A dependency is met once it is passed or deliberately skipped. */
function isDone(status: StepStatus): boolean {
  return status === "passed" || status === "skipped";
}

function statusOf(states: FlowStates, id: StepId): StepStatus {
  return states[id]?.status ?? "not-started";
}

/** Unmet dependencies of step `id`, in catalogue order. Informative only: nothing is locked by them. */
export function blockers(states: FlowStates, id: StepId): Blocker[] {
  return getStep(id)
    .dependsOn.filter((dep) => !isDone(statusOf(states, dep)))
    .map((dep) => ({ stepId: dep, title: getStep(dep).title, status: statusOf(states, dep) }));
}

function quoteList(titles: readonly string[]): string {
  const quoted = titles.map((t) => `“${t}”`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

export type CanStart = { ok: true } | { ok: false; reason: string; blockers: Blocker[] };

/** Whether it makes sense to start step `id` now: its own status allows it and its dependencies are done. */
export function canStart(states: FlowStates, id: StepId): CanStart {
  const own = matrixRefusal("start", statusOf(states, id));
  if (own) return { ok: false, reason: own, blockers: [] };
  const open = blockers(states, id);
  if (open.length === 0) return { ok: true };
  return {
    ok: false,
    reason: `Cannot start yet: waiting for ${quoteList(open.map((b) => b.title))}.`,
    blockers: open,
  };
}

export interface RunProgress {
  flow: Flow;
  total: number;
  counts: Record<StepStatus, number>;
  /** Every required step passed, and every optional step passed or skipped. */
  complete: boolean;
  /** First step in flow order that is not done and whose dependencies are done; null when nothing is left. */
  nextStepId: StepId | null;
  /** Required steps that are skipped: each one keeps the run from being complete. */
  skippedRequired: StepId[];
}

export function runProgress(flow: Flow, states: FlowStates): RunProgress {
  const steps = stepsForFlow(flow);
  const counts = Object.fromEntries(STEP_STATUSES.map((s) => [s, 0])) as Record<StepStatus, number>;
  let complete = true;
  let nextStepId: StepId | null = null;
  const skippedRequired: StepId[] = [];
  for (const step of steps) {
    const status = statusOf(states, step.id);
    counts[status] += 1;
    if (step.optional ? !isDone(status) : status !== "passed") complete = false;
    if (!step.optional && status === "skipped") skippedRequired.push(step.id);
    if (nextStepId === null && !isDone(status) && blockers(states, step.id).length === 0)
      nextStepId = step.id;
  }
  return { flow, total: steps.length, counts, complete, nextStepId, skippedRequired };
}

/** A step as the run page names it: its number in the flow, its title, and whom it is assigned to. */
export interface StepRef {
  id: StepId;
  number: number;
  title: string;
  status: StepStatus;
  assignee: string | null;
}

/**
 * The one thing the run page puts first, so nobody has to read the whole list to know what to do:
 * - `next`: the first step in flow order that is not done and whose earlier steps are done. It may have failed its
 *   last check or be waiting for a re-check (its `status` says which); `alsoFailed` lists the other steps whose last
 *   check failed, so a failure further down is not hidden behind it;
 * - `skipped`: nothing is left to do, but required steps were skipped, so the run is not complete;
 * - `complete`: every required step passed, every optional one passed or was skipped.
 */
export type RunGuidance =
  | { kind: "next"; step: StepRef; alsoFailed: StepRef[] }
  | { kind: "skipped"; steps: StepRef[] }
  | { kind: "complete" };

export function runGuidance(flow: Flow, states: FlowStates): RunGuidance {
  const refs = stepsForFlow(flow).map((step, index): StepRef => ({
    id: step.id,
    number: index + 1,
    title: step.title,
    status: statusOf(states, step.id),
    assignee: states[step.id]?.assignee ?? null,
  }));
  const progress = runProgress(flow, states);
  const next = refs.find((ref) => ref.id === progress.nextStepId);
  if (next) {
    const alsoFailed = refs.filter((ref) => ref.status === "failed" && ref.id !== next.id);
    return { kind: "next", step: next, alsoFailed };
  }
  if (progress.complete) return { kind: "complete" };
  return { kind: "skipped", steps: refs.filter((ref) => progress.skippedRequired.includes(ref.id)) };
}
