import "server-only";
import { type ScanProgress } from "@/lib/directory/port";

// Progress of running scans, per run and step, for the progress bar. In memory: the browser polls the instance that
// runs the scan (with several instances behind a load balancer a poll may land elsewhere and see nothing, which the
// UI shows as "working").

interface Entry extends ScanProgress {
  at: number;
}

const PROGRESS = new Map<string, Entry>();
const TTL_MS = 10 * 60_000;

export function setProgress(runId: string, stepId: string, progress: ScanProgress): void {
  PROGRESS.set(`${runId}|${stepId}`, { ...progress, at: Date.now() });
  if (PROGRESS.size > 1000) {
    for (const [key, value] of PROGRESS) if (Date.now() - value.at > TTL_MS) PROGRESS.delete(key);
  }
}

export function clearProgress(runId: string, stepId: string): void {
  PROGRESS.delete(`${runId}|${stepId}`);
}

export function getProgress(runId: string, stepId: string): ScanProgress | null {
  const entry = PROGRESS.get(`${runId}|${stepId}`);
  if (!entry || Date.now() - entry.at > TTL_MS) return null;
  return { phase: entry.phase, scanned: entry.scanned, total: entry.total };
}
