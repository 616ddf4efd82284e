import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { type Blocker } from "@/lib/steps/machine";
import { type StepStatus } from "@/lib/steps/types";

/**
 * The order of the steps as advice, not a lock: every step may be checked at any time (the verify routes refuse
 * nothing for order), so a step that is done says nothing about its dependencies, and one that is not names them.
 */
export function DependencyAdvice({
  runId,
  status,
  waitingFor,
}: {
  runId: string;
  status: StepStatus;
  waitingFor: readonly Blocker[];
}) {
  if (waitingFor.length === 0 || status === "passed" || status === "skipped") return null;
  return (
    <div className="rounded-md border-l-4 border-slate-500 bg-slate-100 p-4 dark:bg-slate-900">
      <p>
        <strong>Usually done after</strong>{" "}
        {waitingFor.map((b, i) => (
          <span key={b.stepId}>
            {i > 0 ? (i === waitingFor.length - 1 ? " and " : ", ") : ""}
            <Link href={`/runs/${runId}/${b.stepId}`} className={buttonClass("link")}>
              {b.title}
            </Link>
          </span>
        ))}
        . You can still do and check this step now; its result may change once those are done.
      </p>
    </div>
  );
}
