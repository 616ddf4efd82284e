import { NextResponse } from "next/server";
import { type ConnectEvidenceState, type ConnectEvidenceUploadResponse } from "@/lib/contract/connect";
import { ApiError } from "@/lib/server/api-error";
import {
  CONNECT_EVIDENCE_MAX_BYTES,
  connectEvidenceState,
  uploadConnectEvidence,
} from "@/lib/server/connect/evidence-service";
import { readLimitedText, route } from "@/lib/server/http";

// The Connect server's evidence of a run (the Connect collector's JSON): read it (view rights), upload it (edit
// rights: the owner, or whoever administers the Connect server through an edit link). Its own size limit.
export const GET = route<{ id: string }>(async ({ principal, params }) =>
  NextResponse.json<ConnectEvidenceState>({ evidence: await connectEvidenceState(principal, params.id) }),
);

export const POST = route<{ id: string }>(async ({ principal, params, request }) => {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new ApiError(
      "unsupported-media-type",
      "Send the Connect evidence as JSON (Content-Type: application/json).",
    );
  }
  const text = await readLimitedText(request, CONNECT_EVIDENCE_MAX_BYTES);
  return NextResponse.json<ConnectEvidenceUploadResponse>(
    { evidence: await uploadConnectEvidence(principal, params.id, text) },
    { status: 201 },
  );
});
