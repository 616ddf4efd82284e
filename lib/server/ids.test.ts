import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-ids-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
});

import * as endToEndRoute from "@/app/api/tenant/end-to-end-test/route";
import * as preflightRoute from "@/app/api/tenant/end-to-end-test/preflight/route";
import * as usersRoute from "@/app/api/tenant/users/route";
import * as sandboxTenantRoute from "@/app/api/sandbox/tenant/route";
import * as sandboxDirectoryRoute from "@/app/api/sandbox/directory/route";
import * as prerequisitesRoute from "@/app/api/verify/prerequisites/route";
import { call, makeSession } from "@/lib/testing/route-harness";
import { graphUserIdSchema, runIdSchema } from "./ids";

// Id-like fields of the route schemas take ids only: a Graph user id is an object id (GUID) or a user principal
// name, a run id is base64url. Anything else (a lone surrogate, a path, a query string) is refused naming the
// field, before it reaches a URL, a query or a log line.

const LONE = "\uD800";
const owner = makeSession("Olivia Owner");

describe("graphUserIdSchema", () => {
  it.each([
    "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    "AdeleV@contoso.com",
    "o'brien.terry_1!#^~-x@contoso.onmicrosoft.com",
    "AdeleVance_adatum.com#EXT#@contoso.com",
  ])("accepts %s", (value) => {
    expect(graphUserIdSchema.safeParse(value).success).toBe(true);
  });

  it.each([
    LONE,
    `a${LONE}@contoso.com`,
    "",
    "not-an-id",
    "../me",
    "a@b@c.com",
    "adele.@contoso.com",
    "$adele@contoso.com",
    "adele@contoso.com?$select=id",
    `${"a".repeat(65)}@contoso.com`,
    `a@${"b".repeat(49)}`,
    "87d349ed-44d7-43e1-9a83-5f2406dee5bd/authentication",
  ])("refuses %j", (value) => {
    expect(graphUserIdSchema.safeParse(value).success).toBe(false);
  });
});

describe("runIdSchema", () => {
  it("accepts base64url ids and refuses anything else", () => {
    expect(runIdSchema.safeParse("q3Jv1mH2y0x8Zk9oT4b1Zw").success).toBe(true);
    expect(runIdSchema.safeParse("missing").success).toBe(true);
    for (const bad of [LONE, "", "a b", "a/b", "a%2F", "x".repeat(65), "é"]) {
      expect(runIdSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("routes refuse a lone surrogate in an id field with a 4xx naming it", () => {
  const post = (handler: typeof endToEndRoute.POST, path: string, body: unknown) =>
    call(handler, path, {}, { method: "POST", body, session: owner });

  it.each([
    [
      "end-to-end test",
      endToEndRoute.POST,
      "/api/tenant/end-to-end-test",
      { runId: "r", userId: LONE, confirm: true },
      "body.userId",
    ],
    [
      "pre-flight",
      preflightRoute.POST,
      "/api/tenant/end-to-end-test/preflight",
      { runId: "r", userId: LONE },
      "body.userId",
    ],
    [
      "end-to-end test run",
      endToEndRoute.POST,
      "/api/tenant/end-to-end-test",
      { runId: LONE, userId: "a@b.com", confirm: true },
      "body.runId",
    ],
    ["verify", prerequisitesRoute.POST, "/api/verify/prerequisites", { runId: LONE }, "body.runId"],
    [
      "sandbox control",
      sandboxTenantRoute.POST,
      "/api/sandbox/tenant",
      { runId: LONE, control: { action: "restore" } },
      "body.runId",
    ],
  ])("%s", async (_name, handler, path, body, field) => {
    const res = await post(handler, path, body);
    expect(res.status).toBe(422);
    expect(res.json.fields).toContain(field);
  });

  it.each([
    ["users", usersRoute.GET, `/api/tenant/users?runId=%ED%A0%80&search=a`],
    ["sandbox tenant", sandboxTenantRoute.GET, `/api/sandbox/tenant?runId=a%2Fb`],
    ["sandbox directory", sandboxDirectoryRoute.GET, `/api/sandbox/directory?runId=a%2Fb`],
  ])("%s query", async (_name, handler, path) => {
    const res = await call(handler, path, {}, { session: owner });
    expect(res.status).toBe(422);
    expect(res.json.fields).toContain("query.runId");
  });
});
