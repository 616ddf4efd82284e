import { createHmac } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

const SECRET = vi.hoisted(() => {
  const secret = "proxy-test-secret-proxy-test-secret-0123456789";
  process.env.SESSION_SECRET = secret;
  return secret;
});

import { NextRequest } from "next/server";
import { proxy } from "@/proxy";
import { decodeSession, encodeSession, newSession, SESSION_COOKIE } from "@/lib/server/session";

// The proxy gives every visitor a session: a new one on a first visit, and the same one, sealed again, when the
// browser still holds a cookie of the earlier format.

function issued(response: Response): string | null {
  const line = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return line ? line.slice(SESSION_COOKIE.length + 1).split(";")[0]! : null;
}

function page(cookie?: string): NextRequest {
  return new NextRequest("http://localhost:3000/runs", {
    headers: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {},
  });
}

describe("proxy sessions", () => {
  it("issues a session on a first visit and leaves a current one alone", async () => {
    const first = issued(await proxy(page()));
    expect(await decodeSession(first ?? undefined)).not.toBeNull();
    expect(issued(await proxy(page(await encodeSession(newSession()))))).toBeNull();
  });

  it("reseals a cookie of the earlier format with the same session", async () => {
    const session = { ...newSession(), name: "Ada" };
    const payload = Buffer.from(JSON.stringify(session)).toString("base64url");
    const legacy = `${payload}.${createHmac("sha256", Buffer.from(SECRET)).update(payload).digest("base64url")}`;
    const resealed = issued(await proxy(page(legacy)));
    expect(resealed).not.toBeNull();
    expect(resealed).not.toBe(legacy);
    expect(await decodeSession(resealed ?? undefined)).toEqual(session);
  });

  it("replaces a forged cookie with a new session", async () => {
    const forged = `${Buffer.from(JSON.stringify({ id: "A".repeat(22), name: "Mallory" })).toString("base64url")}.x`;
    const replaced = await decodeSession(issued(await proxy(page(forged))) ?? undefined);
    expect(replaced?.id).not.toBe("A".repeat(22));
  });
});
