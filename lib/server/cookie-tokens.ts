import "server-only";
import { createHash, hkdfSync } from "node:crypto";
import {
  EncryptJWT,
  jwtDecrypt,
  jwtVerify,
  SignJWT,
  type JWTHeaderParameters,
  type JWTPayload,
  type CompactJWEHeaderParameters,
} from "jose";

// The wizard's cookies are JWTs made by jose rather than hand-written HMAC: the expiry is inside the protected
// payload (a copied cookie stops working even if a browser ignores Max-Age), each cookie has its own purpose
// (audience, `typ` and a key derived for that purpose alone, so one cookie can never pass for another), and
// several keys can be configured at once so the secret can be rotated without signing everybody out.

/** One key or a key ring: the first key seals new tokens, every key is accepted when opening one. */
export type CookieKeys = Uint8Array | readonly Uint8Array[];

export interface TokenPurpose {
  /** Names the cookie; goes into the audience, the `typ` header and the key derivation. */
  name: string;
  /**
   * "signed": JWS HS256, readable by whoever holds the cookie (fine for ids). "encrypted": JWE dir +
   * A256GCM, for payloads that name a person.
   */
  protection: "signed" | "encrypted";
  /** Lifetime written into `exp`. */
  ttlSeconds: number;
  /** Longest accepted token text; anything longer is refused before any cryptography. */
  maxLength: number;
}

const ISSUER = "sspr-writeback-wizard";
// Fixed, public salt: HKDF separates the purposes through `info`; the secret supplies all the entropy.
const SALT = "sspr-writeback-wizard cookie keys v1";

interface DerivedKey {
  kid: string;
  key: Uint8Array;
}

const derivedCache = new WeakMap<Uint8Array, Map<string, DerivedKey>>();

function derive(secret: Uint8Array, purpose: TokenPurpose): DerivedKey {
  let perSecret = derivedCache.get(secret);
  if (!perSecret) {
    perSecret = new Map();
    derivedCache.set(secret, perSecret);
  }
  const info = `${purpose.name} ${purpose.protection}`;
  let derived = perSecret.get(info);
  if (!derived) {
    const key = new Uint8Array(hkdfSync("sha256", secret, SALT, info, 32));
    // The key id names the key without revealing it, so opening a token tries exactly one key.
    const kid = createHash("sha256").update(key).digest("base64url").slice(0, 11);
    derived = { kid, key };
    perSecret.set(info, derived);
  }
  return derived;
}

function ring(keys: CookieKeys): readonly Uint8Array[] {
  return keys instanceof Uint8Array ? [keys] : keys;
}

function audience(purpose: TokenPurpose): string {
  return `${ISSUER}/${purpose.name}`;
}

function typ(purpose: TokenPurpose): string {
  return `${purpose.name}+jwt`;
}

/** Seals claims for one purpose with the first key of the ring. */
export async function sealToken(
  purpose: TokenPurpose,
  claims: JWTPayload,
  keys: CookieKeys,
): Promise<string> {
  const [current] = ring(keys);
  if (!current) throw new Error("No cookie key is configured.");
  const { kid, key } = derive(current, purpose);
  const now = Math.floor(Date.now() / 1000);
  if (purpose.protection === "encrypted") {
    return new EncryptJWT(claims)
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: typ(purpose), kid })
      .setIssuer(ISSUER)
      .setAudience(audience(purpose))
      .setIssuedAt(now)
      .setExpirationTime(now + purpose.ttlSeconds)
      .encrypt(key);
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: typ(purpose), kid })
    .setIssuer(ISSUER)
    .setAudience(audience(purpose))
    .setIssuedAt(now)
    .setExpirationTime(now + purpose.ttlSeconds)
    .sign(key);
}

/**
 * The claims of a token sealed for this purpose by any key of the ring, or null: wrong purpose, unknown key,
 * tampered, expired or malformed tokens are all simply not tokens.
 */
export async function openToken(
  purpose: TokenPurpose,
  token: string | undefined,
  keys: CookieKeys,
): Promise<JWTPayload | null> {
  if (!token || token.length > purpose.maxLength) return null;
  const candidates = ring(keys).map((secret) => derive(secret, purpose));
  const keyFor = (header: JWTHeaderParameters | CompactJWEHeaderParameters): Uint8Array => {
    const match = candidates.find((candidate) => candidate.kid === header.kid);
    if (!match) throw new Error("unknown key");
    return match.key;
  };
  const expected = {
    issuer: ISSUER,
    audience: audience(purpose),
    typ: typ(purpose),
    requiredClaims: ["exp"],
  };
  try {
    if (purpose.protection === "encrypted") {
      const { payload } = await jwtDecrypt(token, keyFor, {
        ...expected,
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
      });
      return payload;
    }
    const { payload } = await jwtVerify(token, keyFor, { ...expected, algorithms: ["HS256"] });
    return payload;
  } catch {
    return null;
  }
}
