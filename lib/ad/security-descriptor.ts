// Self-relative security descriptors (MS-DTYP 2.4.6) with their ACLs (2.4.5) and ACEs (2.4.4): parse and
// serialise. Pure: bytes in, plain objects out.
//
// Byte-exact round trip: a self-relative descriptor may place owner, group, SACL and DACL in any order
// (Windows writes SACL, DACL, owner, group; Samba writes owner, group, SACL, DACL). The parser records the order
// it found, plus ACL padding and reserved bytes, in WeakMaps keyed by the returned objects, so serialising a
// parsed descriptor reproduces the input bytes exactly whenever the input is packed (components contiguous from
// byte 20, no gaps or sharing — what Windows and Samba produce). The hints are invisible to deep equality, and
// a descriptor built by hand (or from SDDL) is written in MS-DTYP field order: owner, group, SACL, DACL.

import { SdParseError } from "./errors";
import { guidBytesShared, readGuid as importedReadGuid } from "./guid";
import { readSid as importedReadSid, sidBytesShared } from "./sid";

// Bound once: when this module runs as CommonJS (tsx, plain Node) each use of an imported binding goes through a
// getter, a measurable cost in the per-ACE loop.
const readGuid = importedReadGuid;
const readSid = importedReadSid;

// MS-DTYP 2.4.4.1 ACE_HEADER AceType values this engine understands.
export const ACCESS_ALLOWED_ACE_TYPE = 0x00;
export const ACCESS_DENIED_ACE_TYPE = 0x01;
export const SYSTEM_AUDIT_ACE_TYPE = 0x02;
export const ACCESS_ALLOWED_OBJECT_ACE_TYPE = 0x05;
export const ACCESS_DENIED_OBJECT_ACE_TYPE = 0x06;
export const SYSTEM_AUDIT_OBJECT_ACE_TYPE = 0x07;

// MS-DTYP 2.4.4.1 AceFlags.
export const OBJECT_INHERIT_ACE = 0x01;
export const CONTAINER_INHERIT_ACE = 0x02;
export const NO_PROPAGATE_INHERIT_ACE = 0x04;
export const INHERIT_ONLY_ACE = 0x08;
export const INHERITED_ACE = 0x10;
export const CRITICAL_ACE_FLAG = 0x20;
export const SUCCESSFUL_ACCESS_ACE_FLAG = 0x40;
export const FAILED_ACCESS_ACE_FLAG = 0x80;

// MS-DTYP 2.4.4.3 ACCESS_ALLOWED_OBJECT_ACE Flags.
export const ACE_OBJECT_TYPE_PRESENT = 0x1;
export const ACE_INHERITED_OBJECT_TYPE_PRESENT = 0x2;

// MS-DTYP 2.4.6 SECURITY_DESCRIPTOR Control.
export const SE_OWNER_DEFAULTED = 0x0001;
export const SE_GROUP_DEFAULTED = 0x0002;
export const SE_DACL_PRESENT = 0x0004;
export const SE_DACL_DEFAULTED = 0x0008;
export const SE_SACL_PRESENT = 0x0010;
export const SE_SACL_DEFAULTED = 0x0020;
export const SE_DACL_TRUSTED = 0x0040;
export const SE_SERVER_SECURITY = 0x0080;
export const SE_DACL_AUTO_INHERIT_REQ = 0x0100;
export const SE_SACL_AUTO_INHERIT_REQ = 0x0200;
export const SE_DACL_AUTO_INHERITED = 0x0400;
export const SE_SACL_AUTO_INHERITED = 0x0800;
export const SE_DACL_PROTECTED = 0x1000;
export const SE_SACL_PROTECTED = 0x2000;
export const SE_RM_CONTROL_VALID = 0x4000;
export const SE_SELF_RELATIVE = 0x8000;

/** ACL revisions (MS-DTYP 2.4.5): 2, or 4 when the ACL holds object ACEs. */
export const ACL_REVISION = 2;
export const ACL_REVISION_DS = 4;

export type BasicAceType =
  typeof ACCESS_ALLOWED_ACE_TYPE | typeof ACCESS_DENIED_ACE_TYPE | typeof SYSTEM_AUDIT_ACE_TYPE;
export type ObjectAceType =
  | typeof ACCESS_ALLOWED_OBJECT_ACE_TYPE
  | typeof ACCESS_DENIED_OBJECT_ACE_TYPE
  | typeof SYSTEM_AUDIT_OBJECT_ACE_TYPE;

/** ACCESS_ALLOWED_ACE, ACCESS_DENIED_ACE, SYSTEM_AUDIT_ACE (MS-DTYP 2.4.4.2, 2.4.4.4, 2.4.4.10). */
export interface BasicAce {
  type: BasicAceType;
  flags: number;
  /** Unsigned 32-bit ACCESS_MASK. */
  mask: number;
  sid: string;
  objectType?: null;
  inheritedObjectType?: null;
  /** Bytes after the SID inside AceSize (present only when non-empty). */
  applicationData?: Uint8Array;
  raw?: undefined;
}

/** ACCESS_ALLOWED_OBJECT_ACE, ACCESS_DENIED_OBJECT_ACE, SYSTEM_AUDIT_OBJECT_ACE (MS-DTYP 2.4.4.3, .4.5, .4.11). */
export interface ObjectAce {
  type: ObjectAceType;
  flags: number;
  mask: number;
  sid: string;
  /** Lower-case GUID, or null when ACE_OBJECT_TYPE_PRESENT is clear (undefined is read as null). */
  objectType?: string | null;
  inheritedObjectType?: string | null;
  applicationData?: Uint8Array;
  raw?: undefined;
}

/** Any other ACE type (callback, mandatory label, resource attribute, …): kept byte for byte. */
export interface UnknownAce {
  type: number;
  flags: number;
  /** The ACE bytes after the 4-byte ACE_HEADER. */
  raw: Uint8Array;
}

export type KnownAce = BasicAce | ObjectAce;
export type Ace = KnownAce | UnknownAce;

export interface Acl {
  revision: number;
  aces: Ace[];
}

export interface SecurityDescriptor {
  revision: number;
  sbz1: number;
  /** SECURITY_DESCRIPTOR_CONTROL bits; SE_DACL_PRESENT / SE_SACL_PRESENT say whether the ACLs count. */
  control: number;
  owner: string | null;
  group: string | null;
  sacl: Acl | null;
  dacl: Acl | null;
}

export function isKnownAce(ace: Ace): ace is KnownAce {
  return ace.raw === undefined;
}

export function isObjectAceType(type: number): type is ObjectAceType {
  return (
    type === ACCESS_ALLOWED_OBJECT_ACE_TYPE ||
    type === ACCESS_DENIED_OBJECT_ACE_TYPE ||
    type === SYSTEM_AUDIT_OBJECT_ACE_TYPE
  );
}

export function isBasicAceType(type: number): type is BasicAceType {
  return (
    type === ACCESS_ALLOWED_ACE_TYPE || type === ACCESS_DENIED_ACE_TYPE || type === SYSTEM_AUDIT_ACE_TYPE
  );
}

// ---------------------------------------------------------------------------------------------------------
// Layout hints (see the header comment).

type Component = "owner" | "group" | "sacl" | "dacl";
const DEFAULT_ORDER: readonly Component[] = ["owner", "group", "sacl", "dacl"];

interface AclHint {
  sbz1: number;
  sbz2: number;
  /** Bytes between the last ACE and AclSize. */
  slack: Uint8Array;
}

const sdOrderHints = new WeakMap<SecurityDescriptor, readonly Component[]>();
const aclHints = new WeakMap<Acl, AclHint>();

// ---------------------------------------------------------------------------------------------------------
// Parsing.

function u16(b: Uint8Array, p: number): number {
  return (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8);
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
}

function parseAce(b: Uint8Array, p: number, size: number): Ace {
  const type = b[p] ?? 0;
  const flags = b[p + 1] ?? 0;
  const end = p + size;
  if (isBasicAceType(type)) {
    if (size < 16) throw new SdParseError("binary", `ACE of type ${type} is too short (${size} bytes)`, p);
    const mask = u32(b, p + 4);
    const { sid, length } = readSid(b, p + 8, end);
    const ace: BasicAce = { type, flags, mask, sid };
    const q = p + 8 + length;
    if (q < end) ace.applicationData = b.slice(q, end);
    return ace;
  }
  if (isObjectAceType(type)) {
    if (size < 20)
      throw new SdParseError("binary", `object ACE of type ${type} is too short (${size} bytes)`, p);
    const mask = u32(b, p + 4);
    const objectFlags = u32(b, p + 8);
    // Undefined Flags bits would be lost on a round trip and have no defined meaning (MS-DTYP 2.4.4.3).
    if (objectFlags & ~(ACE_OBJECT_TYPE_PRESENT | ACE_INHERITED_OBJECT_TYPE_PRESENT)) {
      throw new SdParseError(
        "binary",
        `object ACE Flags 0x${objectFlags.toString(16)} has undefined bits`,
        p + 8,
      );
    }
    let q = p + 12;
    let objectType: string | null = null;
    let inheritedObjectType: string | null = null;
    if (objectFlags & ACE_OBJECT_TYPE_PRESENT) {
      if (q + 16 > end) throw new SdParseError("binary", "ObjectType runs past the end of the ACE", q);
      objectType = readGuid(b, q);
      q += 16;
    }
    if (objectFlags & ACE_INHERITED_OBJECT_TYPE_PRESENT) {
      if (q + 16 > end)
        throw new SdParseError("binary", "InheritedObjectType runs past the end of the ACE", q);
      inheritedObjectType = readGuid(b, q);
      q += 16;
    }
    const { sid, length } = readSid(b, q, end);
    const ace: ObjectAce = { type, flags, mask, sid, objectType, inheritedObjectType };
    q += length;
    if (q < end) ace.applicationData = b.slice(q, end);
    return ace;
  }
  return { type, flags, raw: b.slice(p + 4, end) };
}

function parseAcl(b: Uint8Array, offset: number): { acl: Acl; size: number } {
  if (offset + 8 > b.length) throw new SdParseError("binary", "ACL header runs past the end", offset);
  const revision = b[offset] ?? 0;
  const sbz1 = b[offset + 1] ?? 0;
  const size = u16(b, offset + 2);
  const count = u16(b, offset + 4);
  const sbz2 = u16(b, offset + 6);
  if (size < 8)
    throw new SdParseError("binary", `AclSize ${size} is smaller than the ACL header`, offset + 2);
  const end = offset + size;
  if (end > b.length)
    throw new SdParseError("binary", `AclSize ${size} runs past the end of the descriptor`, offset + 2);
  const aces: Ace[] = [];
  let p = offset + 8;
  // Each ACE takes at least 4 bytes inside AclSize, so a huge AceCount cannot loop for long.
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) throw new SdParseError("binary", `ACE ${i} of ${count} runs past AclSize`, p);
    const aceSize = u16(b, p + 2);
    if (aceSize < 4) throw new SdParseError("binary", `ACE ${i} has AceSize ${aceSize}`, p + 2);
    if (p + aceSize > end)
      throw new SdParseError("binary", `ACE ${i} (AceSize ${aceSize}) runs past AclSize`, p + 2);
    aces.push(parseAce(b, p, aceSize));
    p += aceSize;
  }
  const acl: Acl = { revision, aces };
  aclHints.set(acl, { sbz1, sbz2, slack: b.slice(p, end) });
  return { acl, size };
}

/**
 * Parses a self-relative SECURITY_DESCRIPTOR (MS-DTYP 2.4.6). Throws SdParseError (kind "binary", with the byte
 * offset) on anything malformed; never reads outside `bytes`.
 */
export function parseSecurityDescriptor(bytes: Uint8Array): SecurityDescriptor {
  if (bytes.length < 20)
    throw new SdParseError("binary", `descriptor is ${bytes.length} bytes (header is 20)`, 0);
  const control = u16(bytes, 2);
  // An absolute descriptor holds pointers, meaningless outside the process that made it.
  if (!(control & SE_SELF_RELATIVE))
    throw new SdParseError("binary", "descriptor is not self-relative (SE_SELF_RELATIVE clear)", 2);
  const offsets: Record<Component, number> = {
    owner: u32(bytes, 4),
    group: u32(bytes, 8),
    sacl: u32(bytes, 12),
    dacl: u32(bytes, 16),
  };
  for (const name of DEFAULT_ORDER) {
    const off = offsets[name];
    if (off !== 0 && (off < 20 || off >= bytes.length)) {
      throw new SdParseError(
        "binary",
        `Offset${name[0]?.toUpperCase()}${name.slice(1)} ${off} is outside the descriptor`,
        4 + 4 * DEFAULT_ORDER.indexOf(name),
      );
    }
  }
  const extents: { name: Component; offset: number; length: number }[] = [];
  let owner: string | null = null;
  let group: string | null = null;
  let sacl: Acl | null = null;
  let dacl: Acl | null = null;
  if (offsets.owner) {
    const r = readSid(bytes, offsets.owner, bytes.length);
    owner = r.sid;
    extents.push({ name: "owner", offset: offsets.owner, length: r.length });
  }
  if (offsets.group) {
    const r = readSid(bytes, offsets.group, bytes.length);
    group = r.sid;
    extents.push({ name: "group", offset: offsets.group, length: r.length });
  }
  if (offsets.sacl) {
    const r = parseAcl(bytes, offsets.sacl);
    sacl = r.acl;
    extents.push({ name: "sacl", offset: offsets.sacl, length: r.size });
  }
  if (offsets.dacl) {
    const r = parseAcl(bytes, offsets.dacl);
    dacl = r.acl;
    extents.push({ name: "dacl", offset: offsets.dacl, length: r.size });
  }
  const sd: SecurityDescriptor = {
    revision: bytes[0] ?? 0,
    sbz1: bytes[1] ?? 0,
    control,
    owner,
    group,
    sacl,
    dacl,
  };
  extents.sort((a, b) => a.offset - b.offset);
  let expected = 20;
  let packed = true;
  for (const e of extents) {
    if (e.offset !== expected) packed = false;
    expected = e.offset + e.length;
  }
  if (packed && expected === bytes.length)
    sdOrderHints.set(
      sd,
      extents.map((e) => e.name),
    );
  return sd;
}

// ---------------------------------------------------------------------------------------------------------
// Serialising.

function knownAceBody(ace: KnownAce): { size: number; sid: Uint8Array } {
  const sid = sidBytesShared(ace.sid);
  let size = 8 + sid.length + (ace.applicationData?.length ?? 0);
  if (isObjectAceType(ace.type)) {
    size += 4;
    if (ace.objectType) size += 16;
    if (ace.inheritedObjectType) size += 16;
  }
  return { size, sid };
}

function aceSize(ace: Ace): number {
  return isKnownAce(ace) ? knownAceBody(ace).size : 4 + ace.raw.length;
}

function writeU16(out: Uint8Array, p: number, v: number): void {
  out[p] = v & 0xff;
  out[p + 1] = (v >>> 8) & 0xff;
}

function writeU32(out: Uint8Array, p: number, v: number): void {
  out[p] = v & 0xff;
  out[p + 1] = (v >>> 8) & 0xff;
  out[p + 2] = (v >>> 16) & 0xff;
  out[p + 3] = (v >>> 24) & 0xff;
}

function writeAce(out: Uint8Array, p: number, ace: Ace): number {
  out[p] = ace.type;
  out[p + 1] = ace.flags;
  if (!isKnownAce(ace)) {
    const size = 4 + ace.raw.length;
    if (size > 0xffff) throw new RangeError(`ACE of ${size} bytes exceeds AceSize`);
    writeU16(out, p + 2, size);
    out.set(ace.raw, p + 4);
    return size;
  }
  const { size, sid } = knownAceBody(ace);
  if (size > 0xffff) throw new RangeError(`ACE of ${size} bytes exceeds AceSize`);
  writeU16(out, p + 2, size);
  writeU32(out, p + 4, ace.mask >>> 0);
  let q = p + 8;
  if (isObjectAceType(ace.type)) {
    const flags =
      (ace.objectType ? ACE_OBJECT_TYPE_PRESENT : 0) |
      (ace.inheritedObjectType ? ACE_INHERITED_OBJECT_TYPE_PRESENT : 0);
    writeU32(out, q, flags);
    q += 4;
    if (ace.objectType) {
      out.set(guidBytesShared(ace.objectType), q);
      q += 16;
    }
    if (ace.inheritedObjectType) {
      out.set(guidBytesShared(ace.inheritedObjectType), q);
      q += 16;
    }
  }
  out.set(sid, q);
  q += sid.length;
  if (ace.applicationData) out.set(ace.applicationData, q);
  return size;
}

function aclByteLength(acl: Acl): number {
  let size = 8 + (aclHints.get(acl)?.slack.length ?? 0);
  for (const ace of acl.aces) size += aceSize(ace);
  return size;
}

function writeAcl(out: Uint8Array, p: number, acl: Acl): number {
  const hint = aclHints.get(acl);
  const size = aclByteLength(acl);
  if (size > 0xffff) throw new RangeError(`ACL of ${size} bytes exceeds AclSize`);
  if (acl.aces.length > 0xffff) throw new RangeError("too many ACEs for AceCount");
  out[p] = acl.revision;
  out[p + 1] = hint?.sbz1 ?? 0;
  writeU16(out, p + 2, size);
  writeU16(out, p + 4, acl.aces.length);
  writeU16(out, p + 6, hint?.sbz2 ?? 0);
  let q = p + 8;
  for (const ace of acl.aces) q += writeAce(out, q, ace);
  if (hint) out.set(hint.slack, q);
  return size;
}

/** Serialises to a packed self-relative descriptor (MS-DTYP 2.4.6). SE_SELF_RELATIVE is always set. */
export function serializeSecurityDescriptor(sd: SecurityDescriptor): Uint8Array {
  const hinted = sdOrderHints.get(sd);
  const order = hinted ? [...hinted, ...DEFAULT_ORDER.filter((c) => !hinted.includes(c))] : DEFAULT_ORDER;
  const ownerBytes = sd.owner === null ? null : sidBytesShared(sd.owner);
  const groupBytes = sd.group === null ? null : sidBytesShared(sd.group);
  const lengths: Record<Component, number> = {
    owner: ownerBytes?.length ?? 0,
    group: groupBytes?.length ?? 0,
    sacl: sd.sacl ? aclByteLength(sd.sacl) : 0,
    dacl: sd.dacl ? aclByteLength(sd.dacl) : 0,
  };
  let total = 20;
  for (const c of order) total += lengths[c];
  const out = new Uint8Array(total);
  out[0] = sd.revision;
  out[1] = sd.sbz1;
  writeU16(out, 2, (sd.control | SE_SELF_RELATIVE) & 0xffff);
  let p = 20;
  for (const c of order) {
    if (lengths[c] === 0) continue;
    writeU32(out, 4 + 4 * DEFAULT_ORDER.indexOf(c), p);
    if (c === "owner" && ownerBytes) out.set(ownerBytes, p);
    else if (c === "group" && groupBytes) out.set(groupBytes, p);
    else if (c === "sacl" && sd.sacl) writeAcl(out, p, sd.sacl);
    else if (c === "dacl" && sd.dacl) writeAcl(out, p, sd.dacl);
    p += lengths[c];
  }
  return out;
}

/** The ACL revision a list of ACEs needs: ACL_REVISION_DS when any object ACE is present (MS-DTYP 2.4.5). */
export function aclRevisionFor(aces: readonly Ace[]): number {
  return aces.some((a) => isObjectAceType(a.type)) ? ACL_REVISION_DS : ACL_REVISION;
}
