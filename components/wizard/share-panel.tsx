"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import {
  ApiCallError,
  createShareLinkRequest,
  fetchRun,
  listShareLinksRequest,
  revokeShareLinkRequest,
} from "@/lib/client/api";
import { useRunStore, useRunStoreApi } from "@/lib/client/run-store-provider";
import { type ShareLinkView } from "@/lib/contract/share";
import { formatDateTime } from "@/lib/format";
import { stepsForFlow } from "@/lib/steps/catalogue";
import { type StepId } from "@/lib/steps/ids";
import { ConfirmDialog } from "./confirm-dialog";
import { CopyButton } from "./copy-button";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

const EXPIRY_CHOICES = [1, 7, 30, 90] as const;

const STATUS_TEXT: Record<ShareLinkView["status"], string> = {
  active: "Active",
  expired: "Expired",
  revoked: "Revoked",
};

/** The owner's hand-off: share the run with a label and a role, hand steps over, see and revoke links. */
export function SharePanel({ initialLinks }: { initialLinks: ShareLinkView[] }) {
  const run = useRunStore((s) => s.run);
  const store = useRunStoreApi();
  const [links, setLinks] = useState(initialLinks);
  const [label, setLabel] = useState("");
  const [role, setRole] = useState<"edit" | "view">("edit");
  const [days, setDays] = useState<number>(7);
  const [handOff, setHandOff] = useState<StepId[]>([]);
  const [created, setCreated] = useState<{ url: string; label: string } | null>(null);
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<ShareLinkView | null>(null);
  // After a revoke the button that asked for it is gone: focus goes to the sentence that says what happened.
  const messageRef = useRef<HTMLParagraphElement>(null);

  // Every move of the run (a link opened, a step checked through a link) may change the list: its uses, its
  // status. Read it again then, so the list is current without a reload.
  useEffect(() => {
    let live = true;
    listShareLinksRequest(run.id)
      .then((answer) => live && setLinks(answer.links))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [run.id, run.version]);

  async function refreshRun() {
    // The change moved the run's version on; adopt it so the next write does not meet a 412.
    try {
      store.getState().receive(await fetchRun(run.id));
    } catch {
      // The poller catches up later.
    }
  }

  async function create(event: React.FormEvent) {
    event.preventDefault();
    const trimmed = label.trim();
    if (!trimmed)
      return setMessage({ kind: "error", text: "Give the link a label, such as “domain admin”." });
    setBusy(true);
    setMessage(null);
    try {
      const result = await createShareLinkRequest(run.id, {
        role,
        label: trimmed,
        expiresInDays: days,
        assignSteps: handOff,
      });
      setLinks((current) => [result.link, ...current]);
      setCreated({ url: `${window.location.origin}${result.path}`, label: trimmed });
      setLabel("");
      setHandOff([]);
      await refreshRun();
    } catch (error) {
      setMessage({
        kind: "error",
        text: error instanceof ApiCallError ? error.message : "The link could not be created.",
      });
    } finally {
      setBusy(false);
    }
  }

  async function revoke(link: ShareLinkView) {
    setRevoking(null);
    setBusy(true);
    setMessage(null);
    try {
      const result = await revokeShareLinkRequest(run.id, link.id);
      setLinks((current) => current.map((l) => (l.id === link.id ? { ...l, ...result.link } : l)));
      setMessage({ kind: "info", text: `The link “${link.label}” no longer works.` });
      requestAnimationFrame(() => messageRef.current?.focus());
      await refreshRun();
    } catch (error) {
      setMessage({
        kind: "error",
        text: error instanceof ApiCallError ? error.message : "The link could not be revoked.",
      });
    } finally {
      setBusy(false);
    }
  }

  function toggle(stepId: StepId, checked: boolean) {
    setHandOff((current) => (checked ? [...current, stepId] : current.filter((id) => id !== stepId)));
  }

  // The Connect server's part (its collector, the upload, the Connect wizard) is often someone else's job.
  const connectSteps = stepsForFlow(run.flow).filter((step) => step.where === "connect-server");
  function handToConnectAdmin() {
    setLabel("Connect server admin");
    setRole("edit");
    setHandOff(connectSteps.map((step) => step.id));
  }

  return (
    <section
      aria-labelledby="share-heading"
      className="no-print space-y-4 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <h2 id="share-heading" className="text-xl font-semibold">
        Share this run
      </h2>
      <p className="text-slate-700 dark:text-slate-300">
        Some steps need someone else — often the domain administrator. Give them a link: they see the steps
        you hand over first, with their scripts, and you see their progress here as it happens.
      </p>
      <form onSubmit={create} className="space-y-4" noValidate>
        <div>
          <label htmlFor="share-label" className="font-medium">
            Who is the link for?
          </label>
          <p id="share-label-hint" className="text-sm text-slate-600 dark:text-slate-400">
            A role or a name, for example “domain admin”. Their changes appear under it in the timeline.
          </p>
          <input
            id="share-label"
            className={FIELD}
            value={label}
            maxLength={60}
            aria-describedby="share-label-hint"
            onChange={(e) => setLabel(e.target.value)}
          />
        </div>
        <fieldset>
          <legend className="font-medium">What may they do?</legend>
          <div className="mt-1 space-y-1">
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="share-role"
                value="edit"
                className="mt-1 h-4 w-4"
                checked={role === "edit"}
                onChange={() => setRole("edit")}
              />
              <span>Work on the run — run checks, confirm steps, add notes</span>
            </label>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="share-role"
                value="view"
                className="mt-1 h-4 w-4"
                checked={role === "view"}
                onChange={() => setRole("view")}
              />
              <span>Only look — follow progress and download the report</span>
            </label>
          </div>
        </fieldset>
        <div>
          <label htmlFor="share-expiry" className="font-medium">
            Link stops working after
          </label>
          <select
            id="share-expiry"
            className={`${FIELD} sm:w-48`}
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
          >
            {EXPIRY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d === 1 ? "1 day" : `${d} days`}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend className="font-medium">Hand these steps over (optional)</legend>
          {connectSteps.length > 0 ? (
            <p className="mt-1 text-sm">
              <Button type="button" variant="secondary" onClick={handToConnectAdmin}>
                Hand the Connect server&apos;s steps to whoever administers it
              </Button>
            </p>
          ) : null}
          <div className="mt-1 grid gap-1 sm:grid-cols-2">
            {stepsForFlow(run.flow).map((step) => (
              <label key={step.id} className="flex items-start gap-2">
                <input
                  type="checkbox"
                  className="mt-1 h-4 w-4"
                  checked={handOff.includes(step.id)}
                  onChange={(e) => toggle(step.id, e.target.checked)}
                />
                <span>
                  {step.title}
                  {run.steps[step.id]?.assignee ? (
                    <span className="text-sm text-slate-600 dark:text-slate-400">
                      {" "}
                      (now: {run.steps[step.id]?.assignee})
                    </span>
                  ) : null}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <Button type="submit" disabled={busy}>
          Create link
        </Button>
      </form>

      {created ? (
        <div className="space-y-2 rounded-md bg-green-50 p-3 text-green-950 dark:bg-green-950 dark:text-green-50">
          <label htmlFor="share-created" className="font-semibold">
            Link for “{created.label}”
          </label>
          <input
            id="share-created"
            readOnly
            className={`${FIELD} font-mono text-sm`}
            value={created.url}
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="flex flex-wrap items-center gap-3">
            <CopyButton text={created.url} label={`link for ${created.label}`} />
          </div>
          <p className="text-sm">
            Copy it now and send it through a channel you trust. The wizard keeps only a fingerprint of the
            link, so it cannot show it again; if it is lost, create a new one and revoke this one.
          </p>
        </div>
      ) : null}

      {message ? (
        <p
          ref={messageRef}
          tabIndex={-1}
          role={message.kind === "error" ? "alert" : "status"}
          className={message.kind === "error" ? "text-red-800 dark:text-red-300" : ""}
        >
          {message.text}
        </p>
      ) : null}

      <div className="space-y-2">
        <h3 className="font-semibold">Links</h3>
        {links.length === 0 ? (
          <p className="text-slate-700 dark:text-slate-300">No links yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200 border-y border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {links.map((link) => (
              <li
                key={link.id}
                className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between"
              >
                <div className="min-w-0">
                  <p className="font-medium break-words">
                    {link.label}{" "}
                    <span className="text-sm font-normal text-slate-700 dark:text-slate-300">
                      · {link.role === "edit" ? "can work on the run" : "can only look"} ·{" "}
                      {STATUS_TEXT[link.status]}
                    </span>
                  </p>
                  <p className="text-sm text-slate-600 dark:text-slate-400">
                    {link.status === "revoked" && link.revokedAt
                      ? `Revoked ${formatDateTime(link.revokedAt)}`
                      : `${link.status === "expired" ? "Expired" : "Expires"} ${formatDateTime(link.expiresAt)}`}
                    {" · "}
                    {link.uses === 0
                      ? "not opened yet"
                      : `opened ${link.uses === 1 ? "once" : `${link.uses} times`}, last ${formatDateTime(link.lastUsedAt ?? link.createdAt)}`}
                  </p>
                </div>
                {link.status === "active" ? (
                  <Button variant="danger" onClick={() => setRevoking(link)} disabled={busy}>
                    Revoke<span className="sr-only"> the link “{link.label}”</span>
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke the link “${revoking?.label ?? ""}”?`}
        confirmLabel="Revoke the link"
        cancelLabel="Keep it"
        onConfirm={() => revoking && void revoke(revoking)}
        onCancel={() => setRevoking(null)}
      >
        <p>
          Whoever holds it loses access at once; a page they have open says so within a few seconds. What they
          did stays in the timeline. A revoked link cannot be turned back on: share a new one if needed.
        </p>
      </ConfirmDialog>
    </section>
  );
}
