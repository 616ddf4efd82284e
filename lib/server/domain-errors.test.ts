import { describe, expect, it } from "vitest";
import { DIRECTORY_ERROR_KINDS, DirectoryError, type DirectoryErrorKind } from "@/lib/directory/errors";
import { parseSnapshotText } from "@/lib/directory/snapshot";
import { TENANT_ERROR_KINDS, TenantError, type TenantErrorKind } from "@/lib/tenant/port";
import { ApiError } from "./api-error";
import { errorResponse } from "./error-response";
import { apiErrorFrom } from "./domain-errors";

// The mapping table of domain-errors.ts, spelled out once more: every kind of every domain error, walked from the
// kinds' own lists, so a kind added without a decision fails here (and in tsc, through the Record types).

interface Expected {
  status: number;
  code: string;
  retryAfter?: string;
  /** The system the sentence must name, for upstream failures. */
  names?: RegExp;
}

const DC = /domain controller/;
const GRAPH = /Microsoft Graph/;

const DIRECTORY: Record<DirectoryErrorKind, Expected> = {
  configuration: { status: 503, code: "not-configured" },
  unreachable: { status: 503, code: "upstream-unavailable", names: DC },
  timeout: { status: 503, code: "upstream-unavailable", retryAfter: "30", names: DC },
  tls: { status: 502, code: "bad-gateway", names: DC },
  protocol: { status: 502, code: "bad-gateway", names: DC },
  // The wizard's own read-only account; the typed account of a fix is a 422 (below).
  credentials: { status: 503, code: "not-configured", names: DC },
  "security-descriptor-access": { status: 503, code: "not-configured" },
  "insufficient-access": { status: 403, code: "forbidden" },
  "snapshot-invalid": { status: 422, code: "invalid-body" },
  "not-found": { status: 409, code: "conflict" },
  conflict: { status: 409, code: "conflict" },
};

const TENANT: Record<TenantErrorKind, Expected> = {
  unauthenticated: { status: 401, code: "unauthenticated" },
  "missing-consent": { status: 403, code: "forbidden" },
  "missing-role": { status: 403, code: "forbidden" },
  "not-found": { status: 404, code: "not-found" },
  throttled: { status: 503, code: "upstream-unavailable", retryAfter: "60", names: GRAPH },
  unavailable: { status: 503, code: "upstream-unavailable", retryAfter: "60", names: GRAPH },
  timeout: { status: 503, code: "upstream-unavailable", retryAfter: "30", names: GRAPH },
  unreachable: { status: 503, code: "upstream-unavailable", names: GRAPH },
  "bad-response": { status: 502, code: "bad-gateway", names: GRAPH },
};

/** A sentence like the adapters write: upstream kinds name their system, as classifyLdapError and GraphTenant do. */
function directoryError(kind: DirectoryErrorKind): DirectoryError {
  return new DirectoryError(
    kind,
    `The domain controller at dc1.contoso.test:636 failed (${kind}).`,
    "Do this.",
  );
}

function tenantError(kind: TenantErrorKind): TenantError {
  return new TenantError(kind, `Microsoft Graph failed (${kind}).`, "me");
}

function check(mapped: ApiError | null, expected: Expected, kind: string): ApiError {
  expect(mapped, kind).toBeInstanceOf(ApiError);
  const error = mapped as ApiError;
  expect({ kind, status: error.status, code: error.code }).toEqual({
    kind,
    status: expected.status,
    code: expected.code,
  });
  expect(error.headers["retry-after"], kind).toBe(expected.retryAfter);
  if (expected.names) expect(error.message, kind).toMatch(expected.names);
  return error;
}

describe("apiErrorFrom", () => {
  it.each(DIRECTORY_ERROR_KINDS)("answers DirectoryError %s as the table says", (kind) => {
    const error = check(apiErrorFrom(directoryError(kind)), DIRECTORY[kind], kind);
    expect(error.message).toContain("Do this.");
    expect(error.extra.directoryError).toBe(kind);
  });

  it.each(TENANT_ERROR_KINDS)("answers TenantError %s as the table says", (kind) => {
    const error = check(apiErrorFrom(tenantError(kind)), TENANT[kind], kind);
    expect(error.extra.tenantError).toBe(kind);
  });

  it("has a row in this table for every kind and no row for a kind that does not exist", () => {
    expect(Object.keys(DIRECTORY).sort()).toEqual([...DIRECTORY_ERROR_KINDS].sort());
    expect(Object.keys(TENANT).sort()).toEqual([...TENANT_ERROR_KINDS].sort());
  });

  it("passes Graph's Retry-After on when it throttles", () => {
    const throttled = new TenantError(
      "throttled",
      "Microsoft Graph is throttling requests.",
      "subscribedSkus",
      {
        status: 429,
        retryAfterSeconds: 7,
      },
    );
    expect(apiErrorFrom(throttled)?.headers["retry-after"]).toBe("7");
  });

  it("names body.credential when the account typed for a fix is refused", () => {
    const refused = new DirectoryError(
      "credentials",
      "The domain controller refused the credentials for CONTOSO\\admin (invalid credentials, LDAP 49).",
      "Check the account and its password.",
      ["credential"],
    );
    const error = apiErrorFrom(refused)!;
    expect(error.status).toBe(422);
    expect(error.code).toBe("invalid-body");
    expect(error.message).toMatch(/^body\.credential: The domain controller refused/);
    expect(error.extra.fields).toEqual(["body.credential"]);

    const noRights = new DirectoryError(
      "insufficient-access",
      "The account you typed may not.",
      "Use another.",
      ["credential"],
    );
    expect(apiErrorFrom(noRights)).toMatchObject({ status: 403, extra: { fields: ["body.credential"] } });
  });

  it("names the snapshot's bad fields under body", () => {
    let thrown: unknown;
    try {
      parseSnapshotText(JSON.stringify({ format: "sspr-writeback-snapshot/1", collectedAt: "yesterday" }));
    } catch (error) {
      thrown = error;
    }
    const error = apiErrorFrom(thrown)!;
    expect(error.status).toBe(422);
    expect(error.extra.fields).toEqual(expect.arrayContaining(["body.collectedAt", "body.domains"]));

    let notJson: unknown;
    try {
      parseSnapshotText("{");
    } catch (error) {
      notJson = error;
    }
    expect(apiErrorFrom(notJson)).toMatchObject({ status: 422, extra: { fields: ["body"] } });
  });

  it("leaves an ApiError as it is and anything else to the 500 path", () => {
    const api = new ApiError("conflict", "No.");
    expect(apiErrorFrom(api)).toBe(api);
    expect(apiErrorFrom(new Error("boom"))).toBeNull();
    expect(apiErrorFrom("boom")).toBeNull();
  });
});

describe("errorResponse with a domain error", () => {
  it("answers a domain controller timeout 503 with Retry-After and the sentence", async () => {
    const res = errorResponse(directoryError("timeout"), "req-1");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(res.headers.get("x-request-id")).toBe("req-1");
    const body = (await res.json()) as { error: { code: string; message: string }; directoryError: string };
    expect(body.error.code).toBe("upstream-unavailable");
    expect(body.error.message).toMatch(/domain controller at dc1\.contoso\.test:636/);
    expect(body.directoryError).toBe("timeout");
  });
});
