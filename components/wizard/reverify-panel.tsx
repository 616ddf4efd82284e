"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { reverifyRequest } from "@/lib/client/api";
import { useRunAccess } from "@/lib/client/run-access";
import { useRunStore, useRunStoreApi } from "@/lib/client/run-store-provider";
import { CONFIDENCE_LABELS, STATUS_LABELS } from "@/lib/steps/catalogue";
import { type DriftReport, type StepSnapshot } from "@/lib/steps/drift";
import { runProgress } from "@/lib/steps/machine";
import { useRunActions } from "./use-run-actions";

function describe(snapshot: StepSnapshot): string {
  const confidence = snapshot.confidence ? CONFIDENCE_LABELS[snapshot.confidence].label : "not established";
  return `${STATUS_LABELS[snapshot.status]} (${confidence.toLowerCase()})`;
}

/** "Re-verify everything": runs every step's checks again and shows, per step, what moved since. */
export function ReverifyPanel() {
  const access = useRunAccess();
  const run = useRunStore((s) => s.run);
  const store = useRunStoreApi();
  const { guard } = useRunActions();
  const pending = useRunStore((s) => s.pending);
  const [drift, setDrift] = useState<DriftReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (access.role === "view") return null;
  const complete = runProgress(run.flow, run.steps).complete;

  async function reverify() {
    setError(null);
    const result = await guard(async () => {
      const answer = await reverifyRequest(run.id, store.getState().run.version);
      store.getState().receive(answer.run);
      return answer;
    });
    if (!result.ok) return setError(result.conflict ? null : result.message);
    setDrift(result.value.drift);
  }

  return (
    <section
      aria-labelledby="reverify-heading"
      className="no-print space-y-3 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <h2 id="reverify-heading" className="text-xl font-semibold">
        Check for drift
      </h2>
      <p className="text-slate-700 dark:text-slate-300">
        {complete
          ? "The run is finished. Things can change afterwards — a right removed, a policy edited. "
          : ""}
        Run every step&apos;s automatic checks again and compare with what was recorded. Steps that can only
        be confirmed by a person keep their result.
      </p>
      <Button onClick={reverify} disabled={pending}>
        {pending ? "Checking…" : "Re-verify every step"}
      </Button>
      <div aria-live="polite">
        {error ? (
          <p role="alert" className="text-red-800 dark:text-red-300">
            {error}
          </p>
        ) : null}
        {drift ? (
          <div className="space-y-3">
            <p className="font-medium">
              {drift.checked === 0
                ? "No step could be checked automatically, so every recorded result stands."
                : drift.changed === 0
                  ? `Nothing changed: ${drift.checked} step(s) checked, ${drift.unchecked} not checkable automatically.`
                  : `${drift.changed} step(s) changed since they were last recorded.`}
            </p>
            <ul className="divide-y divide-slate-200 border-y border-slate-200 dark:divide-slate-800 dark:border-slate-800">
              {drift.steps.map((step) => (
                <li key={step.stepId} className="space-y-1 py-2">
                  <p className="font-semibold">
                    {step.title}
                    {step.changed ? " — changed" : ""}
                  </p>
                  <p className="text-sm">
                    {step.outcome === "no-automatic-check"
                      ? `Still ${describe(step.before)}; no automatic check could judge it.`
                      : `Was ${describe(step.before)}, now ${describe(step.after)}.`}
                    {step.outcome === "not-recorded" && step.note ? ` Not recorded: ${step.note}` : ""}
                  </p>
                  {step.appeared.length > 0 ? (
                    <p className="text-sm">
                      New findings:{" "}
                      {step.appeared.map((f) => `${f.code}${f.target ? ` (${f.target})` : ""}`).join(", ")}
                    </p>
                  ) : null}
                  {step.disappeared.length > 0 ? (
                    <p className="text-sm">
                      Gone:{" "}
                      {step.disappeared.map((f) => `${f.code}${f.target ? ` (${f.target})` : ""}`).join(", ")}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}
