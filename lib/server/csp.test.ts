import { afterEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
});

import { NextRequest } from "next/server";
import { proxy } from "@/proxy";
import { contentSecurityPolicy, frameAncestorsFor, signInConnectSources } from "./csp";

// connect-src decides where the browser may talk. Sandbox: nowhere but the wizard. Live: also the Entra login
// host MSAL redeems the code at, and nothing more — not Graph, which only the server calls.

function connectSrc(csp: string): string[] {
  const directive = csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith("connect-src "));
  if (!directive) throw new Error("no connect-src");
  return directive.split(/\s+/).slice(1);
}

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";

describe("signInConnectSources", () => {
  it("is empty in sandbox mode, whatever else is configured", () => {
    expect(signInConnectSources({})).toEqual([]);
    expect(
      signInConnectSources({ ENTRA_CLIENT_ID: "  ", ENTRA_AUTHORITY_HOST: "https://login.example" }),
    ).toEqual([]);
  });

  it("is the configured login host in live mode, the global one by default", () => {
    expect(signInConnectSources({ ENTRA_CLIENT_ID: CLIENT_ID })).toEqual([
      "https://login.microsoftonline.com",
    ]);
    expect(
      signInConnectSources({
        ENTRA_CLIENT_ID: CLIENT_ID,
        ENTRA_AUTHORITY_HOST: " https://login.microsoftonline.us ",
        GRAPH_BASE_URL: "https://graph.microsoft.us",
      }),
    ).toEqual(["https://login.microsoftonline.us"]);
  });

  it.each([
    "http://login.microsoftonline.com",
    "https://login.microsoftonline.com/organizations",
    "https://login.microsoftonline.com; script-src *",
    "https://*.microsoftonline.com",
    "*",
  ])("adds nothing for a host that is not a plain https origin: %s", (host) => {
    expect(signInConnectSources({ ENTRA_CLIENT_ID: CLIENT_ID, ENTRA_AUTHORITY_HOST: host })).toEqual([]);
  });
});

describe("contentSecurityPolicy connect-src", () => {
  it("allows exactly 'self' plus the given sources", () => {
    expect(connectSrc(contentSecurityPolicy("n", { dev: false }))).toEqual(["'self'"]);
    expect(
      connectSrc(
        contentSecurityPolicy("n", { dev: false, connectSources: ["https://login.microsoftonline.us"] }),
      ),
    ).toEqual(["'self'", "https://login.microsoftonline.us"]);
  });
});

describe("proxy: the CSP each page gets", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ["ENTRA_CLIENT_ID", "ENTRA_AUTHORITY_HOST", "GRAPH_BASE_URL"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  async function pageCsp(): Promise<string> {
    const response = await proxy(new NextRequest("http://localhost:3000/runs/abc/prerequisites"));
    return response.headers.get("content-security-policy") ?? "";
  }

  it("sandbox: the browser connects to the wizard only", async () => {
    delete process.env.ENTRA_CLIENT_ID;
    process.env.ENTRA_AUTHORITY_HOST = "https://login.microsoftonline.us";
    expect(connectSrc(await pageCsp())).toEqual(["'self'"]);
  });

  it("live: the wizard and the configured login host, not Graph", async () => {
    process.env.ENTRA_CLIENT_ID = CLIENT_ID;
    process.env.ENTRA_AUTHORITY_HOST = "https://login.microsoftonline.us";
    process.env.GRAPH_BASE_URL = "https://graph.microsoft.us";
    const csp = await pageCsp();
    expect(connectSrc(csp)).toEqual(["'self'", "https://login.microsoftonline.us"]);
    expect(csp).not.toContain("graph.microsoft");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe("framing", () => {
  it("no page may be framed, except the sign-in redirect page by the wizard itself", async () => {
    const csp = async (path: string) =>
      (await proxy(new NextRequest(`http://localhost:3000${path}`))).headers.get("content-security-policy") ??
      "";
    expect(await csp("/runs/abc/prerequisites")).toContain("frame-ancestors 'none'");
    expect(await csp("/")).toContain("frame-ancestors 'none'");
    expect(await csp("/auth/redirect")).toContain("frame-ancestors 'self'");
    expect(await csp("/auth/redirect")).not.toContain("frame-ancestors 'none'");
    // Only that exact path.
    expect(await csp("/auth/redirect-elsewhere")).toContain("frame-ancestors 'none'");
    expect(await csp("/auth/redirect/x")).toContain("frame-ancestors 'none'");
    expect(frameAncestorsFor("/share/abc")).toBe("'none'");
  });
});
