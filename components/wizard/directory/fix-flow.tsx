"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { directoryApi } from "@/lib/client/directory-api";
import { type FixPreviewView } from "@/lib/contract/directory";
import { useRunStore, useRunStoreApi } from "@/lib/client/run-store-provider";
import { applySandboxFix } from "@/lib/client/sandbox-directory";
import { ActionResult, outcomeKey, type ActionOutcome } from "../action-result";
import { ChangePreview } from "./change-preview";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

/**
 * Fix from the wizard: show the exact SDDL change of every object first, then apply it with a privileged account
 * typed for this one action. The password lives in this component's state only until the request is sent. In the
 * sandbox the simulated directory changes and no account is asked for; the form says why.
 */
export function FixFlow({
  runId,
  stepId,
  sandbox = false,
  onApplied,
}: {
  runId: string;
  stepId: "connector-permissions" | "revoke-connector-permissions";
  sandbox?: boolean;
  onApplied: () => void;
}) {
  const store = useRunStoreApi();
  const version = useRunStore((s) => s.run.version);
  const [preview, setPreview] = useState<FixPreviewView | null>(null);
  const [busy, setBusy] = useState(false);
  // The answer to "Prepare" or "Apply", beside those buttons, focused and announced.
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  // Which button asked: an answer to "Apply" sits beside it while the preview is still open (an error).
  const [asked, setAsked] = useState<"prepare" | "apply">("prepare");
  const setMessage = (m: { kind: "error" | "info"; text: string; status?: string; next?: string } | null) =>
    setOutcome(
      m && {
        tone: m.kind === "error" ? "error" : "success",
        status: m.status ?? (m.kind === "error" ? "Not done" : "Done"),
        reason: m.text,
        next: m.next ?? (m.kind === "error" ? "try again; if it keeps failing, reload the page." : undefined),
        key: outcomeKey(),
      },
    );
  const [account, setAccount] = useState("");
  const [includeOptional, setIncludeOptional] = useState(false);
  const [password, setPassword] = useState("");
  const verb = stepId === "connector-permissions" ? "fix" : "revoke";

  async function prepare() {
    setAsked("prepare");
    setBusy(true);
    setMessage(null);
    try {
      setPreview(await directoryApi.previewFix(runId, stepId));
    } catch (e) {
      setMessage({ kind: "error", text: e instanceof Error ? e.message : "The preview failed." });
    } finally {
      setBusy(false);
    }
  }

  async function apply(event: React.FormEvent) {
    event.preventDefault();
    if (!preview) return;
    setAsked("apply");
    // The server says when no credential is used (its sandbox directory); then none is asked for or sent.
    const noCredential = Boolean(preview.credentialNote);
    if (!noCredential && (!account.trim() || !password))
      return setMessage({ kind: "error", text: "Enter the privileged account and its password." });
    setBusy(true);
    setMessage(null);
    const typed = password;
    setPassword("");
    try {
      const request = { stepId, planId: preview.planId, expectedVersion: version, includeOptional };
      const result = noCredential
        ? await applySandboxFix(runId, request)
        : await directoryApi.applyFix(runId, {
            ...request,
            credential: { bindDn: account.trim(), password: typed },
          });
      store.getState().receive(result.verification.run);
      const applied = result.applied.filter((a) => a.result === "applied").length;
      setPreview(null);
      const status = result.verification.status;
      setOutcome({
        tone: status === "passed" ? "success" : status === "failed" ? "failure" : "warning",
        status: verb === "fix" ? "Applied" : "Revoked",
        reason: `Applied ${applied} change${applied === 1 ? "" : "s"}. The step was checked again: ${status}.`,
        next:
          status === "passed"
            ? "nothing more to do on this step."
            : status === "waiting"
              ? "the wizard re-checks on its own while the change replicates."
              : "look at the findings of the new check; prepare the next fix if one is offered.",
        key: outcomeKey(),
      });
      onApplied();
    } catch (e) {
      setMessage({ kind: "error", text: e instanceof Error ? e.message : "The change failed." });
    } finally {
      setBusy(false);
    }
  }

  const writes =
    preview?.previews.filter(
      (p) => (p.diff || p.change.kind === "clear-admincount") && (!p.change.optional || includeOptional),
    ) ?? [];
  const optional = preview?.previews.filter((p) => p.change.optional && p.diff) ?? [];
  return (
    <section
      aria-labelledby={`${stepId}-fix`}
      className="space-y-3 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <h3 id={`${stepId}-fix`} className="text-lg font-semibold">
        {verb === "fix" ? "Fix it from the wizard" : "Revoke from the wizard"}
      </h3>
      {sandbox ? (
        <p>
          The wizard shows every change as the exact security descriptor before and after, then makes it in
          this run&apos;s simulated directory. No account or password is asked for: the simulated directory
          has none to sign in with.
        </p>
      ) : (
        <p>
          The wizard shows every change as the exact security descriptor before and after, then writes it with
          an account you type for this one action. That password is not stored.
        </p>
      )}
      <Button
        variant="secondary"
        onClick={prepare}
        disabled={busy}
        data-wizard-action={verb === "fix" ? "apply-fix" : "apply-revoke"}
      >
        {busy && !preview ? "Preparing…" : verb === "fix" ? "Prepare the fix" : "Prepare the revocation"}
      </Button>
      <ActionResult outcome={asked === "prepare" || !preview ? outcome : null} label="fix" />
      {preview ? (
        <div className="space-y-3">
          {writes.length === 0 && optional.length === 0 ? (
            <p>Nothing to change: the directory already matches.</p>
          ) : null}
          <ol className="space-y-3" aria-label="Changes to apply">
            {preview.previews.map((p, i) => (
              <li key={`${p.change.kind}-${p.change.dn}-${i}`}>
                <ChangePreview preview={p} includeOptional={includeOptional} />
              </li>
            ))}
          </ol>
          {preview.notAddressed.length > 0 ? (
            <ul className="list-disc pl-6">
              {preview.notAddressed.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          {optional.length > 0 ? (
            <div className="flex items-start gap-2">
              <input
                id={`${stepId}-include-optional`}
                type="checkbox"
                className="mt-1"
                checked={includeOptional}
                onChange={(e) => setIncludeOptional(e.target.checked)}
              />
              <label htmlFor={`${stepId}-include-optional`}>
                Also apply the optional change{optional.length === 1 ? "" : "s"}: the connector&apos;s own
                Unexpire Password entry, as Microsoft&apos;s tutorial sets it. The step passes without it.
              </label>
            </div>
          ) : null}
          {writes.length > 0 ? (
            <form onSubmit={apply} className="space-y-3" autoComplete="off">
              {preview.credentialNote ? (
                <p role="note">{preview.credentialNote}</p>
              ) : (
                <>
                  <div>
                    <label htmlFor={`${stepId}-priv-account`} className="font-medium">
                      Privileged account (DN, user@domain or DOMAIN\name)
                    </label>
                    <input
                      id={`${stepId}-priv-account`}
                      className={FIELD}
                      value={account}
                      autoComplete="off"
                      onChange={(e) => setAccount(e.target.value)}
                    />
                  </div>
                  <div>
                    <label htmlFor={`${stepId}-priv-password`} className="font-medium">
                      Its password (used once, never stored)
                    </label>
                    <input
                      id={`${stepId}-priv-password`}
                      type="password"
                      className={FIELD}
                      value={password}
                      autoComplete="new-password"
                      onChange={(e) => setPassword(e.target.value)}
                    />
                  </div>
                </>
              )}
              <Button type="submit" variant="danger" disabled={busy}>
                {busy ? "Applying…" : "Apply these changes"}
              </Button>
              <ActionResult outcome={asked === "apply" && preview ? outcome : null} label="apply" />
            </form>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
