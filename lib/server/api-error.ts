import "server-only";
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { apiErrorFrom } from "./domain-errors";

// One error path for every route: typed errors become a stable JSON shape; anything else is a 500 with a
// request id and a generic sentence — never a stack trace or an upstream message.

export type ApiErrorCode =
  | "bad-request"
  | "invalid-body"
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "unknown-step"
  | "conflict"
  | "stale-version"
  | "precondition-required"
  | "payload-too-large"
  | "unsupported-media-type"
  | "too-many-requests"
  | "upstream-unavailable"
  | "bad-gateway"
  | "not-configured"
  | "internal";

const STATUS: Record<ApiErrorCode, number> = {
  "bad-request": 400,
  "invalid-body": 422,
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  "unknown-step": 404,
  conflict: 409,
  "stale-version": 412,
  "precondition-required": 428,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  "too-many-requests": 429,
  "upstream-unavailable": 503,
  "bad-gateway": 502,
  "not-configured": 503,
  internal: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Extra, safe-to-show fields merged into the body (e.g. the current run on a 412). */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = STATUS[code];
  }
}

/** Turns zod issues into one readable sentence naming each bad field. */
export function describeZodError(error: z.ZodError, root = "body"): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const field = [root, ...issue.path.map(String)].join(".");
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}

export function invalidBody(error: z.ZodError, root = "body"): ApiError {
  return new ApiError("invalid-body", describeZodError(error, root), {
    fields: error.issues.map((issue) => [root, ...issue.path.map(String)].join(".")),
  });
}

/** Services throw ApiError or a domain error (DirectoryError, TenantError); domain-errors.ts decides its status. */
export function errorResponse(error: unknown, requestId: string = randomUUID()): NextResponse {
  const known = apiErrorFrom(error);
  if (known) {
    return NextResponse.json(
      { error: { code: known.code, message: known.message, requestId }, ...known.extra },
      { status: known.status, headers: { ...known.headers, "x-request-id": requestId } },
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
    { status: 500, headers: { "x-request-id": requestId } },
  );
}
