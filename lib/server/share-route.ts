import "server-only";
import { randomUUID } from "node:crypto";
import { type NextRequest, NextResponse } from "next/server";
import { errorResponse } from "./error-response";
import { principalFrom } from "./http";
import { encodeGrants, grantCookieOptions, LINK_GRANTS_COOKIE, withGrant } from "./link-grants";
import { decodeSession, SESSION_COOKIE } from "./session";
import { openShareLink } from "./share-service";

// GET /share/<token>: swap the token for a grant in the link cookie and leave the token's URL at once, so it
// does not stay in the address bar, in history entries made later, or in any Referer. Nothing here logs.

const HEADERS = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex, nofollow",
};

const tooMany = (
  sentence: string,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Too many attempts · SSPR Writeback Wizard</title></head><body>
<h1>Too many attempts</h1><p>${sentence} Wait a minute, then open the link again.</p>
</body></html>`;
const TOO_MANY = {
  client: tooMany("This browser tried too many share links that do not work."),
  link: tooMany("This link was opened too many times in the last minute."),
};

export async function handleShareLink(request: NextRequest, token: string): Promise<Response> {
  const requestId = randomUUID();
  try {
    const session = await decodeSession(request.cookies.get(SESSION_COOKIE)?.value);
    const principal = session ? await principalFrom(request, session) : null;
    const outcome = await openShareLink(token, request);
    if (!outcome.ok && outcome.reason === "rate-limited") {
      return new Response(TOO_MANY[outcome.limit], {
        status: 429,
        headers: {
          ...HEADERS,
          "content-type": "text/html; charset=utf-8",
          "retry-after": String(outcome.retryAfter),
        },
      });
    }
    // Relative Location: correct behind any reverse proxy, whatever host the server thinks it has.
    const location = outcome.ok ? `/runs/${encodeURIComponent(outcome.runId)}` : "/share/invalid";
    const response = new NextResponse(null, { status: 303, headers: { ...HEADERS, location } });
    if (outcome.ok) {
      response.cookies.set(
        LINK_GRANTS_COOKIE,
        await encodeGrants(withGrant(principal?.grants ?? [], outcome.grant)),
        grantCookieOptions(request.nextUrl.protocol === "https:"),
      );
    }
    return response;
  } catch (error) {
    return errorResponse(error, requestId);
  }
}
