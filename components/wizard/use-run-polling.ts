"use client";

import { useEffect } from "react";
import { pollRun } from "@/lib/client/api";
import { useLoseRunAccess } from "@/lib/client/run-access";
import { useRunStoreApi } from "@/lib/client/run-store-provider";

/** How often an open run page asks whether the run moved on. A 304 costs a few hundred bytes. */
export const POLL_INTERVAL_MS = 3000;

/**
 * Keeps the cached run fresh while the tab is visible: ETag polling (If-None-Match → 304), fed through the
 * store's `receive`, which ignores anything older than what it has. A hidden tab makes no requests; it catches
 * up as soon as it is shown again. When the share link this page came through is revoked or expires, the page
 * stays as it is, says so and disables its controls (through the access context); any other 404 reloads the
 * page, which then shows why.
 */
export function useRunPolling(intervalMs: number = POLL_INTERVAL_MS): void {
  const store = useRunStoreApi();
  const lose = useLoseRunAccess();
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
          if (result.lostLink) lose(result.lostLink);
          else window.location.reload();
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
  }, [store, intervalMs, lose]);
}
