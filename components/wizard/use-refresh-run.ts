"use client";

import { useCallback } from "react";
import { pollRun } from "@/lib/client/api";
import { useRunStoreApi } from "@/lib/client/run-store-provider";

/**
 * Fetches the run at once after an action that added to its timeline without answering with the run (a sandbox
 * simulation, a confirmed connector, an uploaded snapshot), so the version on screen is current before the next
 * write and the timeline shows the entry. A failure is harmless: the next poll catches up.
 */
export function useRefreshRun(): () => Promise<void> {
  const store = useRunStoreApi();
  return useCallback(async () => {
    try {
      const { run } = store.getState();
      const result = await pollRun(run.id, run.version);
      if (result.kind === "changed") store.getState().receive(result.run);
    } catch {
      // The poller tries again.
    }
  }, [store]);
}
