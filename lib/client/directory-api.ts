import {
  type DirectorySettingsBody,
  type DirectoryState,
  type FindingsPage,
  type FindingsQuery,
  type FixApplyBody,
  type FixApplyResponse,
  type FixPreviewBody,
  type FixPreviewView,
  type SnapshotUploadResponse,
} from "@/lib/contract/directory";
import { call, json } from "./api";

// Browser-side calls of the directory feature. Failures become ApiCallError with the server's sentence.

const base = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/directory`;

export const directoryApi = {
  state: (runId: string) => call<DirectoryState>(base(runId)),
  saveSettings: (runId: string, settings: DirectorySettingsBody) =>
    call<DirectoryState>(base(runId), { method: "PATCH", body: json<DirectorySettingsBody>(settings) }),
  // The file as it is, streamed by the browser: the collector's .json.gz goes as gzip, a .json as JSON.
  uploadSnapshot: (runId: string, file: File) =>
    call<SnapshotUploadResponse>(`${base(runId)}/snapshot`, {
      method: "POST",
      body: file,
      headers: { "content-type": /\.gz$/i.test(file.name) ? "application/gzip" : "application/json" },
    }),
  findings: (runId: string, query: Omit<FindingsQuery, "format" | "severity">) => {
    const params = new URLSearchParams({
      step: query.step,
      offset: String(query.offset ?? 0),
      limit: String(query.limit ?? 25),
    });
    if (query.q) params.set("q", query.q);
    if (query.code) params.set("code", query.code);
    return call<FindingsPage>(`${base(runId)}/findings?${params}`);
  },
  exportUrl: (runId: string, step: FindingsQuery["step"], format: "csv" | "json", q?: string) => {
    const params = new URLSearchParams({ step, format });
    if (q) params.set("q", q);
    return `${base(runId)}/findings?${params}`;
  },
  previewFix: (runId: string, stepId: FixPreviewBody["stepId"]) =>
    call<FixPreviewView>(`${base(runId)}/fix/preview`, {
      method: "POST",
      body: json<FixPreviewBody>({ stepId }),
    }),
  applyFix: (runId: string, body: FixApplyBody) =>
    call<FixApplyResponse>(`${base(runId)}/fix/apply`, {
      method: "POST",
      body: json<FixApplyBody>(body),
    }),
};

export const COLLECT_SCRIPT_URL = "/api/directory/collect-script";
