import { type SignInConfig, type SignInResponse } from "@/lib/contract/tenant";
import { NextResponse } from "next/server";
import { z } from "zod";
import { ApiError } from "@/lib/server/api-error";
import { appMode, env } from "@/lib/server/env";
import { route } from "@/lib/server/http";
import { encodeSession, newSession, SESSION_COOKIE, sessionCookieOptions } from "@/lib/server/session";
import { bearerToken } from "@/lib/server/tenant-access";
import { signIn } from "@/lib/server/tenant-service";

const emptyBody = z.object({}).strict();

/** What the browser needs to start MSAL: public values only (the client id is not a secret). */
export const GET = route(async ({ session, request }) => {
  const config = env();
  return NextResponse.json<SignInConfig>({
    mode: appMode(),
    clientId: config.ENTRA_CLIENT_ID ?? null,
    authority: `${config.ENTRA_AUTHORITY_HOST}/${config.ENTRA_TENANT_ID}`,
    redirectUri:
      config.ENTRA_REDIRECT_URI ?? `${config.PUBLIC_ORIGIN ?? request.nextUrl.origin}/auth/redirect`,
    graphBaseUrl: config.GRAPH_BASE_URL,
    signedIn: session.entra ? { upn: session.entra.upn } : null,
  });
});

/** Entra sign-in: the Graph token comes in the Authorization header, is checked through Graph, and is not kept. */
export const POST = route(async ({ request, session, body }) => {
  await body(emptyBody);
  if (appMode() === "sandbox")
    throw new ApiError("not-found", "Sign-in is off in sandbox mode: no Entra application is configured.");
  const token = bearerToken(request);
  if (!token)
    throw new ApiError("unauthenticated", "Send your Microsoft Graph access token as Authorization: Bearer.");
  const signedIn = await signIn(token, session);
  const response = NextResponse.json<SignInResponse>({
    name: signedIn.session.name,
    displayName: signedIn.displayName,
    roles: signedIn.roles,
    upn: signedIn.session.entra?.upn,
  });
  response.cookies.set(
    SESSION_COOKIE,
    await encodeSession(signedIn.session),
    sessionCookieOptions(request.nextUrl.protocol === "https:"),
  );
  return response;
});

/** Sign-out: a fresh anonymous session replaces the signed-in one. */
export const DELETE = route(async ({ request }) => {
  const response = NextResponse.json({ signedOut: true });
  response.cookies.set(
    SESSION_COOKIE,
    await encodeSession(newSession()),
    sessionCookieOptions(request.nextUrl.protocol === "https:"),
  );
  return response;
});
