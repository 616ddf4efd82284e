"use client";

import Link from "next/link";
import { useRunStore } from "@/lib/client/run-store-provider";
import { runProgress } from "@/lib/steps/machine";

export function RunHeading() {
  const run = useRunStore((s) => s.run);
  const progress = runProgress(run.flow, run.steps);
  return (
    <div className="space-y-2">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
        {run.flow === "enable" ? "Enable flow" : "Clean-up flow"}
      </p>
      <h1 className="text-3xl font-bold tracking-tight">{run.title}</h1>
      <p className="text-slate-700 dark:text-slate-300" aria-live="polite">
        {progress.complete
          ? "Every required step is done."
          : `You have completed ${progress.counts.passed + progress.counts.skipped} of ${progress.total} steps.`}{" "}
        <Link
          href={`/runs/${run.id}/review`}
          className="font-medium text-brand-700 underline underline-offset-2 dark:text-brand-300"
        >
          Check your answers
        </Link>{" "}
        ·{" "}
        <Link
          href={`/runs/${run.id}/report`}
          className="font-medium text-brand-700 underline underline-offset-2 dark:text-brand-300"
        >
          Report
        </Link>
      </p>
    </div>
  );
}
