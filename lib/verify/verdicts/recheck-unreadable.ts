// What a scheduled re-check does when no source could read the system at all (the DC is down, the credential
// expired, the uploaded snapshot was removed): it cannot say whether the change replicated. Before the one-hour
// window closes the step keeps waiting, moves on to the next time on the schedule and says why the last attempt
// read nothing; once the window has closed it stops waiting and fails on the last reading it had, saying that the
// wizard could not confirm the change, so a step never waits forever for a directory it cannot reach. Pure.

import { type AutomaticResult } from "@/lib/steps/types";
import { type Finding, type StepState } from "@/lib/steps/types";
import { nextRecheck, type RecheckSchedule } from "./directory";

export const RECHECK_UNREADABLE = "recheck-unreadable";

type Evidence = Record<string, unknown>;

/** Where the step keeps its schedule: `evidence.recheck`, or the directory part's, for a step judged in parts. */
function locate(evidence: Evidence): { schedule: RecheckSchedule; part: string | null } | null {
  const read = (value: unknown): RecheckSchedule | null => {
    if (!value || typeof value !== "object") return null;
    const v = value as Record<string, unknown>;
    return typeof v.appliedAt === "string" &&
      typeof v.deadline === "string" &&
      !Number.isNaN(Date.parse(v.appliedAt)) &&
      !Number.isNaN(Date.parse(v.deadline))
      ? (value as RecheckSchedule)
      : null;
  };
  const direct = read(evidence.recheck);
  if (direct) return { schedule: direct, part: null };
  const part = evidence.directory;
  if (part && typeof part === "object") {
    const nested = read((part as Evidence).recheck);
    if (nested) return { schedule: nested, part: "directory" };
  }
  return null;
}

/** Replaces (or, with `undefined`, removes) the schedule where it was found; everything else is kept. */
function withSchedule(evidence: Evidence, part: string | null, value: Evidence | undefined): Evidence {
  const put = (target: Evidence): Evidence => {
    const { recheck: _old, ...rest } = target;
    return value === undefined ? rest : { ...rest, ...value };
  };
  if (part === null) return put(evidence);
  return { ...evidence, [part]: put({ ...(evidence[part] as Evidence) }) };
}

export type UnreadableRecheck =
  /** Still inside the window: the step keeps waiting with this state (next attempt on the schedule). */
  | { kind: "reschedule"; state: StepState; summary: string; next: RecheckSchedule }
  /** The window has closed: record this result (failed, on the last reading) through the step machine. */
  | { kind: "give-up"; result: AutomaticResult; summary: string }
  /** The step carries no readable schedule: nothing to do (the row is stale). */
  | { kind: "none" };

/**
 * Decides a scheduled re-check whose sources could not read anything. `reasons` are the notices the sources left
 * (e.g. "The domain controller could not be read: …").
 */
export function unreadableRecheck(
  state: StepState,
  reasons: readonly Finding[],
  now: Date,
): UnreadableRecheck {
  const found = locate(state.evidence);
  if (state.status !== "waiting" || !found) return { kind: "none" };
  const { schedule, part } = found;
  const why =
    reasons
      .map((r) => r.message.trim())
      .filter(Boolean)
      .join(" ") || "No automatic source could read the directory.";
  const earlier = state.findings.filter((f) => f.code !== RECHECK_UNREADABLE);
  const at = now.toISOString();
  const next = nextRecheck(new Date(schedule.appliedAt), now);
  if (next) {
    const finding: Finding = {
      code: RECHECK_UNREADABLE,
      severity: "warning",
      message: `The automatic re-check at ${at} could not read the directory, so it is not yet known whether the change has replicated. ${why} The wizard tries again at ${next.nextCheckAt} (until ${next.deadline}).`,
    };
    return {
      kind: "reschedule",
      next,
      summary: `Automatic re-check ${schedule.attempt} could not read the directory; next try at ${next.nextCheckAt}`,
      state: {
        ...state,
        findings: [finding, ...earlier],
        evidence: withSchedule(state.evidence, part, {
          recheck: next,
          lastUnreadableRecheck: { at, reason: why },
        }),
      },
    };
  }
  const finding: Finding = {
    code: RECHECK_UNREADABLE,
    severity: "error",
    message: `The wizard applied a change at ${schedule.appliedAt} and tried to re-check it until ${schedule.deadline}, but could not read the directory at the end: ${why} The last reading it had still failed, so the change is not confirmed. Restore the connection (or upload a fresh snapshot) and check again, or record the step by hand once you have confirmed it.`,
  };
  return {
    kind: "give-up",
    summary: `Automatic re-checks ended at ${schedule.deadline}: the directory could not be read, the step stays failed`,
    result: {
      status: "failed",
      // The verdict rests on the last reading the step had; its confidence is that reading's.
      confidence: state.confidence === "evidence" ? "evidence" : "verified",
      findings: [finding, ...earlier],
      evidence: withSchedule(state.evidence, part, {
        recheckGaveUpAt: at,
        lastUnreadableRecheck: { at, reason: why },
      }),
      remediation: state.remediation,
    },
  };
}
