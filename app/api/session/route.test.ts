import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-session-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
  process.env.ENTRA_TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
});

import * as runsRoute from "@/app/api/runs/route";
import { fakeGraphToken, startSimulator, type SimulatorServer } from "@/lib/testing/simulator-server";
import { call, makeSession } from "@/lib/testing/route-harness";
import { decodeSession, SESSION_COOKIE } from "@/lib/server/session";
import { ROLE_TEMPLATES } from "@/lib/tenant/graph-facts";
import * as sessionRoute from "./route";

// Entra sign-in: Graph (here the simulator, served as the live Graph base URL) says whom the token belongs to;
// the server then requires the configured tenant and this wizard's app id, and keeps only its own cookie.

let sim: SimulatorServer;
beforeAll(async () => {
  sim = await startSimulator("");
  // Read lazily by env(): set before the first request parses the configuration.
  process.env.GRAPH_BASE_URL = sim.baseUrl;
});
afterAll(() => sim.close());

function token(claims: Record<string, unknown>): string {
  return fakeGraphToken(claims);
}

async function signIn(bearer: string | null) {
  return call(
    sessionRoute.POST,
    "/api/session",
    {},
    {
      method: "POST",
      body: {},
      session: makeSession(),
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    },
  );
}

function cookieFrom(headers: Headers): string | undefined {
  const line = headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return line?.slice(SESSION_COOKIE.length + 1).split(";")[0];
}

describe("POST /api/session", () => {
  it("signs in an admin of the allowed tenant through this app: own cookie, no token in it", async () => {
    const good = token({ tid: TENANT_ID, appid: CLIENT_ID });
    const res = await signIn(good);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      displayName: "Ada Admin",
      roles: ["Global Administrator"],
      upn: "ada.admin@contoso.onmicrosoft.com",
    });
    const cookie = cookieFrom(res.headers);
    expect(cookie).toBeDefined();
    expect(cookie).not.toContain(good.split(".")[1]!);
    const session = await decodeSession(cookie);
    expect(session?.entra).toMatchObject({ tid: TENANT_ID, upn: "ada.admin@contoso.onmicrosoft.com" });
    expect(session?.name).toBe("Ada Admin");
    expect(JSON.stringify(res.json)).not.toContain(good);
  });

  it("gives the same person the same session id, so their runs follow them", async () => {
    const good = token({ tid: TENANT_ID, appid: CLIENT_ID });
    const a = await decodeSession(cookieFrom((await signIn(good)).headers));
    const b = await decodeSession(cookieFrom((await signIn(good)).headers));
    expect(a?.id).toBe(b?.id);
  });

  it("refuses a token of another tenant", async () => {
    const res = await signIn(token({ tid: "99999999-bbbb-cccc-dddd-eeeeeeeeeeee", appid: CLIENT_ID }));
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.json)).toContain("not allowed");
    expect(cookieFrom(res.headers)).toBeUndefined();
  });

  it("refuses a token issued to another application", async () => {
    const res = await signIn(token({ tid: TENANT_ID, appid: "00000000-0000-0000-0000-000000000001" }));
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.json)).toContain("another application");
    expect(cookieFrom(res.headers)).toBeUndefined();
  });

  it("refuses a token whose user is not the one Graph reports", async () => {
    const res = await signIn(
      token({ tid: TENANT_ID, appid: CLIENT_ID, oid: "00000000-0000-0000-0000-000000000002" }),
    );
    expect(res.status).toBe(403);
  });

  it("refuses what Graph does not accept, and a call without a token", async () => {
    expect((await signIn(`expired.${token({ tid: TENANT_ID, appid: CLIENT_ID })}`)).status).toBe(401);
    expect((await signIn(null)).status).toBe(401);
  });

  it("reports the admin's active roles as Graph lists them", async () => {
    const bearer = token({ tid: TENANT_ID, appid: CLIENT_ID, uti: "roles" });
    sim
      .tenant(bearer)
      .admin.roleTemplateIds.splice(
        0,
        Infinity,
        ROLE_TEMPLATES.hybridIdentityAdmin.id,
        ROLE_TEMPLATES.authenticationPolicyAdmin.id,
      );
    const res = await signIn(bearer);
    expect(res.status).toBe(200);
    expect(res.json.roles).toEqual([
      ROLE_TEMPLATES.hybridIdentityAdmin.name,
      ROLE_TEMPLATES.authenticationPolicyAdmin.name,
    ]);
  });

  it("sets an httpOnly, SameSite=Lax, signed cookie: a tampered one is not a session", async () => {
    const res = await signIn(token({ tid: TENANT_ID, appid: CLIENT_ID }));
    const line = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(line).toMatch(/;\s*Path=\//i);
    const cookie = cookieFrom(res.headers)!;
    const [payload, signature] = cookie.split(".");
    expect((await decodeSession(cookie))?.entra?.tid).toBe(TENANT_ID);
    // Someone editing the cookie to claim another tenant (or anything else) loses the session.
    const forged = Buffer.from(
      JSON.stringify({
        ...(await decodeSession(cookie)),
        entra: { ...(await decodeSession(cookie))!.entra, tid: "x" },
      }),
    ).toString("base64url");
    expect(await decodeSession(`${forged}.${signature}`)).toBeNull();
    expect(await decodeSession(`${payload}.${signature!.slice(0, -2)}AA`)).toBeNull();
  });

  it("never logs, stores or returns the token, whether sign-in succeeds or not", async () => {
    const spies = (["log", "info", "warn", "error", "debug", "trace"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => undefined),
    );
    try {
      const good = token({ tid: TENANT_ID, appid: CLIENT_ID, uti: "secret-token-marker" });
      const attempts = [
        good,
        token({ tid: "99999999-bbbb-cccc-dddd-eeeeeeeeeeee", appid: CLIENT_ID, uti: "secret-token-marker" }),
        token({ tid: TENANT_ID, appid: "00000000-0000-0000-0000-000000000001", uti: "secret-token-marker" }),
        `expired${good}`,
      ];
      const secrets = attempts.flatMap((t) => [t, t.split(".")[1]!]);
      const responses = [];
      for (const bearer of attempts) responses.push(await signIn(bearer));
      // The signed-in session then writes to the database (a run), so a token kept anywhere would land there.
      const session = await decodeSession(cookieFrom(responses[0]!.headers));
      const run = await call(
        runsRoute.POST,
        "/api/runs",
        {},
        { method: "POST", body: { flow: "enable" }, session },
      );
      expect(run.status).toBe(201);

      for (const res of responses) {
        for (const secret of secrets) {
          expect(res.text).not.toContain(secret);
          expect(res.headers.getSetCookie().join("\n")).not.toContain(secret);
        }
      }
      const logged = spies
        .flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(" ")))
        .join("\n");
      for (const secret of secrets) expect(logged).not.toContain(secret);
      const file = process.env.DATABASE_FILE!;
      const stored = [file, `${file}-wal`, `${file}-journal`]
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path).toString("latin1"))
        .join("");
      expect(stored).toContain(String(run.json.id)); // the scan does see what is stored
      for (const secret of secrets) expect(stored).not.toContain(secret);
      expect(stored).not.toContain("secret-token-marker");
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("GET shows who is signed in from the cookie alone", async () => {
    const signedIn = await decodeSession(
      cookieFrom((await signIn(token({ tid: TENANT_ID, appid: CLIENT_ID }))).headers),
    );
    const res = await call(sessionRoute.GET, "/api/session", {}, { session: signedIn });
    expect(res.json).toMatchObject({
      mode: "live",
      clientId: CLIENT_ID,
      signedIn: { upn: "ada.admin@contoso.onmicrosoft.com" },
    });
  });
});
