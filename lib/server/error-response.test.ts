import { describe, expect, it, vi } from "vitest";
import { DIRECTORY_ERROR_KINDS, DirectoryError } from "@/lib/directory/errors";
import { TENANT_ERROR_KINDS, TenantError } from "@/lib/tenant/port";
import { API_ERROR_STATUS, ApiError, type ApiErrorCode } from "./api-error";
import { errorResponse } from "./error-response";

// Every error answer, whatever produced it, must not be kept by a browser or a shared cache: a 412 carries the
// whole run, a 403 names the run's existence. One helper makes them all, so walking its inputs covers every path.

const cases: [string, unknown][] = [
  ...(Object.keys(API_ERROR_STATUS) as ApiErrorCode[]).map((code): [string, unknown] => [
    `ApiError ${code}`,
    new ApiError(code, "x", { current: { id: "r" } }),
  ]),
  ...DIRECTORY_ERROR_KINDS.map((kind): [string, unknown] => [
    `DirectoryError ${kind}`,
    new DirectoryError(kind, `The domain controller failed (${kind}).`, "Do this."),
  ]),
  ...TENANT_ERROR_KINDS.map((kind): [string, unknown] => [
    `TenantError ${kind}`,
    new TenantError(kind, `Microsoft Graph failed (${kind}).`, "me"),
  ]),
  ["an unknown error (500)", new Error("boom")],
  ["a thrown string (500)", "boom"],
];

describe("errorResponse", () => {
  it.each(cases)("%s answers with Cache-Control: no-store in the JSON error shape", async (_name, error) => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = errorResponse(error, "req-1");
    spy.mockRestore();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error).toMatchObject({ requestId: "req-1" });
    expect(typeof body.error.code).toBe("string");
    expect(typeof body.error.message).toBe("string");
  });
});
