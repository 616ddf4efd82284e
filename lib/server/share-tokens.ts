import "server-only";
import { createHash, randomBytes } from "node:crypto";

// A share token is 256 random bits, base64url (43 characters). Only its SHA-256 is stored: a leaked database
// or backup gives nobody a working link.

export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newShareToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashShareToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function newShareLinkId(): string {
  return randomBytes(12).toString("base64url");
}
