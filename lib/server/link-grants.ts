import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { sessionSecret } from "./session";

// What a browser may do through share links it has opened: one signed, httpOnly cookie holding
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

// A distinct key per purpose: a valid session signature can never pass for a grants signature.
function sign(payload: string, key: Buffer): string {
  return createHmac("sha256", key).update(`link-grants:${payload}`).digest("base64url");
}

export function encodeGrants(grants: readonly LinkGrant[], key: Buffer = sessionSecret()): string {
  const payload = Buffer.from(
    JSON.stringify(grants.slice(-MAX_GRANTS).map((g) => ({ l: g.linkId, r: g.runId }))),
    "utf8",
  ).toString("base64url");
  return `${payload}.${sign(payload, key)}`;
}

export function decodeGrants(value: string | undefined, key: Buffer = sessionSecret()): LinkGrant[] {
  if (!value || value.length > 4096) return [];
  const [payload, signature, extra] = value.split(".");
  if (!payload || !signature || extra !== undefined) return [];
  const expected = Buffer.from(sign(payload, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return [];
  try {
    const parsed = grantsSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    return parsed.success ? parsed.data.map((g) => ({ linkId: g.l, runId: g.r })) : [];
  } catch {
    return [];
  }
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
