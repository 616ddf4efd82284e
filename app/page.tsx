import Link from "next/link";
import { StartRunButtons } from "@/components/wizard/start-run-buttons";
import { pagePrincipal } from "@/lib/server/page-session";
import { listRuns } from "@/lib/server/runs-service";
import { sharedRuns } from "@/lib/server/share-service";
import { runProgress } from "@/lib/steps/machine";
import { formatDateTime } from "@/lib/format";

export default async function HomePage() {
  const principal = await pagePrincipal();
  const runs = principal ? await listRuns(principal, 10) : [];
  const shared = principal ? await sharedRuns(principal) : [];
  return (
    <div className="space-y-10">
      <section className="space-y-3">
        <h1 className="text-3xl font-bold tracking-tight">Password writeback, done and proven</h1>
        <p className="max-w-3xl text-lg text-slate-700 dark:text-slate-300">
          Self-service password reset writeback needs work in three places — Active Directory, the Entra
          Connect server and the Entra admin center — often by two different people. This wizard walks you
          through each step, checks what can be checked, and keeps a record of who did what.
        </p>
      </section>

      <StartRunButtons />

      <section aria-labelledby="recent-runs" className="space-y-3">
        <h2 id="recent-runs" className="text-xl font-semibold">
          Resume a run
        </h2>
        {runs.length === 0 ? (
          <p className="text-slate-700 dark:text-slate-300">No runs yet in this browser. Start one above.</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-300 dark:divide-slate-800 dark:border-slate-700">
            {runs.map((run) => {
              const progress = runProgress(run.flow, run.steps);
              return (
                <li key={run.id} className="flex flex-wrap items-center justify-between gap-2 p-4">
                  <div>
                    <Link
                      href={`/runs/${run.id}`}
                      className="font-semibold text-brand-700 underline underline-offset-2 dark:text-brand-300"
                    >
                      {run.title}
                    </Link>
                    <p className="text-sm text-slate-600 dark:text-slate-400">
                      Last change {formatDateTime(run.updatedAt)}
                    </p>
                  </div>
                  <p className="text-sm text-slate-700 dark:text-slate-300">
                    {progress.counts.passed} of {progress.total} steps passed
                    {progress.complete ? " — complete" : ""}
                  </p>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      {shared.length > 0 ? (
        <section aria-labelledby="shared-runs" className="space-y-3">
          <h2 id="shared-runs" className="text-xl font-semibold">
            Shared with you
          </h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-300 dark:divide-slate-800 dark:border-slate-700">
            {shared.map((run) => (
              <li key={run.id} className="flex flex-wrap items-center justify-between gap-2 p-4">
                <Link
                  href={`/runs/${run.id}`}
                  className="font-semibold text-brand-700 underline underline-offset-2 dark:text-brand-300"
                >
                  {run.title}
                </Link>
                <p className="text-sm text-slate-700 dark:text-slate-300">
                  as “{run.label}” · {run.role === "edit" ? "can work on it" : "can only look"}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
