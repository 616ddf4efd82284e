import "server-only";
import { z } from "zod";
import { openToken, sealToken, type CookieKeys, type TokenPurpose } from "./cookie-tokens";
import { sessionKeys } from "./session";

// What a browser may do through share links it has opened: one signed (JWS HS256), httpOnly cookie holding
// {linkId, runId} pairs. The cookie only says which links this browser opened; whether a link still grants
// anything (not revoked, not expired, its role) is read from the database on every request, so revoking a
// link takes effect at once. The token itself is never put in the cookie.

export const LINK_GRANTS_COOKIE = "sspr_links";
/** Enough for anyone; keeps the cookie far below the 4 KB browsers accept. */
export const MAX_GRANTS = 20;
/** The longest a link can live (90 days); the cookie need not outlive it. */
const MAX_AGE_SECONDS = 60 * 60 * 24 * 90;

export interface LinkGrant {
  linkId: string;
  runId: string;
}

const grantsSchema = z
  .array(z.object({ l: z.string().min(1).max(64), r: z.string().min(1).max(64) }))
  .max(MAX_GRANTS);

// Only ids, so signing is enough. Its own purpose (audience, typ, derived key): a session token never passes.
const PURPOSE: TokenPurpose = {
  name: "sspr-link-grants",
  protection: "signed",
  ttlSeconds: MAX_AGE_SECONDS,
  maxLength: 4096,
};

export async function encodeGrants(
  grants: readonly LinkGrant[],
  keys: CookieKeys = sessionKeys(),
): Promise<string> {
  const g = grants.slice(-MAX_GRANTS).map((grant) => ({ l: grant.linkId, r: grant.runId }));
  return sealToken(PURPOSE, { g }, keys);
}

export async function decodeGrants(
  value: string | undefined,
  keys: CookieKeys = sessionKeys(),
): Promise<LinkGrant[]> {
  const claims = await openToken(PURPOSE, value, keys);
  if (!claims) return [];
  const parsed = grantsSchema.safeParse(claims.g);
  return parsed.success ? parsed.data.map((g) => ({ linkId: g.l, runId: g.r })) : [];
}

/** Adds a grant; a newer link for the same run replaces the older one, and the oldest fall off past the cap. */
export function withGrant(grants: readonly LinkGrant[], grant: LinkGrant): LinkGrant[] {
  return [...grants.filter((g) => g.runId !== grant.runId), grant].slice(-MAX_GRANTS);
}

export function grantCookieOptions(secure: boolean) {
  return {
    httpOnly: true,
    // Lax, not Strict: the link arrives from mail or chat (another site), and the redirect that follows must
    // already carry the cookie.
    sameSite: "lax" as const,
    secure,
    path: "/",
    maxAge: MAX_AGE_SECONDS,
  };
}
