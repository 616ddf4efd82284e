"use client";

import Link from "next/link";
import { useRunStore } from "@/lib/client/run-store-provider";
import { PLACE_LABELS, stepsForFlow } from "@/lib/steps/catalogue";
import { blockers } from "@/lib/steps/machine";
import { ConfidenceTag } from "./confidence-tag";
import { StatusTag } from "./status-tag";

/** The GOV.UK "complete multiple tasks" pattern: one row per step, its status, and why it cannot start yet. */
export function TaskList() {
  const run = useRunStore((s) => s.run);
  const steps = stepsForFlow(run.flow);
  return (
    <section aria-labelledby="tasks-heading">
      <h2 id="tasks-heading" className="sr-only">
        Steps
      </h2>
      <ol className="divide-y divide-slate-200 border-y border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {steps.map((step, index) => {
          const state = run.steps[step.id];
          const waitingFor = blockers(run.steps, step.id);
          const blocked = waitingFor.length > 0;
          const isDone = state?.status === "passed" || state?.status === "skipped";
          const hintId = `${step.id}-hint`;
          return (
            <li
              key={step.id}
              className="flex flex-col gap-2 py-4 sm:flex-row sm:items-start sm:justify-between"
            >
              <div className="min-w-0">
                <Link
                  href={`/runs/${run.id}/${step.id}`}
                  aria-describedby={hintId}
                  className="text-lg font-semibold text-brand-700 underline underline-offset-2 hover:text-brand-800 dark:text-brand-300"
                >
                  {index + 1}. {step.title}
                </Link>
                <p id={hintId} className="text-sm text-slate-700 dark:text-slate-300">
                  {PLACE_LABELS[step.where]} · {step.whoLabel}
                  {step.optional ? " · optional" : ""}
                  {blocked && !isDone
                    ? ` · Usually done after ${waitingFor.map((b) => `“${b.title}”`).join(", ")}`
                    : ""}
                  {state?.assignee ? ` · Assigned to ${state.assignee}` : ""}
                </p>
              </div>
              <div className="flex shrink-0 flex-wrap items-center gap-2">
                <StatusTag status={state?.status ?? "not-started"} blocked={blocked} />
                <ConfidenceTag confidence={state?.confidence ?? null} />
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
