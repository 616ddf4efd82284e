"use client";

import Link from "next/link";
import { useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { useRunAccess } from "@/lib/client/run-access";
import { NotesSaved } from "./notes-saved";
import { useRunStore, useRunStoreApi } from "@/lib/client/run-store-provider";
import { type StepDraft } from "@/lib/client/run-store";
import { formatDateTime } from "@/lib/format";
import {
  CONFIDENCE_LABELS,
  getStep,
  hasQuestionMarkVariant,
  otherWordings,
  PLACE_LABELS,
  splitByLabels,
  stepsForFlow,
} from "@/lib/steps/catalogue";
import { type StepId } from "@/lib/steps/ids";
import { blockers } from "@/lib/steps/machine";
import { type Finding } from "@/lib/steps/types";
import { ScriptBlock } from "./script-block";
import { StatusTag } from "./status-tag";
import { StepExtras } from "./step-extras";
import { useRunActions } from "./use-run-actions";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

export function StepView({ stepId }: { stepId: StepId }) {
  const step = getStep(stepId);
  const run = useRunStore((s) => s.run);
  const draft = useRunStore((s) => s.drafts[stepId]) ?? {};
  const pending = useRunStore((s) => s.pending);
  const store = useRunStoreApi();
  // A view-only link reads the step; the server refuses its writes anyway, so the forms are not offered.
  const canEdit = useRunAccess().role !== "view";
  const { patch, verify } = useRunActions();
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  // What this page's last "Check now" answered (it may hold notices the run does not store), for as long as the
  // step's recorded check is still that one: a fix's re-check, the scheduler or another admin replaces it.
  const [lastCheck, setLastCheck] = useState<{ findings: Finding[]; checkedAt: string | null } | null>(null);

  const state = run.steps[stepId];
  if (!state) return null;
  const waitingFor = blockers(run.steps, stepId);
  const flowSteps = stepsForFlow(run.flow);
  const position = flowSteps.findIndex((s) => s.id === stepId);
  const next = flowSteps[position + 1];
  const findings = lastCheck && lastCheck.checkedAt === state.checkedAt ? lastCheck.findings : state.findings;
  const setDraft = (patchDraft: StepDraft) => store.getState().setDraft(stepId, patchDraft);
  // One alert per problem: after a 412 the conflict banner explains it, so the form adds nothing.
  const showFailure = (result: { message: string; conflict?: boolean }) =>
    setMessage(result.conflict ? null : { kind: "error", text: result.message });

  async function check() {
    setMessage(null);
    const result = await verify(stepId);
    if (!result.ok) return showFailure(result);
    setLastCheck({
      findings: result.value.findings,
      checkedAt: store.getState().run.steps[stepId]?.checkedAt ?? null,
    });
    setMessage({ kind: "info", text: `Checked at ${formatDateTime(result.value.checkedAt)}.` });
  }

  async function attest(event: React.FormEvent) {
    event.preventDefault();
    const by = (draft.attestBy ?? "").trim();
    if (!by) return setMessage({ kind: "error", text: "Enter the name of the person who did this step." });
    const note = draft.attestNote?.trim() || undefined;
    const result = await verify(stepId, { by, note });
    if (!result.ok) return showFailure(result);
    store.getState().clearDraft(stepId, ["attestNote"]);
    setLastCheck(null);
    setMessage({ kind: "info", text: `Recorded: ${by} confirmed this step.` });
  }

  async function skip(event: React.FormEvent) {
    event.preventDefault();
    const reason = (draft.skipReason ?? "").trim();
    if (!reason) return setMessage({ kind: "error", text: "Give a reason for skipping this step." });
    const result = await patch([{ op: "skip", stepId, reason }]);
    if (!result.ok) return showFailure(result);
    store.getState().clearDraft(stepId, ["skipReason"]);
    setMessage({ kind: "info", text: "Step skipped." });
  }

  async function saveNotes(event: React.FormEvent) {
    event.preventDefault();
    const ops: Parameters<typeof patch>[0] = [];
    if (draft.notes !== undefined && draft.notes !== state!.notes)
      ops.push({ op: "note", stepId, text: draft.notes });
    if (draft.assignee !== undefined && draft.assignee.trim() !== (state!.assignee ?? "")) {
      ops.push({ op: "assign", stepId, assignee: draft.assignee.trim() || null });
    }
    if (ops.length === 0) return setMessage({ kind: "info", text: "Nothing to save." });
    const result = await patch(ops);
    if (!result.ok) return showFailure(result);
    store.getState().clearDraft(stepId, ["notes", "assignee"]);
    setMessage({ kind: "info", text: "Saved." });
  }

  async function simple(op: "unskip" | "reset") {
    const result = await patch([{ op, stepId }]);
    if (!result.ok) return showFailure(result);
    setLastCheck(null);
    setMessage({
      kind: "info",
      text: op === "unskip" ? "The step is back on the list." : "The step was reset.",
    });
  }

  const scripts = [...state.remediation, ...(step.scriptHints ?? [])];

  return (
    <article className="space-y-8">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/runs/${run.id}`} className={buttonClass("link")}>
          ← Back to all steps
        </Link>
      </nav>

      <header className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
          Step {position + 1} of {flowSteps.length}
          {step.optional ? " · optional" : ""}
        </p>
        <h1 className="text-3xl font-bold tracking-tight">{step.title}</h1>
        <p className="text-lg text-slate-700 dark:text-slate-300">{step.summary}</p>
        <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
          <dt className="font-semibold">Who</dt>
          <dd>{step.whoLabel}</dd>
          <dt className="font-semibold">Where</dt>
          <dd>{step.whereLabel ?? PLACE_LABELS[step.where]}</dd>
          <dt className="font-semibold">Status</dt>
          <dd>
            <StatusTag status={state.status} blocked={waitingFor.length > 0} />
            {state.confidence ? (
              <span className="ml-2">
                {CONFIDENCE_LABELS[state.confidence].label}
                <span className="text-slate-600 dark:text-slate-400">
                  {" "}
                  — {CONFIDENCE_LABELS[state.confidence].explanation}
                </span>
              </span>
            ) : null}
          </dd>
          {state.checkedAt ? (
            <>
              <dt className="font-semibold">Last recorded</dt>
              <dd>{formatDateTime(state.checkedAt)}</dd>
            </>
          ) : null}
          {state.attestation ? (
            <>
              <dt className="font-semibold">Confirmed by</dt>
              <dd>
                {state.attestation.by}, {formatDateTime(state.attestation.at)}
                {state.attestation.note ? ` — “${state.attestation.note}”` : ""}
              </dd>
            </>
          ) : null}
          {state.skipReason ? (
            <>
              <dt className="font-semibold">Skipped because</dt>
              <dd>{state.skipReason}</dd>
            </>
          ) : null}
        </dl>
      </header>

      {waitingFor.length > 0 ? (
        <div className="rounded-md border-l-4 border-slate-500 bg-slate-100 p-4 dark:bg-slate-900">
          <p>
            <strong>Cannot start yet.</strong> This step depends on{" "}
            {waitingFor.map((b, i) => (
              <span key={b.stepId}>
                {i > 0 ? ", " : ""}
                <Link href={`/runs/${run.id}/${b.stepId}`} className={buttonClass("link")}>
                  {b.title}
                </Link>
              </span>
            ))}
            . You can still read it and prepare.
          </p>
        </div>
      ) : null}

      <div aria-live="polite">
        {message ? (
          <p
            role={message.kind === "error" ? "alert" : "status"}
            className={
              message.kind === "error"
                ? "rounded-md border-l-4 border-red-700 bg-red-50 p-3 text-red-900 dark:bg-red-950 dark:text-red-100"
                : "rounded-md border-l-4 border-sky-600 bg-sky-50 p-3 text-sky-950 dark:bg-sky-950 dark:text-sky-50"
            }
          >
            {message.text}
          </p>
        ) : null}
      </div>

      <StepExtras stepId={stepId} />

      <section aria-labelledby="instructions-heading" className="space-y-3">
        <h2 id="instructions-heading" className="text-xl font-semibold">
          What to do
        </h2>
        <ol className="list-decimal space-y-2 pl-6">
          {step.instructions.map((item, i) => (
            <li key={i}>
              {/* Labels are found tolerantly (old and new wording, with or without a trailing "?"). */}
              {splitByLabels(item.text, item.labels ?? []).map((segment, j) =>
                segment.label ? (
                  <strong key={j} className="font-semibold">
                    {segment.text}
                  </strong>
                ) : (
                  <span key={j}>{segment.text}</span>
                ),
              )}
              {item.labels && item.labels.length > 0 ? (
                <span className="mt-1 block text-sm text-slate-700 dark:text-slate-300">
                  Labels on screen:{" "}
                  {item.labels.map((label, j) => {
                    const others = otherWordings(label).filter((o) => !item.labels?.includes(o));
                    return (
                      <span key={j}>
                        {j > 0 ? " / " : ""}
                        <q className="font-medium">{label}</q>
                        {others.length > 0 ? (
                          <>
                            {" "}
                            (also shown as{" "}
                            {others.map((o, k) => (
                              <span key={k}>
                                {k > 0 ? ", " : ""}
                                <q>{o}</q>
                              </span>
                            ))}
                            )
                          </>
                        ) : null}
                      </span>
                    );
                  })}
                  {item.labels.some(hasQuestionMarkVariant)
                    ? ". Some screens end the switch's name with a question mark, others do not."
                    : null}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
        <p>
          <a
            href={step.learnMore.url}
            target="_blank"
            rel="noopener noreferrer"
            className={buttonClass("link")}
          >
            Microsoft&apos;s page: {step.learnMore.title}
            <span className="sr-only"> (opens in a new tab)</span>
          </a>
        </p>
      </section>

      <section aria-labelledby="checks-heading" className="space-y-3">
        <h2 id="checks-heading" className="text-xl font-semibold">
          Checks
        </h2>
        <p>{step.verification.description}</p>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Possible confidence: {step.verification.kinds.map((k) => CONFIDENCE_LABELS[k].label).join(", ")}.
        </p>
        {canEdit ? (
          <Button onClick={check} disabled={pending}>
            {pending ? "Working…" : "Check now"}
          </Button>
        ) : null}
        {findings.length > 0 ? (
          <ul className="space-y-2" aria-label="Findings">
            {findings.map((finding, i) => (
              <li
                key={`${finding.code}-${i}`}
                className="rounded-md border border-slate-300 p-3 dark:border-slate-700"
              >
                <p>
                  <code className="text-sm font-semibold">{finding.code}</code> {finding.message}
                </p>
                {finding.target ? (
                  <p className="text-sm text-slate-600 dark:text-slate-400">{finding.target}</p>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
        {Object.keys(state.evidence).length > 0 ? (
          <dl aria-label="Evidence" className="grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
            {Object.entries(state.evidence).map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="font-semibold">{key}</dt>
                <dd className="break-all">{typeof value === "string" ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
      </section>

      {scripts.length > 0 ? (
        <section aria-labelledby="scripts-heading" className="space-y-4">
          <h2 id="scripts-heading" className="text-xl font-semibold">
            Scripts
          </h2>
          {scripts.map((s, i) => (
            <ScriptBlock key={i} title={s.title} language={s.language} script={s.script} />
          ))}
        </section>
      ) : null}

      <section aria-labelledby="pitfalls-heading" className="space-y-3">
        <h2 id="pitfalls-heading" className="text-xl font-semibold">
          What can go wrong
        </h2>
        {step.pitfalls.map((pitfall, i) => (
          <details key={i} className="rounded-md border border-slate-300 p-3 dark:border-slate-700">
            <summary className="cursor-pointer font-medium">{pitfall.symptom}</summary>
            <p className="mt-2">
              <strong>How to recognise it:</strong> {pitfall.recognise}
            </p>
            {pitfall.eventIds && pitfall.eventIds.length > 0 ? (
              <p className="mt-1 text-sm">Look for: {pitfall.eventIds.join(", ")}</p>
            ) : null}
            <p className="mt-1">
              <strong>Fix:</strong> {pitfall.fix}
            </p>
          </details>
        ))}
      </section>

      {step.attestationPrompt && canEdit ? (
        <section
          aria-labelledby="attest-heading"
          className="space-y-3 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
        >
          <h2 id="attest-heading" className="text-xl font-semibold">
            Record that it is done
          </h2>
          <p className="text-slate-700 dark:text-slate-300">{step.attestationPrompt}</p>
          <form onSubmit={attest} className="space-y-3" noValidate>
            <div>
              <label htmlFor={`${stepId}-by`} className="font-medium">
                Your name
              </label>
              <input
                id={`${stepId}-by`}
                name="by"
                autoComplete="name"
                className={FIELD}
                value={draft.attestBy ?? ""}
                onChange={(e) => setDraft({ attestBy: e.target.value })}
                required
              />
            </div>
            <div>
              <label htmlFor={`${stepId}-note`} className="font-medium">
                Note (optional)
              </label>
              <textarea
                id={`${stepId}-note`}
                name="note"
                rows={2}
                className={FIELD}
                value={draft.attestNote ?? ""}
                onChange={(e) => setDraft({ attestNote: e.target.value })}
              />
            </div>
            <Button type="submit" disabled={pending}>
              Confirm this step is done
            </Button>
          </form>
        </section>
      ) : null}

      {canEdit ? (
        <>
          <section aria-labelledby="notes-heading" className="space-y-3">
            <h2 id="notes-heading" className="text-xl font-semibold">
              Notes and hand-off
            </h2>
            <form onSubmit={saveNotes} className="space-y-3">
              <div>
                <label htmlFor={`${stepId}-assignee`} className="font-medium">
                  Assigned to
                </label>
                <input
                  id={`${stepId}-assignee`}
                  className={FIELD}
                  value={draft.assignee ?? state.assignee ?? ""}
                  onChange={(e) => setDraft({ assignee: e.target.value })}
                />
              </div>
              <div>
                <label htmlFor={`${stepId}-notes`} className="font-medium">
                  Notes
                </label>
                <textarea
                  id={`${stepId}-notes`}
                  rows={3}
                  className={FIELD}
                  value={draft.notes ?? state.notes}
                  onChange={(e) => setDraft({ notes: e.target.value })}
                />
              </div>
              <Button type="submit" variant="secondary" disabled={pending}>
                Save notes
              </Button>
              <NotesSaved stepId={stepId} />
            </form>
          </section>

          <section aria-labelledby="other-heading" className="space-y-3">
            <h2 id="other-heading" className="text-xl font-semibold">
              Other actions
            </h2>
            {state.status === "skipped" ? (
              <Button variant="secondary" onClick={() => simple("unskip")} disabled={pending}>
                Take this step up again
              </Button>
            ) : state.status !== "passed" ? (
              <form onSubmit={skip} className="space-y-3">
                <div>
                  <label htmlFor={`${stepId}-skip`} className="font-medium">
                    Reason for skipping
                  </label>
                  <input
                    id={`${stepId}-skip`}
                    className={FIELD}
                    value={draft.skipReason ?? ""}
                    onChange={(e) => setDraft({ skipReason: e.target.value })}
                  />
                </div>
                <Button type="submit" variant="secondary" disabled={pending}>
                  Skip this step
                </Button>
              </form>
            ) : null}
            {state.status !== "not-started" ? (
              <Button variant="secondary" onClick={() => simple("reset")} disabled={pending}>
                Reset this step
              </Button>
            ) : null}
          </section>
        </>
      ) : (
        <section aria-labelledby="notes-heading" className="space-y-2">
          <h2 id="notes-heading" className="text-xl font-semibold">
            Notes and hand-off
          </h2>
          <p>Assigned to: {state.assignee ?? "nobody"}</p>
          <p className="whitespace-pre-wrap">{state.notes || "No notes."}</p>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Your link lets you read this step, not change it.
          </p>
        </section>
      )}

      <nav
        aria-label="Step navigation"
        className="flex flex-wrap gap-3 border-t border-slate-200 pt-4 dark:border-slate-800"
      >
        {next ? (
          <Link href={`/runs/${run.id}/${next.id}`} className={buttonClass("primary")}>
            Next: {next.title}
          </Link>
        ) : (
          <Link href={`/runs/${run.id}/review`} className={buttonClass("primary")}>
            Check your answers
          </Link>
        )}
        <Link href={`/runs/${run.id}`} className={buttonClass("secondary")}>
          All steps
        </Link>
      </nav>
    </article>
  );
}
