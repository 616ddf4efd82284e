import "server-only";
import type { z } from "zod";

// The errors a route answers with: a stable code, its HTTP status and a sentence for the admin. error-response.ts
// turns them (and the domain errors of domain-errors.ts) into the response.

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

/** Each code's HTTP status; exported so tests can walk every code. */
export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
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
    this.status = API_ERROR_STATUS[code];
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
