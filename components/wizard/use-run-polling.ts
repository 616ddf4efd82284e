"use client";

import { useEffect } from "react";
import { pollRun } from "@/lib/client/api";
import { useRunStoreApi } from "@/lib/client/run-store-provider";

/** How often an open run page asks whether the run moved on. A 304 costs a few hundred bytes. */
export const POLL_INTERVAL_MS = 3000;

/**
 * Keeps the cached run fresh while the tab is visible: ETag polling (If-None-Match → 304), fed through the
 * store's `receive`, which ignores anything older than what it has. A hidden tab makes no requests; it catches
 * up as soon as it is shown again. Losing access (404) reloads the page, which then shows why.
 */
export function useRunPolling(intervalMs: number = POLL_INTERVAL_MS): void {
  const store = useRunStoreApi();
  useEffect(() => {
    let inFlight = false;
    let stopped = false;
    async function tick() {
      if (stopped || inFlight || document.visibilityState !== "visible") return;
      inFlight = true;
      try {
        const { run } = store.getState();
        const result = await pollRun(run.id, run.version);
        if (result.kind === "changed") store.getState().receive(result.run);
        else if (result.kind === "gone") {
          stopped = true;
          window.location.reload();
        }
      } catch {
        // A missed poll is harmless: the next one tries again.
      } finally {
        inFlight = false;
      }
    }
    const timer = window.setInterval(() => void tick(), intervalMs);
    const onVisibility = () => {
      if (document.visibilityState === "visible") void tick();
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [store, intervalMs]);
}
