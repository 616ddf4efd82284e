"use client";

import { useRunPolling } from "./use-run-polling";

/** Mounted on pages that watch a run: changes made elsewhere (a shared link, another window) appear here. */
export function LiveUpdates() {
  useRunPolling();
  return (
    <p className="no-print text-sm text-slate-600 dark:text-slate-400">
      This page updates by itself while it is open.
    </p>
  );
}
