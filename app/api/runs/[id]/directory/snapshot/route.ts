import { type SnapshotUploadResponse } from "@/lib/contract/directory";
import { NextResponse } from "next/server";
import { ApiError } from "@/lib/server/api-error";
import { env } from "@/lib/server/env";
import { route, streamLimitedBody } from "@/lib/server/http";
import { uploadSnapshot } from "@/lib/server/directory/state-service";

// Upload of an evidence snapshot (the collector's file): JSON, or gzip as a .json.gz file (application/gzip) or as
// JSON sent with Content-Encoding: gzip. Its own size limit (DIRECTORY_SNAPSHOT_MAX_BYTES, on the bytes as sent): a
// domain's worth of descriptors is far larger than an ordinary request body. The body is checked as it streams in
// and never held whole; proxy.ts leaves this path alone so that Next does not buffer it either.
const JSON_TYPE = /^application\/json\b/i;
const GZIP_TYPE = /^application\/(x-)?gzip\b/i;

export const POST = route<{ id: string }>(async ({ principal, params, request }) => {
  const type = request.headers.get("content-type") ?? "";
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (!JSON_TYPE.test(type) && !GZIP_TYPE.test(type)) {
    throw new ApiError(
      "unsupported-media-type",
      "Send the snapshot as JSON (Content-Type: application/json) or as the collector's .json.gz file (Content-Type: application/gzip).",
    );
  }
  if (encoding !== "identity" && encoding !== "gzip") {
    throw new ApiError(
      "unsupported-media-type",
      `The snapshot's Content-Encoding "${encoding.slice(0, 40)}" is not supported; send it as it is or gzipped.`,
    );
  }
  const body = streamLimitedBody(request, env().DIRECTORY_SNAPSHOT_MAX_BYTES);
  return NextResponse.json<SnapshotUploadResponse>(
    {
      snapshot: await uploadSnapshot(principal, params.id, body, {
        gzip: encoding === "gzip" || GZIP_TYPE.test(type),
      }),
    },
    { status: 201 },
  );
});
