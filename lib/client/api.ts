import { type StepId } from "@/lib/steps/ids";
import { type RunChange } from "@/lib/steps/run-changes";
import { type Finding, type RemediationScript } from "@/lib/steps/types";
import { type DriftReport } from "@/lib/steps/drift";
import { graphAuthorization } from "./graph-token";
import { type ApiErrorBody, type ClientRun, type ClientShareLink } from "./types";

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

export async function call<T>(path: string, init: RequestInit): Promise<T> {
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

export async function verifyRequest(
  stepId: StepId,
  body: { runId: string; expectedVersion?: number; attestation?: { by: string; note?: string } },
): Promise<VerifyResponse> {
  // Live mode: the step's Graph token rides along (attestations need none); the server never keeps it.
  const headers = body.attestation ? {} : await graphAuthorization(stepId);
  return call<VerifyResponse>(`/api/verify/${stepId}`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
}

export function saveNameRequest(name: string): Promise<{ name: string }> {
  return call<{ name: string }>("/api/me", { method: "PUT", body: JSON.stringify({ name }) });
}

export type PollResult = { kind: "unchanged" } | { kind: "changed"; run: ClientRun } | { kind: "gone" };

/**
 * Asks for the run only if it moved past `version`: the server answers 304 with no body when it did not.
 * 404 means this browser lost access (a revoked or expired link) or the run is gone.
 */
export async function pollRun(id: string, version: number): Promise<PollResult> {
  const response = await fetch(`/api/runs/${encodeURIComponent(id)}`, {
    method: "GET",
    headers: { "if-none-match": `"v${version}"` },
    credentials: "same-origin",
    cache: "no-store",
  });
  if (response.status === 304) return { kind: "unchanged" };
  if (response.status === 404) return { kind: "gone" };
  if (!response.ok)
    throw new ApiCallError(response.status, "poll", `The server answered ${response.status}.`);
  return { kind: "changed", run: (await response.json()) as ClientRun };
}

export interface CreatedShareLink {
  link: ClientShareLink;
  /** `/share/<token>`: shown once, never again. */
  path: string;
}

export function createShareLinkRequest(
  runId: string,
  body: { role: "view" | "edit"; label: string; expiresInDays: number; assignSteps: StepId[] },
): Promise<CreatedShareLink> {
  return call<CreatedShareLink>(`/api/runs/${encodeURIComponent(runId)}/share-links`, {
    method: "POST",
    body: JSON.stringify(body),
  });
}

export function listShareLinksRequest(runId: string): Promise<{ links: ClientShareLink[] }> {
  return call<{ links: ClientShareLink[] }>(`/api/runs/${encodeURIComponent(runId)}/share-links`, {
    method: "GET",
  });
}

export function revokeShareLinkRequest(runId: string, linkId: string): Promise<{ link: ClientShareLink }> {
  return call<{ link: ClientShareLink }>(
    `/api/runs/${encodeURIComponent(runId)}/share-links/${encodeURIComponent(linkId)}`,
    { method: "DELETE" },
  );
}

export function reverifyRequest(
  runId: string,
  expectedVersion?: number,
): Promise<{ run: ClientRun; drift: DriftReport }> {
  return call<{ run: ClientRun; drift: DriftReport }>(`/api/runs/${encodeURIComponent(runId)}/reverify`, {
    method: "POST",
    body: JSON.stringify({ expectedVersion }),
  });
}
