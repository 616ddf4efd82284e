import "server-only";
import { type DirectoryErrorKind, isDirectoryError, type DirectoryError } from "@/lib/directory/errors";
import { TenantError, type TenantErrorKind } from "@/lib/tenant/port";
import { ApiError } from "./api-error";
import { storageErrorFrom } from "./storage-errors";

// The one mapping from domain errors to HTTP. Services throw DirectoryError and TenantError as they are;
// errorResponse (api-error.ts) asks apiErrorFrom for the answer, so one kind always gets one status.
//
// Whose problem is it, and what helps?
//   * the wizard could not reach an upstream system, or it did not answer in time -> 503 upstream-unavailable,
//     with Retry-After when waiting helps (a timeout, throttling, an outage), not when a setting or a firewall
//     must change first (unreachable);
//   * the upstream answered with something the wizard cannot use -> 502 bad-gateway;
//   * the wizard's own set-up (its settings, its read-only account) is wrong -> 503 not-configured: the request
//     was fine, an operator must act, retrying does not help;
//   * input the admin supplied (a snapshot, the privileged account typed for a fix) -> 422 naming the field;
//   * the admin's rights (Graph roles and consent, the typed account's rights in AD) -> 403;
//   * the directory is not in the state the request expected -> 409.
// The sentences come from the errors themselves and name the system (the domain controller <host>, Microsoft
// Graph); none holds a secret or an upstream body.
//
// | error          | kind                       | status | code                 | Retry-After            |
// |----------------|----------------------------|--------|----------------------|------------------------|
// | DirectoryError | configuration              | 503    | not-configured       |                        |
// | DirectoryError | unreachable                | 503    | upstream-unavailable |                        |
// | DirectoryError | timeout                    | 503    | upstream-unavailable | 30                     |
// | DirectoryError | tls                        | 502    | bad-gateway          |                        |
// | DirectoryError | protocol                   | 502    | bad-gateway          |                        |
// | DirectoryError | credentials, typed account | 422    | invalid-body         | (fields: the account)  |
// | DirectoryError | credentials, own account   | 503    | not-configured       |                        |
// | DirectoryError | security-descriptor-access | 503    | not-configured       | (the wizard's account) |
// | DirectoryError | insufficient-access        | 403    | forbidden            |                        |
// | DirectoryError | snapshot-invalid           | 422    | invalid-body         | (fields: the snapshot) |
// | DirectoryError | not-found                  | 409    | conflict             |                        |
// | DirectoryError | conflict                   | 409    | conflict             |                        |
// | TenantError    | unauthenticated            | 401    | unauthenticated      |                        |
// | TenantError    | missing-consent            | 403    | forbidden            |                        |
// | TenantError    | missing-role               | 403    | forbidden            |                        |
// | TenantError    | not-found                  | 404    | not-found            |                        |
// | TenantError    | throttled                  | 503    | upstream-unavailable | Graph's, else 60       |
// | TenantError    | unavailable                | 503    | upstream-unavailable | 60                     |
// | TenantError    | timeout                    | 503    | upstream-unavailable | 30                     |
// | TenantError    | unreachable                | 503    | upstream-unavailable |                        |
// | TenantError    | bad-response               | 502    | bad-gateway          |                        |
//
// A database that refuses writes (full, read-only) -> 503 not-configured (storage-errors.ts).
// Anything else (a corrupt stored run, a bug) is no domain error: errorResponse answers 500 with a request id.

type Mapping<E> = (error: E) => ApiError;

/** `domains[0].sd` -> `body.domains[0].sd`; an empty path is the whole body. */
function bodyFields(error: DirectoryError): string[] {
  return error.fields.map((field) => (field ? `body.${field}` : "body"));
}

const directory =
  (
    code: "not-configured" | "upstream-unavailable" | "bad-gateway" | "forbidden" | "conflict",
    retryAfter?: number,
  ) =>
  (error: DirectoryError): ApiError => {
    const fields = bodyFields(error);
    return new ApiError(
      code,
      error.sentence,
      { directoryError: error.kind, ...(fields.length > 0 ? { fields } : {}) },
      retryAfter ? { "retry-after": String(retryAfter) } : {},
    );
  };

/** 422 naming the fields the error is about (the message then starts with them, as zod errors do). */
function invalidInput(error: DirectoryError, lead: boolean): ApiError {
  const fields = bodyFields(error);
  const named = fields.length > 0 ? fields : ["body"];
  return new ApiError("invalid-body", lead ? `${named.join(", ")}: ${error.sentence}` : error.sentence, {
    directoryError: error.kind,
    fields: named,
  });
}

export const DIRECTORY_ERROR_HTTP: Record<DirectoryErrorKind, Mapping<DirectoryError>> = {
  configuration: directory("not-configured"),
  unreachable: directory("upstream-unavailable"),
  timeout: directory("upstream-unavailable", 30),
  tls: directory("bad-gateway"),
  protocol: directory("bad-gateway"),
  // A refused account the admin typed (the error names the field) is their input; a refused read-only account
  // of the wizard itself is the operator's to fix.
  credentials: (error) =>
    error.fields.length > 0 ? invalidInput(error, true) : directory("not-configured")(error),
  "security-descriptor-access": directory("not-configured"),
  "insufficient-access": directory("forbidden"),
  // The snapshot's sentence names its fields already ("domains[0].sd is not valid SDDL").
  "snapshot-invalid": (error) => invalidInput(error, false),
  "not-found": directory("conflict"),
  conflict: directory("conflict"),
};

const tenant =
  (
    code: "unauthenticated" | "forbidden" | "not-found" | "upstream-unavailable" | "bad-gateway",
    retryAfter?: (error: TenantError) => number,
  ) =>
  (error: TenantError): ApiError =>
    new ApiError(
      code,
      error.message,
      { tenantError: error.kind },
      retryAfter ? { "retry-after": String(retryAfter(error)) } : {},
    );

export const TENANT_ERROR_HTTP: Record<TenantErrorKind, Mapping<TenantError>> = {
  unauthenticated: tenant("unauthenticated"),
  "missing-consent": tenant("forbidden"),
  "missing-role": tenant("forbidden"),
  "not-found": tenant("not-found"),
  throttled: tenant("upstream-unavailable", (error) => error.detail.retryAfterSeconds ?? 60),
  unavailable: tenant("upstream-unavailable", () => 60),
  timeout: tenant("upstream-unavailable", () => 30),
  unreachable: tenant("upstream-unavailable"),
  "bad-response": tenant("bad-gateway"),
};

/** The HTTP answer for a domain error, or null when `error` is none (the caller then answers 500). */
export function apiErrorFrom(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (isDirectoryError(error)) return DIRECTORY_ERROR_HTTP[error.kind](error);
  if (error instanceof TenantError) return TENANT_ERROR_HTTP[error.kind](error);
  return storageErrorFrom(error);
}
