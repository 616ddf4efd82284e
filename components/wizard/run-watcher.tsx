"use client";

import { useRunPolling } from "./use-run-polling";

/**
 * Mounted once by the run layout, so every page of a run (step, review, report) follows changes made elsewhere
 * and learns within one poll when the share link it was opened through stops working.
 */
export function RunWatcher() {
  useRunPolling();
  return null;
}
