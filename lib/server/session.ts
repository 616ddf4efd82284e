import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { openToken, sealToken, type CookieKeys, type TokenPurpose } from "./cookie-tokens";
import { env } from "./env";

// Until Entra sign-in exists, an anonymous signed session cookie owns runs. The cookie carries a random id
// and the display name the person chose for the timeline, and after Entra sign-in who the person is (tenant,
// object id, UPN). Because it names a person it is encrypted as well as authenticated (JWE, A256GCM): it can be
// neither forged nor read, and it expires (`exp`) with the cookie.

export const SESSION_COOKIE = "sspr_session";
const MAX_AGE_SECONDS = 60 * 60 * 24 * 90;

export interface Session {
  /** Random 128-bit id; runs belong to it. */
  id: string;
  /** Name shown in the timeline; null until the person gives one. */
  name: string | null;
  /** Set by Entra sign-in (live mode): who Graph said the token belongs to. Never the token itself. */
  entra?: { tid: string; oid: string; upn: string };
}

const PURPOSE: TokenPurpose = {
  name: "sspr-session",
  protection: "encrypted",
  ttlSeconds: MAX_AGE_SECONDS,
  // Largest name (100), UPN (256) and ids, encrypted and base64url-encoded, stay well below this.
  maxLength: 2048,
};

const payloadSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  name: z.string().max(100).nullable(),
  entra: z.object({ tid: z.string().max(64), oid: z.string().max(64), upn: z.string().max(256) }).optional(),
});

let secret: Buffer | undefined;

/**
 * The signing key: SESSION_SECRET when configured, else a random key generated once and kept in a file that
 * only the server's user can read, so restarts do not sign everybody out.
 */
export function sessionSecret(): Buffer {
  if (secret) return secret;
  const config = env();
  if (config.SESSION_SECRET) {
    secret = Buffer.from(config.SESSION_SECRET, "utf8");
    return secret;
  }
  const file = config.SESSION_SECRET_FILE;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString("base64"), { mode: 0o600, flag: "wx" });
  }
  chmodSync(file, 0o600);
  secret = Buffer.from(readFileSync(file, "utf8").trim(), "utf8");
  return secret;
}

/**
 * Every key that opens a session: the current one (which seals) first, then SESSION_SECRET_PREVIOUS, so
 * cookies sealed before a rotation keep working until those keys are removed.
 */
export function sessionKeys(): Buffer[] {
  const previous = (env().SESSION_SECRET_PREVIOUS ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean)
    .map((key) => Buffer.from(key, "utf8"));
  return [sessionSecret(), ...previous];
}

export async function encodeSession(session: Session, keys: CookieKeys = sessionKeys()): Promise<string> {
  const claims = { id: session.id, name: session.name, ...(session.entra ? { entra: session.entra } : {}) };
  return sealToken(PURPOSE, claims, keys);
}

export async function decodeSession(
  value: string | undefined,
  keys: CookieKeys = sessionKeys(),
): Promise<Session | null> {
  return (await readSessionCookie(value, keys))?.session ?? null;
}

/**
 * The session in a cookie, and whether it should be sealed again: true for a cookie of the earlier format, which
 * the proxy then replaces, so that nobody loses the runs their browser owns when the format changes.
 */
export async function readSessionCookie(
  value: string | undefined,
  keys: CookieKeys = sessionKeys(),
): Promise<{ session: Session; reseal: boolean } | null> {
  const claims = await openToken(PURPOSE, value, keys);
  if (claims) {
    const parsed = payloadSchema.safeParse(claims);
    return parsed.success ? { session: parsed.data, reseal: false } : null;
  }
  const legacy = decodeLegacySession(value, keys);
  return legacy ? { session: legacy, reseal: true } : null;
}

// The format before the JWTs: base64url(JSON).base64url(HMAC-SHA256(key, payload)), without expiry. Read only, to
// migrate cookies issued before the change (the proxy reseals them on the next page); remove once every such cookie
// is past its 90-day Max-Age.
function decodeLegacySession(value: string | undefined, keys: CookieKeys): Session | null {
  if (!value || value.length > 1024) return null;
  const [payload, signature, extra] = value.split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const given = Buffer.from(signature);
  const valid = (keys instanceof Uint8Array ? [keys] : keys).some((key) => {
    const expected = Buffer.from(createHmac("sha256", key).update(payload).digest("base64url"));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return null;
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function newSession(): Session {
  return { id: randomBytes(16).toString("base64url"), name: null };
}

export function sessionCookieOptions(secure: boolean) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure,
    path: "/",
    maxAge: MAX_AGE_SECONDS,
  };
}

/** How the session appears in the timeline when no name was given. */
export function actorName(session: Session): string {
  return session.name ?? `Anonymous admin (${session.id.slice(0, 6)})`;
}
