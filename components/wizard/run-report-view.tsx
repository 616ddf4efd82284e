import { formatDateTime } from "@/lib/format";
import { type RunReport } from "@/lib/contract/report";
import { STATUS_LABELS } from "@/lib/steps/catalogue";
import { isStepId } from "@/lib/steps/ids";
import { getStep } from "@/lib/steps/catalogue";
import { collapseTimeline, describeLine } from "@/lib/steps/timeline";
import { type StepStatus } from "@/lib/steps/types";
import { StatusTag } from "./status-tag";

function statusText(status: string): string {
  return STATUS_LABELS[status as StepStatus] ?? status;
}

/** The report as a page: the same model as the Markdown and JSON exports, laid out to print cleanly. */
export function RunReportView({ report }: { report: RunReport }) {
  const { run, progress } = report;
  return (
    <article className="report space-y-8">
      <header className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400 print:text-black">
          {run.flow === "enable" ? "Enable flow" : "Clean-up flow"} ·{" "}
          {run.mode === "sandbox" ? "sandbox" : "live"} · report
        </p>
        <h1 className="text-3xl font-bold tracking-tight">{run.title}</h1>
        <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
          <dt className="font-semibold">Started</dt>
          <dd>{formatDateTime(run.createdAt)}</dd>
          <dt className="font-semibold">Last change</dt>
          <dd>
            {formatDateTime(run.updatedAt)} (version {run.version})
          </dd>
          <dt className="font-semibold">Generated</dt>
          <dd>{formatDateTime(report.generatedAt)}</dd>
          <dt className="font-semibold">Progress</dt>
          <dd>
            {progress.counts.passed} passed, {progress.counts.skipped} skipped, {progress.counts.failed}{" "}
            failed of {progress.total} steps{progress.complete ? " — complete" : ""}
          </dd>
        </dl>
      </header>

      <section aria-labelledby="report-steps" className="space-y-4">
        <h2 id="report-steps" className="text-xl font-semibold">
          Steps
        </h2>
        {report.steps.map((step) => (
          <section
            key={step.id}
            aria-labelledby={`report-${step.id}`}
            className="report-step space-y-2 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 id={`report-${step.id}`} className="text-lg font-semibold">
                {step.title}
                {step.optional ? " (optional)" : ""}
              </h3>
              <StatusTag status={step.status} />
            </div>
            <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
              <dt className="font-semibold">Confidence</dt>
              <dd>{step.confidenceLabel}</dd>
              <dt className="font-semibold">How it was established</dt>
              <dd className="break-words">{step.confidenceSource}</dd>
              {step.attestation ? (
                <>
                  <dt className="font-semibold">Confirmed by</dt>
                  <dd>
                    {step.attestation.by}, {formatDateTime(step.attestation.at)}
                    {step.attestation.note ? ` — “${step.attestation.note}”` : ""}
                  </dd>
                </>
              ) : null}
              {step.recordedAt ? (
                <>
                  <dt className="font-semibold">Recorded</dt>
                  <dd>{formatDateTime(step.recordedAt)}</dd>
                </>
              ) : null}
              {step.lastChangedBy && step.lastChangedAt ? (
                <>
                  <dt className="font-semibold">Last change</dt>
                  <dd>
                    {step.lastChangedBy}, {formatDateTime(step.lastChangedAt)}
                  </dd>
                </>
              ) : null}
              {step.assignee ? (
                <>
                  <dt className="font-semibold">Assigned to</dt>
                  <dd>{step.assignee}</dd>
                </>
              ) : null}
              {step.skipReason ? (
                <>
                  <dt className="font-semibold">Skipped because</dt>
                  <dd>{step.skipReason}</dd>
                </>
              ) : null}
              {step.notes.trim() ? (
                <>
                  <dt className="font-semibold">Notes</dt>
                  <dd className="whitespace-pre-wrap">{step.notes}</dd>
                </>
              ) : null}
            </dl>
            {step.findings.length > 0 ? (
              <ul className="list-disc space-y-1 pl-5 text-sm" aria-label={`Findings for ${step.title}`}>
                {step.findings.map((f, i) => (
                  <li key={`${f.code}-${i}`}>
                    <code>{f.code}</code> ({f.severity}) {f.message}
                    {f.target ? <span className="break-all"> — {f.target}</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
            {step.evidence.length > 0 ? (
              <dl
                className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]"
                aria-label={`Evidence for ${step.title}`}
              >
                {step.evidence.map((e) => (
                  <div key={e.key} className="contents">
                    <dt className="font-semibold">{e.key}</dt>
                    <dd className="break-all">{e.value}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </section>
        ))}
      </section>

      {report.drift ? (
        <section aria-labelledby="report-drift" className="space-y-2">
          <h2 id="report-drift" className="text-xl font-semibold">
            Last re-verification
          </h2>
          <p>
            {report.drift.actor}, {formatDateTime(report.drift.at)}: {report.drift.changed} step(s) changed.
          </p>
          <ul className="list-disc space-y-1 pl-5 text-sm">
            {report.drift.steps.map((s) => (
              <li key={s.stepId}>
                {isStepId(s.stepId) ? getStep(s.stepId).title : s.stepId}:{" "}
                {s.outcome === "no-automatic-check"
                  ? `${statusText(s.before.status)}, not checkable automatically`
                  : `${statusText(s.before.status)} → ${statusText(s.after.status)}`}
                {s.appeared.length > 0 ? `; new: ${s.appeared.map((f) => f.code).join(", ")}` : ""}
                {s.disappeared.length > 0 ? `; gone: ${s.disappeared.map((f) => f.code).join(", ")}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="report-changes" className="space-y-2">
        <h2 id="report-changes" className="text-xl font-semibold">
          Changes the wizard made to the directory
        </h2>
        {report.directoryChanges.length === 0 ? (
          <p>None: the wizard wrote nothing to the directory.</p>
        ) : (
          <ul className="space-y-2 text-sm" aria-label="Changes the wizard made to the directory">
            {report.directoryChanges.map((c) => (
              <li key={`${c.at}-${c.kind}`} className="report-event break-words">
                <p>
                  <time dateTime={c.at}>{formatDateTime(c.at)}</time> — {c.actor}:{" "}
                  {c.kind === "revoked" ? "revoked" : "applied"} {c.changes} change(s), {c.entriesAdded}{" "}
                  permission entr{c.entriesAdded === 1 ? "y" : "ies"} added, {c.entriesRemoved} removed.
                </p>
                <p>{c.summary}</p>
                {c.targets.length > 0 ? (
                  <ul className="list-disc pl-5">
                    {c.targets.map((dn) => (
                      <li key={dn} className="break-all">
                        {dn}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="report-timeline" className="space-y-2">
        <h2 id="report-timeline" className="text-xl font-semibold">
          Timeline
        </h2>
        <ol className="space-y-1 text-sm">
          {collapseTimeline(report.timeline).map((line, i) => (
            <li key={i} className="report-event break-words">
              <time dateTime={line.last.at}>{formatDateTime(line.last.at)}</time> — {line.last.actor}:{" "}
              {describeLine(line, formatDateTime)}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
