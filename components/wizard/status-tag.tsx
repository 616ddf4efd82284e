import { STATUS_LABELS } from "@/lib/steps/catalogue";
import { type StepStatus } from "@/lib/steps/types";

const STYLES: Record<StepStatus, string> = {
  "not-started": "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
  "in-progress": "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  passed: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
  failed: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  waiting: "bg-amber-100 text-amber-950 dark:bg-amber-900 dark:text-amber-100",
  skipped: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
};

// `blocked`: earlier steps are not done. The order is advice, not a lock (any step may be checked at any time), so
// the tag still says "Not started", in a quieter style; the task list and the step page name the earlier steps.
export function StatusTag({ status, blocked = false }: { status: StepStatus; blocked?: boolean }) {
  const label = STATUS_LABELS[status];
  const style =
    blocked && status === "not-started"
      ? "bg-white text-slate-700 ring-1 ring-slate-300 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-600"
      : STYLES[status];
  return (
    <strong className={`inline-block whitespace-nowrap rounded px-2 py-0.5 text-sm font-semibold ${style}`}>
      {label}
    </strong>
  );
}
