"use client";

import Link from "next/link";
import { useRunAccess } from "@/lib/client/run-access";
import { useRunStore } from "@/lib/client/run-store-provider";
import { stepsForFlow } from "@/lib/steps/catalogue";
import { hasDirectoryPlaceholders } from "@/lib/steps/placeholders";
import { ScriptBlock } from "./script-block";
import { StatusTag } from "./status-tag";
import { useDirectoryValues } from "./use-directory-values";

function same(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * For someone who came through a share link: the steps handed to them (assigned to the link's label or to the
 * name they gave) come first, each with its scripts ready to copy.
 */
export function MySteps() {
  const access = useRunAccess();
  const run = useRunStore((s) => s.run);
  const mine =
    access.role === "owner"
      ? []
      : stepsForFlow(run.flow)
          .filter((step) => {
            const assignee = run.steps[step.id]?.assignee;
            return same(assignee, access.linkLabel) || same(assignee, access.name);
          })
          .map((step) => ({
            step,
            scripts: [...(run.steps[step.id]?.remediation ?? []), ...(step.scriptHints ?? [])],
          }));
  // The run's connector and domain in the scripts, as on the step pages, once a check has settled them.
  const values = useDirectoryValues(
    hasDirectoryPlaceholders(mine.flatMap(({ scripts }) => scripts.map((s) => s.script)).join("\n")),
  );
  if (access.role === "owner") return null;
  return (
    <section aria-labelledby="my-steps-heading" className="space-y-4">
      <h2 id="my-steps-heading" className="text-xl font-semibold">
        Your steps
      </h2>
      {mine.length === 0 ? (
        <p className="text-slate-700 dark:text-slate-300">
          No step is assigned to “{access.linkLabel}” yet. Every step of the run is listed below.
        </p>
      ) : (
        <ol className="space-y-6">
          {mine.map(({ step, scripts }) => {
            const state = run.steps[step.id];
            return (
              <li
                key={step.id}
                className="space-y-3 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
              >
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h3 className="text-lg font-semibold">
                    <Link
                      href={`/runs/${run.id}/${step.id}`}
                      className="text-brand-700 underline underline-offset-2 dark:text-brand-300"
                    >
                      {step.title}
                    </Link>
                  </h3>
                  <StatusTag status={state?.status ?? "not-started"} />
                </div>
                <p className="text-slate-700 dark:text-slate-300">{step.summary}</p>
                {scripts.length > 0 ? (
                  <div className="space-y-4">
                    {scripts.map((s, i) => (
                      <ScriptBlock
                        key={i}
                        title={s.title}
                        language={s.language}
                        script={s.script}
                        values={values}
                      />
                    ))}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
