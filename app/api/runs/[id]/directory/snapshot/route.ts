import { type SnapshotUploadResponse } from "@/lib/contract/directory";
import { NextResponse } from "next/server";
import { ApiError } from "@/lib/server/api-error";
import { env } from "@/lib/server/env";
import { readLimitedText, route } from "@/lib/server/http";
import { uploadSnapshot } from "@/lib/server/directory/state-service";

// Upload of an evidence snapshot (the collector's JSON). Its own size limit (DIRECTORY_SNAPSHOT_MAX_BYTES): a
// domain's worth of descriptors is far larger than an ordinary request body.
export const POST = route<{ id: string }>(async ({ principal, params, request }) => {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new ApiError(
      "unsupported-media-type",
      "Send the snapshot as JSON (Content-Type: application/json).",
    );
  }
  const text = await readLimitedText(request, env().DIRECTORY_SNAPSHOT_MAX_BYTES);
  return NextResponse.json<SnapshotUploadResponse>(
    { snapshot: await uploadSnapshot(principal, params.id, text) },
    { status: 201 },
  );
});
