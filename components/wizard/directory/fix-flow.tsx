"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { directoryApi } from "@/lib/client/directory-api";
import { type FixPreviewView } from "@/lib/contract/directory";
import { useRunStore, useRunStoreApi } from "@/lib/client/run-store-provider";
import { applySandboxFix } from "@/lib/client/sandbox-directory";

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
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  const [account, setAccount] = useState("");
  const [includeOptional, setIncludeOptional] = useState(false);
  const [password, setPassword] = useState("");
  const verb = stepId === "connector-permissions" ? "fix" : "revoke";

  async function prepare() {
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
      setMessage({
        kind: "info",
        text: `Applied ${applied} change${applied === 1 ? "" : "s"}. The step was checked again: ${result.verification.status}.`,
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
      <Button variant="secondary" onClick={prepare} disabled={busy}>
        {busy && !preview ? "Preparing…" : verb === "fix" ? "Prepare the fix" : "Prepare the revocation"}
      </Button>
      <div aria-live="polite">
        {message ? (
          <p
            role={message.kind === "error" ? "alert" : "status"}
            className={message.kind === "error" ? "text-red-800 dark:text-red-300" : ""}
          >
            {message.text}
          </p>
        ) : null}
      </div>
      {preview ? (
        <div className="space-y-3">
          {writes.length === 0 && optional.length === 0 ? (
            <p>Nothing to change: the directory already matches.</p>
          ) : null}
          <ol className="space-y-3" aria-label="Changes to apply">
            {preview.previews.map((p, i) => (
              <li key={`${p.change.kind}-${p.change.dn}-${i}`} className="space-y-1">
                <p>
                  {p.change.optional ? <strong>Optional: </strong> : null}
                  <strong>{p.label}</strong> on <span className="break-all">{p.change.dn}</span> —{" "}
                  {p.change.why}
                  {p.change.optional && !includeOptional ? " Not applied unless you tick the box below." : ""}
                </p>
                {p.note ? <p className="text-sm">{p.note}</p> : null}
                {p.diff ? (
                  <pre
                    // Long SDDL scrolls sideways: focusable, so the keyboard can scroll it too.
                    tabIndex={0}
                    aria-label={`SDDL change on ${p.change.dn}`}
                    className="overflow-x-auto rounded-md bg-slate-100 p-3 text-xs dark:bg-slate-900"
                  >
                    {p.diff.lines.map((line, j) => (
                      <span
                        key={j}
                        className={
                          line.startsWith("+")
                            ? "block text-green-800 dark:text-green-300"
                            : line.startsWith("-")
                              ? "block text-red-800 dark:text-red-300"
                              : "block"
                        }
                      >
                        {line}
                      </span>
                    ))}
                  </pre>
                ) : null}
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
            </form>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
