import { ApiCallError } from "./api";
import { type ClientRun } from "./types";

// Browser-side calls of the directory feature (issue 5). Failures become ApiCallError with the server's sentence.

export interface DirectoryFindingView {
  code: string;
  severity: "error" | "warning" | "info";
  dn: string;
  reason: string;
  remediation: string;
  anchor?: string;
}

export interface DirectoryStateView {
  ldap: string | null;
  configurationError: string | null;
  snapshot: { collectedAt: string; domains: string[]; users: number } | null;
  settings: { confirmedConnectorDn: string | null; scope: string[] };
  configuredConnector: string | null;
  scans: Partial<
    Record<
      string,
      {
        scannedAt: string;
        summary: string;
        status: string;
        source: string;
        findings: number;
        candidates: { dn: string; name: string; description: string | null }[];
        connector: { dn: string; name: string; how: string } | null;
      }
    >
  >;
  pending: { stepId: string; appliedAt: string; changes: { kind: string; dn: string }[] }[];
  progress: Partial<Record<string, { phase: string; scanned: number; total: number | null }>>;
}

export interface FixPreviewView {
  stepId: string;
  planId: string;
  connector: string;
  previews: {
    label: string;
    change: { kind: string; dn: string; why: string };
    diff: { before: string; after: string; lines: string[] } | null;
    note: string | null;
  }[];
  notAddressed: string[];
  /** Set when the typed credential is not used (the sandbox directory). */
  credentialNote?: string | null;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      credentials: "same-origin",
      cache: "no-store",
      headers: { "content-type": "application/json", ...(init.headers ?? {}) },
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
    const body = data as { error?: { code?: string; message?: string } } | null;
    throw new ApiCallError(
      response.status,
      body?.error?.code ?? "unknown",
      body?.error?.message ?? `The server answered ${response.status}.`,
    );
  }
  return data as T;
}

const base = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/directory`;

export const directoryApi = {
  state: (runId: string) => call<DirectoryStateView>(base(runId)),
  saveSettings: (runId: string, settings: Partial<DirectoryStateView["settings"]>) =>
    call<DirectoryStateView>(base(runId), { method: "PATCH", body: JSON.stringify(settings) }),
  uploadSnapshot: (runId: string, text: string) =>
    call<{ snapshot: DirectoryStateView["snapshot"] }>(`${base(runId)}/snapshot`, {
      method: "POST",
      body: text,
    }),
  findings: (
    runId: string,
    query: { step: string; q?: string; code?: string; offset?: number; limit?: number },
  ) => {
    const params = new URLSearchParams({
      step: query.step,
      offset: String(query.offset ?? 0),
      limit: String(query.limit ?? 25),
    });
    if (query.q) params.set("q", query.q);
    if (query.code) params.set("code", query.code);
    return call<{
      total: number;
      offset: number;
      findings: DirectoryFindingView[];
      summary: string;
      scannedAt: string;
    }>(`${base(runId)}/findings?${params}`);
  },
  exportUrl: (runId: string, step: string, format: "csv" | "json", q?: string) => {
    const params = new URLSearchParams({ step, format });
    if (q) params.set("q", q);
    return `${base(runId)}/findings?${params}`;
  },
  previewFix: (runId: string, stepId: string) =>
    call<FixPreviewView>(`${base(runId)}/fix/preview`, { method: "POST", body: JSON.stringify({ stepId }) }),
  applyFix: (
    runId: string,
    body: {
      stepId: string;
      planId: string;
      expectedVersion?: number;
      credential: { bindDn: string; password: string };
    },
  ) =>
    call<{
      applied: { kind: string; dn: string; result: string }[];
      verification: { status: string; run: ClientRun };
    }>(`${base(runId)}/fix/apply`, {
      method: "POST",
      body: JSON.stringify(body),
    }),
};

export const COLLECT_SCRIPT_URL = "/api/directory/collect-script";
