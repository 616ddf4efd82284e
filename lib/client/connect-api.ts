import {
  type ConnectEvidenceState,
  type ConnectEvidenceUploadResponse,
  type SandboxConnectAction,
  type SandboxConnectBody,
  type SandboxConnectResponse,
} from "@/lib/contract/connect";
import { call, json } from "./api";

// Browser-side calls for the Connect server's evidence. Failures become ApiCallError with the server's sentence.

const base = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/connect-evidence`;

export const connectApi = {
  state: (runId: string) => call<ConnectEvidenceState>(base(runId)),
  upload: (runId: string, text: string) =>
    call<ConnectEvidenceUploadResponse>(base(runId), { method: "POST", body: text }),
  sandbox: (runId: string, action: SandboxConnectAction) =>
    call<SandboxConnectResponse>("/api/sandbox/connect", {
      method: "POST",
      body: json<SandboxConnectBody>({ runId, action }),
    }),
};

export const CONNECT_COLLECT_SCRIPT_URL = "/api/connect/collect-script";
