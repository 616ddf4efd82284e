"use client";

import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { useRunStore } from "@/lib/client/run-store-provider";
import { formatDateTime } from "@/lib/format";
import { CONFIDENCE_LABELS, stepsForFlow } from "@/lib/steps/catalogue";
import { runProgress } from "@/lib/steps/machine";
import { StatusTag } from "./status-tag";

/** The GOV.UK "check answers" pattern: every step, how sure we are, who said so and when. */
export function ReviewList() {
  const run = useRunStore((s) => s.run);
  const progress = runProgress(run.flow, run.steps);
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/runs/${run.id}`} className={buttonClass("link")}>
          ← Back to all steps
        </Link>
      </nav>
      <h1 className="text-3xl font-bold tracking-tight">Check your answers</h1>
      <p className="text-slate-700 dark:text-slate-300">
        {progress.complete
          ? "Every required step is done. This page is the record of how each one was established."
          : "Some steps are still open. Each row says how far it got and how sure the wizard is."}
      </p>
      <p>
        <Link href={`/runs/${run.id}/report`} className={buttonClass("link")}>
          Open the report
        </Link>{" "}
        — the record to file: every step, how it was established, the findings and the wizard&apos;s own
        changes.
      </p>
      <dl className="divide-y divide-slate-200 border-y border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {stepsForFlow(run.flow).map((step) => {
          const state = run.steps[step.id];
          if (!state) return null;
          return (
            <div key={step.id} className="grid gap-2 py-4 sm:grid-cols-[1fr_2fr_auto] sm:items-start">
              <dt className="font-semibold">{step.title}</dt>
              <dd className="space-y-1">
                <StatusTag status={state.status} />
                <p className="text-sm">
                  {state.confidence ? CONFIDENCE_LABELS[state.confidence].label : "Not established"}
                  {state.attestation
                    ? ` — ${state.attestation.by}, ${formatDateTime(state.attestation.at)}`
                    : state.checkedAt
                      ? ` — ${formatDateTime(state.checkedAt)}`
                      : ""}
                </p>
                {state.skipReason ? <p className="text-sm">Skipped: {state.skipReason}</p> : null}
              </dd>
              <dd>
                <Link href={`/runs/${run.id}/${step.id}`} className={buttonClass("link")}>
                  Change<span className="sr-only"> {step.title}</span>
                </Link>
              </dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}
