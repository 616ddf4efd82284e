"use client";

import { useEffect, useState } from "react";
import { ApiCallError } from "@/lib/client/api";
import { useRunAccess } from "@/lib/client/run-access";
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
      setView(next);
      setMessage(next.message ?? null);
      // The simulation is in the run's timeline now.
      await refreshRun();
    } catch (error) {
      setMessage(error instanceof ApiCallError ? error.message : "The sandbox did not answer.");
    } finally {
      setBusy(false);
    }
  }

  return { view, message, busy, readOnly, act };
}
