import { CONFIDENCE_LABELS, STATUS_LABELS } from "@/lib/steps/catalogue";
import { findingCopy } from "@/lib/steps/finding-copy";
import { type Finding, type StepStatus, type Confidence } from "@/lib/steps/types";
import { type ActionOutcome } from "./action-result";

type Outcome = Omit<ActionOutcome, "key">;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What a "Check now" answered, in the words of the step page: status, one sentence, what to do next. */
export function checkOutcome(
  result: {
    status: StepStatus;
    confidence: Confidence | null;
    findings: readonly Finding[];
    checkedAt: string;
  },
  time: string,
  nextTitle: string | null,
): Outcome {
  const severities = result.findings.map((f) => findingCopy(f).severity);
  const blocking = severities.filter((s) => s === "blocking").length;
  const warnings = severities.filter((s) => s === "warning").length;
  const counts =
    blocking + warnings === 0
      ? "nothing needs your attention"
      : [blocking ? plural(blocking, "blocking finding") : "", warnings ? plural(warnings, "warning") : ""]
          .filter(Boolean)
          .join(" and ");
  const how = result.confidence ? ` (${CONFIDENCE_LABELS[result.confidence].label.toLowerCase()})` : "";
  switch (result.status) {
    case "passed":
      return {
        tone: "success",
        status: "Passed",
        reason: `Checked at ${time}${how}: ${counts}.`,
        next: nextTitle ? `go on to “${nextTitle}”.` : "check your answers and file the report.",
      };
    case "failed":
      return {
        tone: "failure",
        status: "Failed",
        reason: `Checked at ${time}${how}: ${counts}.`,
        next: "work through the blocking findings listed below, then check again.",
      };
    case "waiting":
      return {
        tone: "warning",
        status: STATUS_LABELS.waiting,
        reason: `Checked at ${time}: a change was made and may still be replicating.`,
        next: "the wizard checks again on its own; you may leave this page.",
      };
    default:
      return {
        tone: "info",
        status: STATUS_LABELS[result.status],
        reason: `Checked at ${time}: the wizard could not check this step by itself here.`,
        next: "the findings below say why; a person who did the step can record it under “Record that it is done”.",
      };
  }
}

/** A request that failed (network, refusal, validation): an alert beside the control, with a way forward. */
export function errorOutcome(message: string, next = "correct it and try again."): Outcome {
  return { tone: "error", status: "Not done", reason: message, next };
}
