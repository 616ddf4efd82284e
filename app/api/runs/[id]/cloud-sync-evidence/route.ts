import { NextResponse } from "next/server";
import { type CloudSyncEvidenceState, type CloudSyncEvidenceUploadResponse } from "@/lib/contract/cloud-sync";
import { ApiError, invalidBody } from "@/lib/server/api-error";
import {
  CLOUD_SYNC_EVIDENCE_MAX_BYTES,
  cloudSyncEvidenceState,
  removeCloudSyncEvidence,
  removeQuerySchema,
  uploadCloudSyncEvidence,
} from "@/lib/server/cloud-sync/evidence-service";
import { readLimitedText, route } from "@/lib/server/http";

// The cloud sync provisioning agents' files of a run (one per agent server, from the agent collector): read them
// (view rights), upload one (edit rights: the owner, or whoever administers the agent servers through an edit link;
// it replaces that server's earlier file), remove one server's file (edit rights, ?computerName=).
export const GET = route<{ id: string }>(async ({ principal, params }) =>
  NextResponse.json<CloudSyncEvidenceState>(await cloudSyncEvidenceState(principal, params.id)),
);

export const POST = route<{ id: string }>(async ({ principal, params, request }) => {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new ApiError(
      "unsupported-media-type",
      "Send the provisioning agent file as JSON (Content-Type: application/json).",
    );
  }
  const text = await readLimitedText(request, CLOUD_SYNC_EVIDENCE_MAX_BYTES);
  const { agent, state } = await uploadCloudSyncEvidence(principal, params.id, text);
  return NextResponse.json<CloudSyncEvidenceUploadResponse>({ ...state, agent }, { status: 201 });
});

export const DELETE = route<{ id: string }>(async ({ principal, params, request }) => {
  const parsed = removeQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw invalidBody(parsed.error, "query");
  return NextResponse.json<CloudSyncEvidenceState>(
    await removeCloudSyncEvidence(principal, params.id, parsed.data.computerName),
  );
});
