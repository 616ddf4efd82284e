// GUIDs: text "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case) <-> the 16-byte wire form of MS-DTYP 2.3.4.
// The wire form is mixed-endian: Data1 (4 bytes), Data2 and Data3 (2 bytes each) little-endian, Data4 (8 bytes)
// in order. So "bf967aba-0de6-11d0-a285-00aa003049e2" is ba 7a 96 bf e6 0d d0 11 a2 85 00 aa 00 30 49 e2.

import { LRUCache } from "lru-cache";
import { SdParseError, type SdParseErrorKind } from "./errors";

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// Byte i of the wire form comes from hex pair WIRE_ORDER[i] of the 32 hex digits of the text form.
const WIRE_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] as const;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function isGuid(text: string): boolean {
  return GUID_RE.test(text);
}

/** Canonical (lower-case) GUID text; throws SdParseError when the text is not a GUID. */
export function parseGuid(text: string, kind: SdParseErrorKind = "sddl"): string {
  if (!GUID_RE.test(text)) throw new SdParseError(kind, `not a GUID: "${text.slice(0, 40)}"`);
  return text.toLowerCase();
}

// GUIDs repeat heavily in directory descriptors (a few dozen schema GUIDs), so both directions are memoised in
// small bounded tables: parsing 100,000 descriptors should not build 2,000,000 identical strings.
const MAX_MEMO = 4096;
const bytesByText = new LRUCache<string, Uint8Array>({ max: MAX_MEMO });
interface Interned {
  bytes: Uint8Array;
  text: string;
}
const textByData1 = new Map<number, Interned[]>();
let internedCount = 0;

function encode(guid: string): Uint8Array {
  const hex = parseGuid(guid).replace(/-/g, "");
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const pair = WIRE_ORDER[i] ?? 0;
    out[i] = parseInt(hex.slice(pair * 2, pair * 2 + 2), 16);
  }
  return out;
}

/** The 16-byte wire form. The returned array is shared: do not modify it. */
export function guidBytesShared(guid: string): Uint8Array {
  let bytes = bytesByText.get(guid);
  if (!bytes) {
    bytes = encode(guid);
    bytesByText.set(guid, bytes);
  }
  return bytes;
}

export function guidToBytes(guid: string): Uint8Array {
  return guidBytesShared(guid).slice();
}

function format(bytes: Uint8Array, offset: number): string {
  const h = (i: number): string => HEX[bytes[offset + i] ?? 0] ?? "00";
  return (
    h(3) +
    h(2) +
    h(1) +
    h(0) +
    "-" +
    h(5) +
    h(4) +
    "-" +
    h(7) +
    h(6) +
    "-" +
    h(8) +
    h(9) +
    "-" +
    h(10) +
    h(11) +
    h(12) +
    h(13) +
    h(14) +
    h(15)
  );
}

/** Reads the 16-byte wire form at `offset` (caller checks bounds). */
export function readGuid(bytes: Uint8Array, offset: number): string {
  const data1 =
    ((bytes[offset] ?? 0) |
      ((bytes[offset + 1] ?? 0) << 8) |
      ((bytes[offset + 2] ?? 0) << 16) |
      ((bytes[offset + 3] ?? 0) << 24)) >>>
    0;
  const candidates = textByData1.get(data1);
  if (candidates) {
    outer: for (const c of candidates) {
      for (let k = 4; k < 16; k++) if (c.bytes[k] !== bytes[offset + k]) continue outer;
      return c.text;
    }
  }
  const text = format(bytes, offset);
  if (internedCount >= MAX_MEMO) {
    textByData1.clear();
    internedCount = 0;
  }
  const entry = { bytes: bytes.slice(offset, offset + 16), text };
  const list = textByData1.get(data1);
  if (list) list.push(entry);
  else textByData1.set(data1, [entry]);
  internedCount++;
  return text;
}
