// replPropertyMetaData: the per-attribute replication stamps a domain controller keeps on every object (MS-DRSR
// 5.160 REPLPROPERTYMETADATA_BLOB / PROPERTY_META_DATA_EXT). The end-to-end test reads the stamp of unicodePwd: its
// originating change time says when the password itself was last set, whatever pwdLastSet was made to say
// afterwards (an admin reset sets pwdLastSet to 0). Pure: bytes in, stamps out, a DirectoryError ("protocol") for bad input.

import { DirectoryError } from "./errors";

// ms-fact: unicodepwd-attrtyp
/**
 * ATTRTYP of unicodePwd (attributeId 1.2.840.113556.1.4.90): prefix 1.2.840.113556.1.4 has index 9 in the default
 * prefix table (MS-DRSR 5.16.4), the last arc is 90 = 0x5A, so the ATTRTYP is 0x0009005A.
 */
export const ATTRTYP_UNICODE_PWD = 0x0009005a;
/** ATTRTYP of pwdLastSet (1.2.840.113556.1.4.96), for tests and the sandbox's blob. */
export const ATTRTYP_PWD_LAST_SET = 0x00090060;

const HEADER_BYTES = 16;
const ENTRY_BYTES = 48;
/** DSTIME counts seconds since 1601-01-01 UTC; this is that instant in Unix milliseconds. */
const DSTIME_EPOCH_MS = -11_644_473_600_000;

/** One attribute's stamp: which attribute, how often it changed, and when and where it last originated. */
export interface AttributeStamp {
  attributeType: number;
  version: number;
  /** The originating change time; null when the DC stored 0 (no originating write known). */
  changedAt: Date | null;
  /** invocationId of the DC where the change originated. */
  originatingDsa: string;
  originatingUsn: bigint;
  localUsn: bigint;
}

function bad(detail: string): DirectoryError {
  return new DirectoryError(
    "protocol",
    `The replication metadata (replPropertyMetaData) could not be read: ${detail}.`,
    "The domain controller returned an unexpected value; read the user's unicodePwd metadata with repadmin /showobjmeta instead.",
  );
}

function guidAt(view: DataView, offset: number): string {
  // GUID layout (MS-DTYP 2.3.4.2): Data1..Data3 little-endian, Data4 as bytes.
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  const bytes = Array.from({ length: 8 }, (_, i) => hex(view.getUint8(offset + 8 + i), 2)).join("");
  return `${hex(view.getUint32(offset, true), 8)}-${hex(view.getUint16(offset + 4, true), 4)}-${hex(view.getUint16(offset + 6, true), 4)}-${bytes.slice(0, 4)}-${bytes.slice(4)}`;
}

/** DSTIME seconds as a Date; null for 0 and for values a Date cannot hold. */
export function dsTimeToDate(seconds: bigint): Date | null {
  if (seconds <= 0n) return null;
  const ms = Number(seconds) * 1000 + DSTIME_EPOCH_MS;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms) : null;
}

/** A Date as DSTIME seconds (whole seconds, as a DC stores them). */
export function dateToDsTime(date: Date): bigint {
  return BigInt(Math.floor((date.getTime() - DSTIME_EPOCH_MS) / 1000));
}

/**
 * Parses a REPLPROPERTYMETADATA_BLOB: dwVersion (1), dwReserved, cNumEntries, dwReserved, then cNumEntries stamps
 * of 48 bytes (attrType, dwVersion, timeChanged, uuidDsaOriginating, usnOriginating, usnProperty), little-endian.
 * Throws a DirectoryError ("protocol") for anything else; never reads past the end.
 */
export function parseReplPropertyMetaData(bytes: Uint8Array): AttributeStamp[] {
  if (!(bytes instanceof Uint8Array)) throw bad("the value is not binary");
  if (bytes.length < HEADER_BYTES)
    throw bad(`${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0, true);
  if (version !== 1) throw bad(`version ${version}, where 1 is the only one defined`);
  const count = view.getUint32(8, true);
  const needed = HEADER_BYTES + count * ENTRY_BYTES;
  if (bytes.length < needed)
    throw bad(`it announces ${count} entries (${needed} bytes) but holds ${bytes.length} bytes`);
  const stamps: AttributeStamp[] = [];
  for (let i = 0; i < count; i++) {
    const o = HEADER_BYTES + i * ENTRY_BYTES;
    stamps.push({
      attributeType: view.getUint32(o, true),
      version: view.getUint32(o + 4, true),
      changedAt: dsTimeToDate(view.getBigInt64(o + 8, true)),
      originatingDsa: guidAt(view, o + 16),
      originatingUsn: view.getBigInt64(o + 32, true),
      localUsn: view.getBigInt64(o + 40, true),
    });
  }
  return stamps;
}

/**
 * When the password itself was last set: the originating change time of unicodePwd. Null when the blob has no
 * unicodePwd stamp (a user whose password was never set) or the stamp carries no time.
 */
export function passwordSetAt(bytes: Uint8Array): Date | null {
  return (
    parseReplPropertyMetaData(bytes).find((s) => s.attributeType === ATTRTYP_UNICODE_PWD)?.changedAt ?? null
  );
}

export interface StampInput {
  attributeType: number;
  version?: number;
  changedAt: Date;
  originatingDsa?: string;
  originatingUsn?: bigint;
  localUsn?: bigint;
}

/** The inverse of parseReplPropertyMetaData: the sandbox keeps its users' stamps in this form, as a DC does. */
export function encodeReplPropertyMetaData(stamps: readonly StampInput[]): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + stamps.length * ENTRY_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 1, true);
  view.setUint32(8, stamps.length, true);
  stamps.forEach((s, i) => {
    const o = HEADER_BYTES + i * ENTRY_BYTES;
    view.setUint32(o, s.attributeType, true);
    view.setUint32(o + 4, s.version ?? 1, true);
    view.setBigInt64(o + 8, dateToDsTime(s.changedAt), true);
    const hex = (s.originatingDsa ?? "00000000-0000-0000-0000-000000000000").replace(/-/g, "");
    if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`Not a GUID: ${s.originatingDsa}`);
    const n = (from: number, to: number) => parseInt(hex.slice(from, to), 16);
    view.setUint32(o + 16, n(0, 8), true);
    view.setUint16(o + 20, n(8, 12), true);
    view.setUint16(o + 22, n(12, 16), true);
    for (let b = 0; b < 8; b++) view.setUint8(o + 24 + b, n(16 + 2 * b, 18 + 2 * b));
    view.setBigInt64(o + 32, s.originatingUsn ?? 1n, true);
    view.setBigInt64(o + 40, s.localUsn ?? 1n, true);
  });
  return bytes;
}

/** Replaces (or adds) one attribute's stamp, bumping its version as an originating write does. */
export function stampAttribute(bytes: Uint8Array | null, attributeType: number, at: Date): Uint8Array {
  const stamps: StampInput[] = bytes
    ? parseReplPropertyMetaData(bytes).map((s) => ({
        ...s,
        changedAt: s.changedAt ?? new Date(DSTIME_EPOCH_MS),
      }))
    : [];
  const existing = stamps.find((s) => s.attributeType === attributeType);
  if (existing) {
    existing.version = (existing.version ?? 1) + 1;
    existing.changedAt = at;
  } else stamps.push({ attributeType, changedAt: at });
  return encodeReplPropertyMetaData(stamps);
}
