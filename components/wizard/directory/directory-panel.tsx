"use client";

import { useCallback, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { COLLECT_SCRIPT_URL, directoryApi } from "@/lib/client/directory-api";
import { type DirectoryState } from "@/lib/contract/directory";
import { useRunAccess } from "@/lib/client/run-access";
import { useRunStore } from "@/lib/client/run-store-provider";
import { formatDateTime } from "@/lib/format";
import { type StepId } from "@/lib/steps/ids";
import { ActionResult, outcomeKey, type ActionOutcome } from "../action-result";
import { FindingsList } from "./findings-list";
import { FixFlow } from "./fix-flow";
import { OtherConnectorForm } from "./other-connector-form";
import { RecheckTimer } from "./recheck-timer";
import { SandboxDirectoryControls } from "./sandbox-directory-controls";
import { LiveMessage, type PanelMessage } from "../evidence-panel";
import { useRefreshRun } from "../use-refresh-run";
import { useRunActions } from "../use-run-actions";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

function isRecheck(
  value: unknown,
): value is { nextCheckAt: string; deadline: string; attempt?: unknown; attempts?: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { nextCheckAt?: unknown }).nextCheckAt === "string"
  );
}

/** The directory part of a step: where it reads from, the connector, the scope, progress, results and fixes. */
export function DirectoryPanel({ stepId }: { stepId: StepId }) {
  const run = useRunStore((s) => s.run);
  const pending = useRunStore((s) => s.pending);
  const step = run.steps[stepId];
  const { verify } = useRunActions();
  const access = useRunAccess();
  const [state, setState] = useState<DirectoryState | null>(null);
  const [message, setMessage] = useState<PanelMessage>(null);
  // The answer to a click on this panel (confirm, scope, upload), shown beside the control that asked.
  const [outcome, setOutcome] = useState<
    (ActionOutcome & { where: "connector" | "scope" | "upload" }) | null
  >(null);
  const answer = (
    where: "connector" | "scope" | "upload",
    kind: "error" | "info",
    text: string,
    next?: string,
  ) =>
    setOutcome({
      where,
      tone: kind === "error" ? "error" : "success",
      status: kind === "error" ? "Not done" : "Done",
      reason: text,
      next: kind === "error" ? "try again; if it keeps failing, reload the page." : next,
      key: outcomeKey(),
    });
  const [scopeText, setScopeText] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const refreshRun = useRefreshRun();

  useEffect(() => {
    let live = true;
    directoryApi
      .state(run.id)
      .then((s) => live && setState(s))
      .catch(
        (e: unknown) =>
          live &&
          setMessage({
            kind: "error",
            text: e instanceof Error ? e.message : "The directory settings could not be loaded.",
          }),
      );
    return () => {
      live = false;
    };
  }, [run.id, run.version, refresh]);

  // While a check runs, poll its progress for the progress bar.
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      directoryApi
        .state(run.id)
        .then(setState)
        .catch(() => undefined);
    }, 1000);
    return () => clearInterval(timer);
  }, [pending, run.id]);

  const recheck = useCallback(() => {
    void verify(stepId);
  }, [verify, stepId]);

  if (!state || !step) return null;
  const scan = state.scans[stepId];
  const progress = state.progress[stepId];
  const candidates = Object.values(state.scans).flatMap((s) => s?.candidates ?? []);
  const uniqueCandidates = candidates.filter((c, i) => candidates.findIndex((o) => o.dn === c.dn) === i);
  const waiting =
    step.status === "waiting" && isRecheck(step.evidence.recheck) ? step.evidence.recheck : null;

  async function confirm(dn: string | null) {
    try {
      setState(await directoryApi.saveSettings(run.id, { confirmedConnectorDn: dn }));
      await refreshRun();
      answer(
        "connector",
        "info",
        dn ? "Connector confirmed. Check the step again." : "Confirmation removed.",
        dn ? "press “Check now” on this page; the scripts now show this account." : undefined,
      );
    } catch (e) {
      answer("connector", "error", e instanceof Error ? e.message : "Saving failed.");
    }
  }

  async function saveScope(event: React.FormEvent) {
    event.preventDefault();
    const scope = (scopeText ?? "")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    try {
      setState(await directoryApi.saveSettings(run.id, { scope }));
      setScopeText(null);
      answer(
        "scope",
        "info",
        scope.length ? `Scope saved: ${scope.length} OU(s).` : "Scope saved: the whole domain.",
        "press “Check now” to check the new scope.",
      );
    } catch (e) {
      answer("scope", "error", e instanceof Error ? e.message : "Saving failed.");
    }
  }

  async function upload(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    try {
      const { snapshot } = await directoryApi.uploadSnapshot(run.id, file);
      await refreshRun();
      answer(
        "upload",
        "info",
        `Snapshot accepted: ${snapshot?.users.toLocaleString("en-US")} users from ${snapshot?.domains.join(", ")}, collected ${snapshot ? formatDateTime(snapshot.collectedAt) : ""}. Check the step to use it.`,
      );
      setRefresh((n) => n + 1);
    } catch (e) {
      answer("upload", "error", e instanceof Error ? e.message : "The upload failed.");
    }
  }

  const fixable =
    (stepId === "connector-permissions" || stepId === "revoke-connector-permissions") && state.ldap !== null;
  // A view link reads the step; the server refuses its changes, so no fix is offered to it.
  const readOnly = access.role === "view";
  // The run's sandbox directory (a sandbox server without LDAP of its own): simulated, fixes need no credential.
  const sandbox = state.sandbox;
  return (
    <section
      aria-labelledby={`${stepId}-directory`}
      className="space-y-4 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <h2 id={`${stepId}-directory`} className="text-xl font-semibold">
        On-premises directory
      </h2>
      <p>
        {sandbox ? (
          <>
            Sandbox: reads {state.ldap}, this run&apos;s own copy. The wizard&apos;s fixes change it at once.
          </>
        ) : state.ldap ? (
          <>Reads Active Directory live: {state.ldap}.</>
        ) : (
          <>No LDAP connection is configured on this server; the checks use an uploaded snapshot.</>
        )}
        {state.snapshot ? (
          <>
            {" "}
            Uploaded snapshot: {state.snapshot.users.toLocaleString("en-US")} users, collected{" "}
            {formatDateTime(state.snapshot.collectedAt)}.
          </>
        ) : null}
      </p>
      {state.configurationError ? <p role="alert">{state.configurationError}</p> : null}
      {sandbox ? <SandboxDirectoryControls runId={run.id} stepId={stepId} /> : null}
      <LiveMessage message={message} />

      {pending && progress ? (
        <div>
          <label htmlFor={`${stepId}-progress`} className="font-medium">
            {progress.phase === "users" ? "Users scanned" : "Containers read"}:{" "}
            {progress.scanned.toLocaleString("en-US")}
            {progress.total ? ` of ${progress.total.toLocaleString("en-US")}` : ""}
          </label>
          <progress
            id={`${stepId}-progress`}
            className="block w-full"
            value={progress.scanned}
            max={progress.total ?? undefined}
          />
        </div>
      ) : null}

      {waiting ? (
        <RecheckTimer
          nextCheckAt={waiting.nextCheckAt}
          deadline={waiting.deadline}
          attempt={typeof waiting.attempt === "number" ? waiting.attempt : null}
          attempts={typeof waiting.attempts === "number" ? waiting.attempts : null}
          recheck={recheck}
        />
      ) : null}

      {scan ? (
        <p>
          <strong>Last directory check</strong> ({formatDateTime(scan.scannedAt)}, {scan.source}):{" "}
          {scan.summary}
        </p>
      ) : null}

      {state.configuredConnector ? (
        <p>Connector account (from the server configuration): {state.configuredConnector}.</p>
      ) : uniqueCandidates.length > 0 ? (
        <fieldset className="space-y-2">
          <legend className="font-medium">Which account does the Connect AD DS connector use?</legend>
          <p className="text-sm">
            Compare with what Get-ADSyncADConnectorAccount shows on the Connect server.
          </p>
          {uniqueCandidates.map((c) => (
            <div key={c.dn} className="flex flex-wrap items-center gap-3">
              <span className="break-all">
                {c.name}
                {c.description ? ` — ${c.description}` : ""}
              </span>
              {state.settings.confirmedConnectorDn?.toLowerCase() === c.dn.toLowerCase() ? (
                <span className="font-semibold">Confirmed</span>
              ) : (
                <Button
                  variant="secondary"
                  data-wizard-action="confirm-connector"
                  disabled={readOnly}
                  onClick={() => confirm(c.dn)}
                >
                  {`Confirm ${c.name}`}
                </Button>
              )}
            </div>
          ))}
          <ActionResult outcome={outcome?.where === "connector" ? outcome : null} label="connector" />
        </fieldset>
      ) : null}
      {stepId === "prerequisites" && !state.configuredConnector && !readOnly ? (
        <OtherConnectorForm id={`${stepId}-other-connector`} onConfirm={confirm} />
      ) : null}

      {stepId !== "prerequisites" ? (
        <form onSubmit={saveScope} className="space-y-2">
          <label htmlFor={`${stepId}-scope`} className="font-medium">
            OUs to check (one DN per line; empty means every user of the domain)
          </label>
          <textarea
            id={`${stepId}-scope`}
            rows={2}
            className={FIELD}
            value={scopeText ?? state.settings.scope.join("\n")}
            onChange={(e) => setScopeText(e.target.value)}
            readOnly={readOnly}
          />
          <Button type="submit" variant="secondary" disabled={readOnly}>
            Save the scope
          </Button>
          <ActionResult outcome={outcome?.where === "scope" ? outcome : null} label="scope" />
        </form>
      ) : null}

      {scan && scan.findings > 0 && stepId !== "prerequisites" ? (
        <FindingsList runId={run.id} stepId={stepId} scannedAt={scan.scannedAt} />
      ) : null}

      {fixable && readOnly ? (
        <p className="text-sm">
          This is a view-only link: the owner of the run, or someone with an edit link, can apply the fix.
        </p>
      ) : null}
      {fixable && !readOnly ? (
        <FixFlow
          runId={run.id}
          sandbox={sandbox}
          stepId={stepId as "connector-permissions" | "revoke-connector-permissions"}
          onApplied={() => setRefresh((n) => n + 1)}
        />
      ) : null}

      <details className="rounded-md border border-slate-300 p-3 dark:border-slate-700">
        <summary className="cursor-pointer font-medium">
          No connection from this server? Use the evidence collector
        </summary>
        <div className="mt-2 space-y-2">
          <p>
            Run the read-only PowerShell collector on a domain-joined machine with the ActiveDirectory module,
            then upload the file it writes (.json.gz, or .json). The same checks run on it; the result counts
            as evidence rather than verified.
          </p>
          <a className="underline" href={COLLECT_SCRIPT_URL} download>
            Download the evidence collector (PowerShell)
          </a>
          <div>
            <label htmlFor={`${stepId}-snapshot`} className="font-medium">
              Upload a snapshot (.json.gz or .json)
            </label>
            <input
              id={`${stepId}-snapshot`}
              type="file"
              accept=".json,.gz,application/json,application/gzip"
              className="mt-1 block w-full max-w-full text-sm"
              disabled={readOnly}
              onChange={upload}
            />
          </div>
          <ActionResult outcome={outcome?.where === "upload" ? outcome : null} label="upload" />
        </div>
      </details>
    </section>
  );
}
