"use client";

import Link from "next/link";
import { useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { useRunAccess } from "@/lib/client/run-access";
import { OnThisPage } from "./on-this-page";
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
import { hasDirectoryPlaceholders } from "@/lib/steps/placeholders";
import { type Finding } from "@/lib/steps/types";
import { ActionResult, outcomeKey, type ActionOutcome } from "./action-result";
import { checkOutcome, errorOutcome } from "./check-outcome";
import { DependencyAdvice } from "./dependency-advice";
import { EvidenceView } from "./evidence-view";
import { FindingsView } from "./findings-view";
import { FilledText } from "./filled-text";
import { ScriptBlock } from "./script-block";
import { StatusTag } from "./status-tag";
import { StepExtras } from "./step-extras";
import { useDirectoryValues } from "./use-directory-values";
import { useRunActions } from "./use-run-actions";

type Where = "check" | "attest" | "notes" | "other";

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
  // The run's connector and domain, in place of the catalogue's placeholders once they are known.
  const values = useDirectoryValues(
    hasDirectoryPlaceholders(
      [step.attestationPrompt ?? "", ...(step.scriptHints ?? []).map((h) => h.script)].join("\n"),
    ),
  );
  // The answer to the last click, shown beside the control that asked ("where") and summarised at the top.
  const [outcome, setOutcome] = useState<(ActionOutcome & { where: Where }) | null>(null);
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
  const say = (where: Where, answer: Omit<ActionOutcome, "key">) =>
    setOutcome({ ...answer, where, key: outcomeKey() });
  const showFailure = (where: Where, result: { message: string; conflict?: boolean }) =>
    say(
      where,
      result.conflict
        ? errorOutcome(
            "Someone else changed this run meanwhile, so nothing was saved.",
            "read the notice at the top of the page, then try again.",
          )
        : errorOutcome(result.message, "try again; if it keeps failing, reload the page."),
    );

  async function check() {
    const result = await verify(stepId);
    if (!result.ok) return showFailure("check", result);
    setLastCheck({
      findings: result.value.findings,
      checkedAt: store.getState().run.steps[stepId]?.checkedAt ?? null,
    });
    say("check", checkOutcome(result.value, formatDateTime(result.value.checkedAt), next?.title ?? null));
  }

  async function attest(event: React.FormEvent) {
    event.preventDefault();
    const by = (draft.attestBy ?? "").trim();
    if (!by) return say("attest", errorOutcome("Enter the name of the person who did this step."));
    const note = draft.attestNote?.trim() || undefined;
    const result = await verify(stepId, { by, note });
    if (!result.ok) return showFailure("attest", result);
    store.getState().clearDraft(stepId, ["attestNote"]);
    setLastCheck(null);
    say("attest", {
      tone: "success",
      status: "Confirmed",
      reason: `Recorded: ${by} confirmed this step.`,
      next: next ? `go on to “${next.title}”.` : "check your answers and file the report.",
    });
  }

  async function skip(event: React.FormEvent) {
    event.preventDefault();
    const reason = (draft.skipReason ?? "").trim();
    if (!reason) return say("other", errorOutcome("Give a reason for skipping this step."));
    const result = await patch([{ op: "skip", stepId, reason }]);
    if (!result.ok) return showFailure("other", result);
    store.getState().clearDraft(stepId, ["skipReason"]);
    say("other", { tone: "info", status: "Skipped", reason: "Step skipped." });
  }

  async function saveNotes(event: React.FormEvent) {
    event.preventDefault();
    const ops: Parameters<typeof patch>[0] = [];
    if (draft.notes !== undefined && draft.notes !== state!.notes)
      ops.push({ op: "note", stepId, text: draft.notes });
    if (draft.assignee !== undefined && draft.assignee.trim() !== (state!.assignee ?? "")) {
      ops.push({ op: "assign", stepId, assignee: draft.assignee.trim() || null });
    }
    if (ops.length === 0)
      return say("notes", { tone: "info", status: "Nothing to save", reason: "Nothing to save." });
    const result = await patch(ops);
    if (!result.ok) return showFailure("notes", result);
    store.getState().clearDraft(stepId, ["notes", "assignee"]);
    say("notes", { tone: "success", status: "Saved", reason: "Saved." });
  }

  async function simple(op: "unskip" | "reset") {
    const result = await patch([{ op, stepId }]);
    if (!result.ok) return showFailure("other", result);
    setLastCheck(null);
    say("other", {
      tone: "info",
      status: op === "unskip" ? "Back on the list" : "Reset",
      reason: op === "unskip" ? "The step is back on the list." : "The step was reset.",
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

      <OnThisPage
        sections={[
          { id: "instructions-heading", label: "What to do" },
          { id: "checks-heading", label: "Checks and findings" },
          ...(scripts.length > 0 ? [{ id: "scripts-heading", label: "Scripts" }] : []),
          { id: "pitfalls-heading", label: "What can go wrong" },
          ...(step.attestationPrompt && canEdit
            ? [{ id: "attest-heading", label: "Record that it is done" }]
            : []),
          { id: "notes-heading", label: "Notes and hand-off" },
        ]}
      />

      <DependencyAdvice runId={run.id} status={state.status} waitingFor={waitingFor} />

      {outcome ? (
        // The top-of-page summary (GOV.UK: summarised at the top, repeated beside the control); the answer itself,
        // announced and focused, sits beside the control that asked.
        <p className="rounded-md border border-slate-300 p-3 text-sm dark:border-slate-700">
          <strong>Last action:</strong> {outcome.status} — {outcome.reason}
        </p>
      ) : null}

      <StepExtras stepId={stepId} />

      <section aria-labelledby="instructions-heading" className="space-y-3">
        <h2 id="instructions-heading" className="text-xl font-semibold">
          What to do
        </h2>
        <ol className="list-decimal space-y-2 pl-6">
          {step.instructions.map((item, i) => (
            <li key={i}>
              {/* Labels are found tolerantly (old and new wording, with or without a trailing "?"). */}
              {splitByLabels(
                run.mode === "sandbox" && item.sandboxText ? item.sandboxText : item.text,
                item.labels ?? [],
              ).map((segment, j) =>
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
        <ActionResult outcome={outcome?.where === "check" ? outcome : null} label="check" />
        <FindingsView findings={findings} stepId={stepId} canAct={canEdit} />
        <EvidenceView evidence={state.evidence} />
      </section>

      {scripts.length > 0 ? (
        <section aria-labelledby="scripts-heading" className="space-y-4">
          <h2 id="scripts-heading" className="text-xl font-semibold">
            Scripts
          </h2>
          {scripts.map((s, i) => (
            <ScriptBlock key={i} title={s.title} language={s.language} script={s.script} values={values} />
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
          <p className="text-slate-700 dark:text-slate-300">
            <FilledText text={step.attestationPrompt} values={values} />
          </p>
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
          <ActionResult outcome={outcome?.where === "attest" ? outcome : null} label="attest" />
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
            <ActionResult outcome={outcome?.where === "notes" ? outcome : null} label="notes" />
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
            <ActionResult outcome={outcome?.where === "other" ? outcome : null} label="other" />
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
