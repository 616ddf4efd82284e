import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, frameAncestorsFor, signInConnectSources } from "@/lib/server/csp";
import {
  encodeSession,
  newSession,
  readSessionCookie,
  SESSION_COOKIE,
  sessionCookieOptions,
} from "@/lib/server/session";

// Runs before every page and API request (Node.js runtime, the Next 16 default for proxy):
// a fresh CSP nonce per request, and an anonymous session for first-time visitors.

export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, {
    dev: process.env.NODE_ENV === "development",
    connectSources: signInConnectSources(process.env),
    frameAncestors: frameAncestorsFor(request.nextUrl.pathname),
  });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);

  let issued: string | undefined;
  const current = await readSessionCookie(request.cookies.get(SESSION_COOKIE)?.value);
  if (!current || current.reseal) {
    // A first visit gets a new session; a cookie of the earlier format is sealed again with the same session.
    issued = await encodeSession(current?.session ?? newSession());
    // Let this very request see the new session, so a first visit can already create a run.
    const others = request.cookies
      .getAll()
      .filter((cookie) => cookie.name !== SESSION_COOKIE)
      .map((cookie) => `${cookie.name}=${cookie.value}`);
    requestHeaders.set("cookie", [...others, `${SESSION_COOKIE}=${issued}`].join("; "));
  }

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  if (issued) {
    response.cookies.set(SESSION_COOKIE, issued, sessionCookieOptions(request.nextUrl.protocol === "https:"));
  }
  return response;
}

// Static files skip the proxy: they need no nonce and must not hand every crawler a session cookie. Each file in
// public/ is listed here, anchored with `$` so that only that exact path is left out (proxy.test.ts fails on a file
// that is not); app/icon.svg stays where Next's icon file convention serves it and links it from every page.
// The snapshot upload skips it too: Next buffers the body of every proxied request and cuts it at 10 MB
// (proxyClientMaxBodySize), and a domain's snapshot is larger; the route streams it. It needs nothing from here: it
// answers JSON (no nonce), refuses a request without a session, and checks the origin itself (lib/server/http.ts).
// The sandbox Graph simulator skips it as well: the wizard's own server calls it, several times per check, with a
// bearer and no cookie, so each call would seal a new anonymous session nobody keeps (lib/server/sandbox-graph.ts).
export const config = {
  matcher: [
    {
      source:
        "/((?!_next/static|_next/image|icon.svg|favicon.ico|robots\\.txt$|api/runs/[^/]+/directory/snapshot/?$|api/sandbox/graph/).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
