// SIDs: text form "S-1-5-21-…" <-> binary form (MS-DTYP 2.4.2 SID, 2.4.2.1 SID string format).
// The engine keeps SIDs as canonical strings: upper-case "S", decimal authority below 2^32, otherwise
// "0x" + 12 upper-case hex digits (MS-DTYP 2.4.2.1), decimal sub-authorities without leading zeros.

import { LRUCache } from "lru-cache";
import { SdParseError, type SdParseErrorKind } from "./errors";

/** MS-DTYP 2.4.2: SubAuthorityCount is at most 15. */
export const MAX_SUB_AUTHORITIES = 15;

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_48 = 0x1_0000_0000_0000;

/** Length in bytes of the binary SID with that many sub-authorities (MS-DTYP 2.4.2). */
export function sidByteLength(subAuthorityCount: number): number {
  return 8 + 4 * subAuthorityCount;
}

function formatAuthority(authority: number): string {
  return authority < TWO_POW_32
    ? String(authority)
    : `0x${authority.toString(16).toUpperCase().padStart(12, "0")}`;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/**
 * Reads a SID string starting at `start` (no surrounding text is consumed). Returns the canonical SID and the
 * index just after it, or null when the text there is not a SID. Sub-authorities are decimal only, which is
 * what lets "…-512D:" in SDDL end the SID before the "D:" (a hex reading would swallow the D).
 */
export function scanSid(text: string, start: number): { sid: string; end: number } | null {
  const c0 = text.charCodeAt(start);
  if ((c0 !== 83 && c0 !== 115) || text.charCodeAt(start + 1) !== 45) return null; // "S-" or "s-"
  if (text.charCodeAt(start + 2) !== 49 || text.charCodeAt(start + 3) !== 45) return null; // revision "1-"
  let i = start + 4;
  let authority: number;
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88)) {
    // "0x" + exactly 12 hex digits (MS-DTYP 2.4.2.1)
    const digits = text.slice(i + 2, i + 14);
    if (digits.length !== 12) return null;
    for (let k = 0; k < 12; k++) if (!isHexDigit(digits.charCodeAt(k))) return null;
    authority = parseInt(digits, 16);
    i += 14;
    if (isHexDigit(text.charCodeAt(i)) && !isSddlSectionStart(text, i)) return null;
  } else {
    const s = i;
    while (isDigit(text.charCodeAt(i)) && i - s <= 15) i++;
    if (i === s || i - s > 15) return null;
    authority = Number(text.slice(s, i));
    if (authority >= TWO_POW_48) return null;
  }
  const subs: number[] = [];
  while (text.charCodeAt(i) === 45 && isDigit(text.charCodeAt(i + 1))) {
    const s = i + 1;
    let j = s;
    while (isDigit(text.charCodeAt(j)) && j - s <= 10) j++;
    if (j - s > 10) return null;
    const value = Number(text.slice(s, j));
    if (value >= TWO_POW_32) return null;
    if (subs.length === MAX_SUB_AUTHORITIES) return null;
    subs.push(value);
    i = j;
  }
  return { sid: `S-1-${formatAuthority(authority)}${subs.map((v) => `-${v}`).join("")}`, end: i };
}

// "0x…" authorities are exactly 12 digits, so a following hex letter is only acceptable as the start of the
// next SDDL section ("D:" / "S:" are not hex, but "D" is: guard the "…D:" case).
function isSddlSectionStart(text: string, i: number): boolean {
  return text.charCodeAt(i + 1) === 58;
}

/** Parses a whole string as a SID and returns its canonical form; throws SdParseError otherwise. */
export function parseSid(text: string, kind: SdParseErrorKind = "sddl"): string {
  const scanned = scanSid(text, 0);
  if (!scanned || scanned.end !== text.length) {
    throw new SdParseError(kind, `not a SID: "${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`);
  }
  return scanned.sid;
}

/** True when the text is a SID string (any case of the leading "S"). */
export function isSid(text: string): boolean {
  const scanned = scanSid(text, 0);
  return scanned !== null && scanned.end === text.length;
}

// Directory descriptors name the same few dozen SIDs over and over: memoise the encoding (bounded, least recently
// used dropped first).
const MAX_MEMO = 4096;
const bytesBySid = new LRUCache<string, Uint8Array>({ max: MAX_MEMO });

/** Binary SID of a SID string; the returned array is shared: do not modify it. */
export function sidBytesShared(sid: string): Uint8Array {
  let bytes = bytesBySid.get(sid);
  if (!bytes) {
    bytes = encodeSid(sid);
    bytesBySid.set(sid, bytes);
  }
  return bytes;
}

/** Binary SID (MS-DTYP 2.4.2) of a canonical or non-canonical SID string. */
export function sidToBytes(sid: string): Uint8Array {
  return sidBytesShared(sid).slice();
}

function encodeSid(sid: string): Uint8Array {
  const canonical = parseSid(sid);
  const parts = canonical.split("-");
  const authorityText = parts[2] ?? "0";
  const authority = authorityText.startsWith("0x")
    ? parseInt(authorityText.slice(2), 16)
    : Number(authorityText);
  const subs = parts.slice(3).map(Number);
  const out = new Uint8Array(sidByteLength(subs.length));
  writeSid(out, 0, 1, authority, subs);
  return out;
}

function writeSid(
  out: Uint8Array,
  offset: number,
  revision: number,
  authority: number,
  subs: readonly number[],
): void {
  out[offset] = revision;
  out[offset + 1] = subs.length;
  // IdentifierAuthority is 6 bytes big-endian (MS-DTYP 2.4.1.1)
  let a = authority;
  for (let k = 5; k >= 0; k--) {
    out[offset + 2 + k] = a % 256;
    a = Math.floor(a / 256);
  }
  let p = offset + 8;
  for (const v of subs) {
    out[p] = v & 0xff;
    out[p + 1] = (v >>> 8) & 0xff;
    out[p + 2] = (v >>> 16) & 0xff;
    out[p + 3] = (v >>> 24) & 0xff;
    p += 4;
  }
}

/** Writes the binary form of a canonical SID string at `offset`; returns the number of bytes written. */
export function writeSidBytes(out: Uint8Array, offset: number, sid: string): number {
  const bytes = sidBytesShared(sid);
  out.set(bytes, offset);
  return bytes.length;
}

/**
 * Reads a binary SID at `offset`, not past `limit`. Throws SdParseError("binary") on a bad revision, a count
 * above 15, or a SID running past the limit.
 */
export function readSid(bytes: Uint8Array, offset: number, limit: number): { sid: string; length: number } {
  if (offset + 8 > limit)
    throw new SdParseError("binary", "SID header runs past the end of its container", offset);
  const revision = bytes[offset] ?? 0;
  const count = bytes[offset + 1] ?? 0;
  if (revision !== 1) throw new SdParseError("binary", `SID revision ${revision} (must be 1)`, offset);
  if (count > MAX_SUB_AUTHORITIES)
    throw new SdParseError("binary", `SID has ${count} sub-authorities (max 15)`, offset);
  const length = sidByteLength(count);
  if (offset + length > limit)
    throw new SdParseError("binary", "SID runs past the end of its container", offset);
  const key = count === 0 ? -1 : u32(bytes, offset + length - 4);
  const candidates = textByLastSubAuthority.get(key);
  if (candidates) {
    outer: for (const c of candidates) {
      if (c.bytes.length !== length) continue;
      for (let k = 0; k < length; k++) if (c.bytes[k] !== bytes[offset + k]) continue outer;
      return { sid: c.text, length };
    }
  }
  const text = formatSidBytes(bytes, offset, count);
  if (internedCount >= MAX_MEMO) {
    textByLastSubAuthority.clear();
    internedCount = 0;
  }
  const entry = { bytes: bytes.slice(offset, offset + length), text };
  if (candidates) candidates.push(entry);
  else textByLastSubAuthority.set(key, [entry]);
  internedCount++;
  return { sid: text, length };
}

// Reading: the same SIDs recur in every descriptor of a domain, so their strings are interned (bounded table),
// found by the last sub-authority and confirmed byte for byte.
const textByLastSubAuthority = new Map<number, { bytes: Uint8Array; text: string }[]>();
let internedCount = 0;

function u32(b: Uint8Array, p: number): number {
  return ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
}

function formatSidBytes(bytes: Uint8Array, offset: number, count: number): string {
  let authority = 0;
  for (let k = 0; k < 6; k++) authority = authority * 256 + (bytes[offset + 2 + k] ?? 0);
  let text = `S-1-${formatAuthority(authority)}`;
  for (let k = 0; k < count; k++) {
    const p = offset + 8 + 4 * k;
    const v =
      ((bytes[p] ?? 0) |
        ((bytes[p + 1] ?? 0) << 8) |
        ((bytes[p + 2] ?? 0) << 16) |
        ((bytes[p + 3] ?? 0) << 24)) >>>
      0;
    text += `-${v}`;
  }
  return text;
}

/** The domain part of a SID (all but the last sub-authority), or null when it has no sub-authority. */
export function sidDomainAndRid(sid: string): { domain: string; rid: number } | null {
  const cut = sid.lastIndexOf("-");
  if (cut < 0 || sid.split("-").length <= 3) return null;
  return { domain: sid.slice(0, cut), rid: Number(sid.slice(cut + 1)) };
}
