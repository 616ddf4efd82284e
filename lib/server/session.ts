import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { env } from "./env";

// Until Entra sign-in exists, an anonymous signed session cookie owns runs. The cookie carries a random id
// and the display name the person chose for the timeline; it is signed (HMAC-SHA256) so it cannot be forged.

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

function sign(payload: string, key: Buffer): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

export function encodeSession(session: Session, key: Buffer = sessionSecret()): string {
  const payload = Buffer.from(JSON.stringify(session), "utf8").toString("base64url");
  return `${payload}.${sign(payload, key)}`;
}

export function decodeSession(value: string | undefined, key: Buffer = sessionSecret()): Session | null {
  if (!value || value.length > 1024) return null;
  const [payload, signature, extra] = value.split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(payload, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
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
