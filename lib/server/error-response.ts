import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { apiErrorFrom } from "./domain-errors";

// The one error path of every route: an ApiError, or a domain error (directory, tenant) mapped once in
// domain-errors.ts, becomes a stable JSON shape; anything else is a 500 with a request id and a generic sentence —
// never a stack trace or an upstream message.

// An error answer can carry the run (a 412's `current`) or tell that it exists: no browser or shared cache keeps it.
const NO_STORE = { "cache-control": "no-store" };

export function errorResponse(error: unknown, requestId: string = randomUUID()): NextResponse {
  const known = apiErrorFrom(error);
  if (known) {
    return NextResponse.json(
      { error: { code: known.code, message: known.message, requestId }, ...known.extra },
      { status: known.status, headers: { ...known.headers, ...NO_STORE, "x-request-id": requestId } },
    );
  }
  // The message and stack stay on the server; the id lets an operator find them in the log.
  console.error(`[${requestId}] unhandled error:`, error instanceof Error ? error.stack : String(error));
  return NextResponse.json(
    {
      error: {
        code: "internal",
        message:
          "Something went wrong on the server. Try again; if it persists, give the request id to your operator.",
        requestId,
      },
    },
    { status: 500, headers: { ...NO_STORE, "x-request-id": requestId } },
  );
}
