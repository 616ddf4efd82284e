import { type CloudSyncEvidenceState, type CloudSyncEvidenceUploadResponse } from "@/lib/contract/cloud-sync";
import { call } from "./api";

// Browser-side calls for the cloud sync provisioning agents' files. Failures become ApiCallError with the server's
// sentence.

const base = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/cloud-sync-evidence`;

export const cloudSyncApi = {
  state: (runId: string) => call<CloudSyncEvidenceState>(base(runId)),
  upload: (runId: string, text: string) =>
    call<CloudSyncEvidenceUploadResponse>(base(runId), { method: "POST", body: text }),
  remove: (runId: string, computerName: string) =>
    call<CloudSyncEvidenceState>(`${base(runId)}?computerName=${encodeURIComponent(computerName)}`, {
      method: "DELETE",
    }),
};

export const CLOUD_SYNC_COLLECT_SCRIPT_URL = "/api/cloud-sync/collect-script";
