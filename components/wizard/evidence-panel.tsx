"use client";

import { useEffect, useState } from "react";
import { useRunStore } from "@/lib/client/run-store-provider";
import { type StepId } from "@/lib/steps/ids";
import { useRefreshRun } from "./use-refresh-run";
import { useRunActions } from "./use-run-actions";

// What the panels for an evidence file share (the Connect server's, the cloud sync agents'): the state the server
// holds for the run, read again whenever the run's version moves on (an upload by someone else through an edit link
// shows up); one change at a time, after which the step is checked again so its verdict follows the files; the file
// input and the answer beside it, announced.

export type PanelMessage = { kind: "error" | "info"; text: string } | null;

export function useEvidencePanel<State>(stepId: StepId, load: (runId: string) => Promise<State>) {
  const runId = useRunStore((s) => s.run.id);
  const version = useRunStore((s) => s.run.version);
  const { verify } = useRunActions();
  const refreshRun = useRefreshRun();
  const [state, setState] = useState<State | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<PanelMessage>(null);

  useEffect(() => {
    let live = true;
    load(runId)
      .then((s) => {
        if (!live) return;
        setState(s);
        setLoaded(true);
      })
      .catch(() => live && setLoaded(true));
    return () => {
      live = false;
    };
  }, [runId, version, load]);

  /**
   * Runs one change (an upload, a removal, a simulation); on success shows what the server now holds, adopts the
   * run's new version (the change moved it on, and the check must not meet a 412), checks the step again and then
   * says what happened. `failure` is the sentence when the change throws something without a message.
   */
  async function act(work: () => Promise<{ state: State; text: string }>, failure: string): Promise<void> {
    setBusy(true);
    setMessage(null);
    try {
      const done = await work();
      setState(done.state);
      await refreshRun();
      const checked = await verify(stepId);
      setMessage(
        checked.ok || checked.conflict
          ? { kind: "info", text: done.text }
          : { kind: "error", text: `${done.text} The check that followed failed: ${checked.message}` },
      );
    } catch (e) {
      setMessage({ kind: "error", text: e instanceof Error ? e.message : failure });
    } finally {
      setBusy(false);
    }
  }

  return { runId, state, loaded, busy, message, act };
}

/** A JSON file input; the file's text goes to `onText`, and the same file can be chosen again. */
export function EvidenceFileInput({
  id,
  label,
  busy,
  messageId,
  onText,
}: {
  id: string;
  label: string;
  busy: boolean;
  messageId: string;
  onText: (text: string) => void;
}) {
  async function change(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (file) onText(await file.text());
  }
  return (
    <div>
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <input
        id={id}
        type="file"
        accept=".json,application/json"
        className="mt-1 block w-full max-w-full text-sm"
        disabled={busy}
        aria-describedby={messageId}
        onChange={(e) => void change(e)}
      />
    </div>
  );
}

/** The answer to the last action of a panel, announced politely (an error as an alert). */
export function LiveMessage({ id, message }: { id?: string; message: PanelMessage }) {
  return (
    <div id={id} aria-live="polite">
      {message ? (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={message.kind === "error" ? "text-red-800 dark:text-red-300" : ""}
        >
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
