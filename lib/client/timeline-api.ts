import { type RunView } from "@/lib/contract/runs";
import { call } from "./api";

/** The page of the run's timeline before event `before` (GET /api/runs/<id>?before=), with its own cursor. */
export function fetchOlderEvents(runId: string, before: number): Promise<RunView> {
  return call<RunView>(`/api/runs/${encodeURIComponent(runId)}?before=${before}`, { method: "GET" });
}
