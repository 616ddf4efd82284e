"use client";

import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { useRunStore } from "@/lib/client/run-store-provider";
import { runGuidance, type StepRef } from "@/lib/steps/machine";

function name(ref: StepRef): string {
  return `${ref.number}. ${ref.title}`;
}

/** Who the step was handed to, when someone was named on it. */
function handedTo(ref: StepRef): string {
  return ref.assignee ? ` It is assigned to ${ref.assignee}.` : "";
}

/**
 * The run page's first answer to "what now?": the step to open next (or the one that failed), what the other failed
 * steps are, or that the run is done and its report is ready. The full list follows below it.
 */
export function NextAction() {
  const run = useRunStore((s) => s.run);
  const guidance = runGuidance(run.flow, run.steps);
  const stepHref = (ref: StepRef) => `/runs/${run.id}/${ref.id}`;

  let heading: string;
  let body: React.ReactNode;
  let action: { href: string; label: string };
  let tone = "border-brand-300 bg-brand-50 dark:border-brand-700 dark:bg-slate-900";
  switch (guidance.kind) {
    case "next": {
      const { step, alsoFailed } = guidance;
      if (step.status === "failed") {
        heading = "Needs attention";
        body = (
          <p>
            <strong>{name(step)}</strong> failed its last check.{handedTo(step)} Its page lists what blocks it
            and how to fix it.
          </p>
        );
        tone = "border-red-300 bg-red-50 dark:border-red-800 dark:bg-slate-900";
      } else if (step.status === "waiting") {
        heading = "Waiting for a re-check";
        body = (
          <p>
            <strong>{name(step)}</strong>: a change was made and may still be replicating. The wizard checks
            it again on its own.{handedTo(step)}
          </p>
        );
      } else {
        heading = step.status === "in-progress" ? "Carry on with" : "Next step";
        body = (
          <p>
            <strong>{name(step)}</strong>.{handedTo(step)}
          </p>
        );
      }
      action = { href: stepHref(step), label: `Open step ${step.number}` };
      if (alsoFailed.length > 0)
        body = (
          <>
            {body}
            <p>
              Also failed its last check:{" "}
              {alsoFailed.map((ref, index) => (
                <span key={ref.id}>
                  {index > 0 ? ", " : ""}
                  <Link
                    href={stepHref(ref)}
                    className="font-medium text-brand-700 underline underline-offset-2 dark:text-brand-300"
                  >
                    {name(ref)}
                  </Link>
                </span>
              ))}
              .
            </p>
          </>
        );
      break;
    }
    case "skipped":
      heading = "Not complete yet";
      body = (
        <p>
          Nothing is left to do, but {guidance.steps.map(name).join(", ")}{" "}
          {guidance.steps.length === 1 ? "is a required step and was" : "are required steps and were"}{" "}
          skipped. The report records the run as incomplete until{" "}
          {guidance.steps.length === 1 ? "it passes" : "they pass"}.
        </p>
      );
      action = { href: stepHref(guidance.steps[0]!), label: `Open step ${guidance.steps[0]!.number}` };
      break;
    case "complete":
      heading = "Every step is done";
      body = <p>The report has each step&apos;s result, how it was established, and who did what.</p>;
      action = { href: `/runs/${run.id}/report`, label: "Open the report" };
      tone = "border-green-300 bg-green-50 dark:border-green-800 dark:bg-slate-900";
      break;
  }

  return (
    <section
      aria-labelledby="next-action-heading"
      className={`flex flex-col gap-3 rounded-lg border p-4 sm:flex-row sm:items-center sm:justify-between ${tone}`}
    >
      <div className="min-w-0 space-y-1">
        <h2 id="next-action-heading" className="text-lg font-semibold">
          {heading}
        </h2>
        {body}
      </div>
      <Link href={action.href} className={buttonClass("primary", "shrink-0 self-start sm:self-center")}>
        {action.label}
      </Link>
    </section>
  );
}
