"use client";

import { useEffect, useState } from "react";
import { ApiCallError } from "@/lib/client/api";
import { useRunAccess } from "@/lib/client/run-access";
import { outcomeKey, type ActionOutcome } from "./action-result";
import { useRefreshRun } from "./use-refresh-run";

/** The amber box every sandbox control panel sits in. */
export const SANDBOX_BOX =
  "space-y-3 rounded-lg border border-amber-400 bg-amber-50 p-4 text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-50";

/**
 * State of one sandbox control panel: the simulated system's view (read once), the last message, and `act`, which
 * sends a control and shows its answer. A view link reads but may not act (the server refuses it too).
 */
export function useSandboxControls<View extends { message?: string | null }, Control>(
  runId: string,
  api: { read(runId: string): Promise<View>; act(runId: string, control: Control): Promise<View> },
  what: string,
) {
  const readOnly = useRunAccess().role === "view";
  const [view, setView] = useState<View | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The answer to the last button, shown beside the buttons (ActionResult), focused and announced.
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const refreshRun = useRefreshRun();
  const { read } = api;

  useEffect(() => {
    let live = true;
    read(runId)
      .then((v) => live && setView(v))
      .catch(() => live && setMessage(`The ${what} could not be read.`));
    return () => {
      live = false;
    };
  }, [runId, read, what]);

  async function act(control: Control) {
    setBusy(true);
    try {
      const next = await api.act(runId, control);
      // The simulation is in the run's timeline now, which moved the run's version on: adopt it before saying
      // "Done", so a "Check now" pressed on reading it does not meet a 412.
      await refreshRun();
      setView(next);
      setMessage(null);
      setOutcome({
        tone: "success",
        status: "Done",
        reason: next.message ?? "The simulated change was made.",
        next: "press “Check now” to see what the wizard finds.",
        key: outcomeKey(),
      });
    } catch (error) {
      setOutcome({
        tone: "error",
        status: "Not done",
        reason: error instanceof ApiCallError ? error.message : "The sandbox did not answer.",
        next: "try again; if it keeps failing, reload the page.",
        key: outcomeKey(),
      });
    } finally {
      setBusy(false);
    }
  }

  return { view, message, outcome, busy, readOnly, act };
}
