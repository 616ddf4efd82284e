import "server-only";
import { LRUCache } from "lru-cache";
import { type ScanProgress } from "@/lib/directory/port";

// Progress of running scans, per run and step, for the progress bar. In memory: the browser polls the instance that
// runs the scan (with several instances behind a load balancer a poll may land elsewhere and see nothing, which the
// UI shows as "working").

// A scan that stopped reporting (its process busy elsewhere, or it ended without clearing) is forgotten after ten
// minutes; at most 1000 scans are followed at once, the least recently updated going first.
const PROGRESS = new LRUCache<string, ScanProgress>({ max: 1000, ttl: 10 * 60_000 });

export function setProgress(runId: string, stepId: string, progress: ScanProgress): void {
  PROGRESS.set(`${runId}|${stepId}`, { ...progress });
}

export function clearProgress(runId: string, stepId: string): void {
  PROGRESS.delete(`${runId}|${stepId}`);
}

export function getProgress(runId: string, stepId: string): ScanProgress | null {
  const entry = PROGRESS.get(`${runId}|${stepId}`);
  if (!entry) return null;
  return { phase: entry.phase, scanned: entry.scanned, total: entry.total };
}
