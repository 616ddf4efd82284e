import {
  type ApiErrorBody,
  type CreateRunBody,
  type LostLinkView,
  type PatchRunBody,
  type ReverifyBody,
  type ReverifyResponse,
  type RunChange,
  type RunView,
  type SaveNameBody,
  type SaveNameResponse,
  type VerifyBody,
  type VerifyResponse,
} from "@/lib/contract/runs";
import {
  type CreatedShareLink,
  type CreateShareLinkBody,
  type RevokedShareLink,
  type ShareLinkListResponse,
} from "@/lib/contract/share";
import { type StepId } from "@/lib/steps/ids";
import { graphAuthorization } from "./graph-token";

// Browser-side calls to the wizard's API, the one fetch wrapper of lib/client. Every failure becomes an
// ApiCallError carrying the server's sentence. Bodies and answers are the shapes of lib/contract.

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** On 412: the run as it is now on the server. */
    readonly current?: RunView,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
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

/** A JSON body typed by the contract. */
export function json<T>(body: T): string {
  return JSON.stringify(body);
}

export function createRunRequest(flow: CreateRunBody["flow"]): Promise<RunView> {
  return call<RunView>("/api/runs", { method: "POST", body: json<CreateRunBody>({ flow }) });
}

export function fetchRun(id: string): Promise<RunView> {
  return call<RunView>(`/api/runs/${encodeURIComponent(id)}`, { method: "GET" });
}

export function patchRunRequest(
  run: { id: string; version: number },
  changes: RunChange[],
): Promise<RunView> {
  return call<RunView>(`/api/runs/${encodeURIComponent(run.id)}`, {
    method: "PATCH",
    headers: { "if-match": `"v${run.version}"` },
    body: json<PatchRunBody>({ changes }),
  });
}

export async function verifyRequest(stepId: StepId, body: VerifyBody): Promise<VerifyResponse> {
  // Live mode: the step's Graph token rides along (attestations need none); the server never keeps it.
  const headers = body.attestation ? {} : await graphAuthorization(stepId);
  return call<VerifyResponse>(`/api/verify/${stepId}`, {
    method: "POST",
    headers,
    body: json<VerifyBody>(body),
  });
}

export function saveNameRequest(name: string): Promise<SaveNameResponse> {
  return call<SaveNameResponse>("/api/me", { method: "PUT", body: json<SaveNameBody>({ name }) });
}

export type PollResult =
  { kind: "unchanged" } | { kind: "changed"; run: RunView } | { kind: "gone"; lostLink: LostLinkView | null };

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
  if (response.status === 404) {
    const body = (await response.json().catch(() => null)) as ApiErrorBody | null;
    return { kind: "gone", lostLink: body?.lostLink ?? null };
  }
  if (!response.ok)
    throw new ApiCallError(response.status, "poll", `The server answered ${response.status}.`);
  return { kind: "changed", run: (await response.json()) as RunView };
}

export function createShareLinkRequest(runId: string, body: CreateShareLinkBody): Promise<CreatedShareLink> {
  return call<CreatedShareLink>(`/api/runs/${encodeURIComponent(runId)}/share-links`, {
    method: "POST",
    body: json<CreateShareLinkBody>(body),
  });
}

export function listShareLinksRequest(runId: string): Promise<ShareLinkListResponse> {
  return call<ShareLinkListResponse>(`/api/runs/${encodeURIComponent(runId)}/share-links`, {
    method: "GET",
  });
}

export function revokeShareLinkRequest(runId: string, linkId: string): Promise<RevokedShareLink> {
  return call<RevokedShareLink>(
    `/api/runs/${encodeURIComponent(runId)}/share-links/${encodeURIComponent(linkId)}`,
    { method: "DELETE" },
  );
}

export function reverifyRequest(runId: string, expectedVersion?: number): Promise<ReverifyResponse> {
  return call<ReverifyResponse>(`/api/runs/${encodeURIComponent(runId)}/reverify`, {
    method: "POST",
    body: json<ReverifyBody>({ expectedVersion }),
  });
}
