import { type StepId } from "@/lib/steps/ids";
import { type RunChange } from "@/lib/steps/run-changes";
import { type Finding, type RemediationScript } from "@/lib/steps/types";
import { type ApiErrorBody, type ClientRun } from "./types";

// Browser-side calls to the wizard's API. Every failure becomes an ApiCallError carrying the server's sentence.

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** On 412: the run as it is now on the server. */
    readonly current?: ClientRun,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

async function call<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { "content-type": "application/json", ...(init.headers ?? {}) },
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiCallError(
      0,
      "network",
      "The wizard's server could not be reached. Check your connection and retry.",
    );
  }
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const body = data as ApiErrorBody | null;
    throw new ApiCallError(
      response.status,
      body?.error?.code ?? "unknown",
      body?.error?.message ?? `The server answered ${response.status}.`,
      body?.current,
    );
  }
  return data as T;
}

export function createRunRequest(flow: "enable" | "cleanup"): Promise<ClientRun> {
  return call<ClientRun>("/api/runs", { method: "POST", body: JSON.stringify({ flow }) });
}

export function fetchRun(id: string): Promise<ClientRun> {
  return call<ClientRun>(`/api/runs/${encodeURIComponent(id)}`, { method: "GET" });
}

export function patchRunRequest(
  run: { id: string; version: number },
  changes: RunChange[],
): Promise<ClientRun> {
  return call<ClientRun>(`/api/runs/${encodeURIComponent(run.id)}`, {
    method: "PATCH",
    headers: { "if-match": `"v${run.version}"` },
    body: JSON.stringify({ changes }),
  });
}

export interface VerifyResponse {
  stepId: StepId;
  status: string;
  confidence: string | null;
  findings: Finding[];
  evidence: Record<string, unknown>;
  remediation: RemediationScript[];
  checkedAt: string;
  version: number;
  run: ClientRun;
}

export function verifyRequest(
  stepId: StepId,
  body: { runId: string; expectedVersion?: number; attestation?: { by: string; note?: string } },
): Promise<VerifyResponse> {
  return call<VerifyResponse>(`/api/verify/${stepId}`, { method: "POST", body: JSON.stringify(body) });
}

export function saveNameRequest(name: string): Promise<{ name: string }> {
  return call<{ name: string }>("/api/me", { method: "PUT", body: JSON.stringify({ name }) });
}
