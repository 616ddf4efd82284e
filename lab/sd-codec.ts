// A deliberately small, independent codec for self-relative security descriptors (MS-DTYP 2.4.6).
//
// Why not lib/ad? The lab is the *judge* of the access-check engine in lib/ad: if the seed and the
// differential test wrote descriptors with the engine's own serializer, a shared bug could hide on
// both sides. So the lab keeps its own few hundred lines: it can read a DACL, edit ACEs, flip
// SE_DACL_PROTECTED and write it back. It is not a general SDDL implementation.

/** SE_DACL_PROTECTED: inheritance disabled (SDDL `D:P`). MS-DTYP 2.4.6. */
export const SE_DACL_PRESENT = 0x0004;
export const SE_DACL_AUTO_INHERITED = 0x0400;
export const SE_DACL_PROTECTED = 0x1000;
export const SE_SELF_RELATIVE = 0x8000;

/** ACE types (MS-DTYP 2.4.4.1). */
export const ACCESS_ALLOWED_ACE_TYPE = 0x00;
export const ACCESS_DENIED_ACE_TYPE = 0x01;
export const ACCESS_ALLOWED_OBJECT_ACE_TYPE = 0x05;
export const ACCESS_DENIED_OBJECT_ACE_TYPE = 0x06;

/** ACE flags (MS-DTYP 2.4.4.1). */
export const OBJECT_INHERIT_ACE = 0x01;
export const CONTAINER_INHERIT_ACE = 0x02;
export const NO_PROPAGATE_INHERIT_ACE = 0x04;
export const INHERIT_ONLY_ACE = 0x08;
export const INHERITED_ACE = 0x10;

/** Directory-service access mask bits (MS-ADTS 5.1.3.2). */
export const ADS_RIGHT_DS_CONTROL_ACCESS = 0x100;
export const ADS_RIGHT_DS_WRITE_PROP = 0x20;
export const ADS_RIGHT_DS_READ_PROP = 0x10;

const ACE_OBJECT_TYPE_PRESENT = 0x1;
const ACE_INHERITED_OBJECT_TYPE_PRESENT = 0x2;

/** One ACE. Types the lab does not edit (audit, callback…) are kept as opaque bytes. */
export type LabAce =
  | {
      kind: "basic";
      type: typeof ACCESS_ALLOWED_ACE_TYPE | typeof ACCESS_DENIED_ACE_TYPE;
      flags: number;
      mask: number;
      sid: string;
    }
  | {
      kind: "object";
      type: typeof ACCESS_ALLOWED_OBJECT_ACE_TYPE | typeof ACCESS_DENIED_OBJECT_ACE_TYPE;
      flags: number;
      mask: number;
      /** Lower-case GUID string, or undefined when the ObjectType field is absent. */
      objectType?: string;
      inheritedObjectType?: string;
      sid: string;
    }
  | { kind: "opaque"; type: number; flags: number; bytes: Uint8Array };

export interface LabSecurityDescriptor {
  revision: number;
  control: number;
  owner?: Uint8Array;
  group?: Uint8Array;
  /** Raw SACL bytes (the lab never edits the SACL). */
  sacl?: Uint8Array;
  dacl: { revision: number; aces: LabAce[] } | null;
}

// ---------- SIDs (MS-DTYP 2.4.2) ----------

export function sidFromBytes(bytes: Uint8Array, offset = 0): { sid: string; length: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const revision = view.getUint8(offset);
  const count = view.getUint8(offset + 1);
  if (revision !== 1 || count > 15) throw new Error(`Not a SID at offset ${offset}`);
  let authority = 0;
  for (let i = 0; i < 6; i += 1) authority = authority * 256 + view.getUint8(offset + 2 + i);
  const parts = [`S-1-${authority}`];
  for (let i = 0; i < count; i += 1) parts.push(String(view.getUint32(offset + 8 + 4 * i, true)));
  return { sid: parts.join("-"), length: 8 + 4 * count };
}

export function sidToBytes(sid: string): Uint8Array {
  const match = /^S-1-(\d+)((?:-\d+)*)$/i.exec(sid);
  if (!match) throw new Error(`Not a SID string: ${sid}`);
  const authority = Number(match[1]);
  const subs = (match[2] ?? "").split("-").filter(Boolean).map(Number);
  const out = new Uint8Array(8 + 4 * subs.length);
  const view = new DataView(out.buffer);
  out[0] = 1;
  out[1] = subs.length;
  // The identifier authority is a 48-bit big-endian number.
  for (let i = 5, a = authority; i >= 0; i -= 1, a = Math.floor(a / 256)) out[2 + i] = a % 256;
  subs.forEach((s, i) => view.setUint32(8 + 4 * i, s >>> 0, true));
  return out;
}

// ---------- GUIDs (MS-DTYP 2.3.4.2: first three fields little-endian) ----------

export function guidFromBytes(bytes: Uint8Array, offset = 0): string {
  const b = bytes.subarray(offset, offset + 16);
  const hex = (i: number): string => (b[i] ?? 0).toString(16).padStart(2, "0");
  const order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
  return order.map((i) => (i < 0 ? "-" : hex(i))).join("");
}

export function guidToBytes(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`Not a GUID: ${guid}`);
  const raw = Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Uint8Array.from(order.map((i) => raw[i] ?? 0));
}

// ---------- ACLs ----------

function parseAce(bytes: Uint8Array, offset: number): { ace: LabAce; size: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint8(offset);
  const flags = view.getUint8(offset + 1);
  const size = view.getUint16(offset + 2, true);
  if (size < 8 || offset + size > bytes.byteLength) throw new Error(`Bad ACE size ${size} at ${offset}`);
  if (type === ACCESS_ALLOWED_ACE_TYPE || type === ACCESS_DENIED_ACE_TYPE) {
    const mask = view.getUint32(offset + 4, true);
    return { ace: { kind: "basic", type, flags, mask, sid: sidFromBytes(bytes, offset + 8).sid }, size };
  }
  if (type === ACCESS_ALLOWED_OBJECT_ACE_TYPE || type === ACCESS_DENIED_OBJECT_ACE_TYPE) {
    const mask = view.getUint32(offset + 4, true);
    const objectFlags = view.getUint32(offset + 8, true);
    let p = offset + 12;
    let objectType: string | undefined;
    let inheritedObjectType: string | undefined;
    if (objectFlags & ACE_OBJECT_TYPE_PRESENT) {
      objectType = guidFromBytes(bytes, p);
      p += 16;
    }
    if (objectFlags & ACE_INHERITED_OBJECT_TYPE_PRESENT) {
      inheritedObjectType = guidFromBytes(bytes, p);
      p += 16;
    }
    const ace: LabAce = { kind: "object", type, flags, mask, sid: sidFromBytes(bytes, p).sid };
    if (objectType) ace.objectType = objectType;
    if (inheritedObjectType) ace.inheritedObjectType = inheritedObjectType;
    return { ace, size };
  }
  return { ace: { kind: "opaque", type, flags, bytes: bytes.slice(offset, offset + size) }, size };
}

function serializeAce(ace: LabAce): Uint8Array {
  if (ace.kind === "opaque") return ace.bytes;
  const sid = sidToBytes(ace.sid);
  const guids: Uint8Array[] = [];
  let objectFlags = 0;
  if (ace.kind === "object") {
    if (ace.objectType) {
      objectFlags |= ACE_OBJECT_TYPE_PRESENT;
      guids.push(guidToBytes(ace.objectType));
    }
    if (ace.inheritedObjectType) {
      objectFlags |= ACE_INHERITED_OBJECT_TYPE_PRESENT;
      guids.push(guidToBytes(ace.inheritedObjectType));
    }
  }
  const head = ace.kind === "object" ? 12 : 8;
  const size = head + 16 * guids.length + sid.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint8(0, ace.type);
  view.setUint8(1, ace.flags);
  view.setUint16(2, size, true);
  view.setUint32(4, ace.mask >>> 0, true);
  if (ace.kind === "object") view.setUint32(8, objectFlags, true);
  guids.forEach((g, i) => out.set(g, head + 16 * i));
  out.set(sid, head + 16 * guids.length);
  return out;
}

function parseAcl(bytes: Uint8Array, offset: number): { revision: number; aces: LabAce[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const revision = view.getUint8(offset);
  const count = view.getUint16(offset + 4, true);
  const aces: LabAce[] = [];
  let p = offset + 8;
  for (let i = 0; i < count; i += 1) {
    const { ace, size } = parseAce(bytes, p);
    aces.push(ace);
    p += size;
  }
  return { revision, aces };
}

function aclLength(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(offset + 2, true);
}

function serializeAcl(acl: { revision: number; aces: LabAce[] }): Uint8Array {
  const parts = acl.aces.map(serializeAce);
  const size = 8 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  // ACL_REVISION_DS (4) is required as soon as an object ACE is present (MS-DTYP 2.4.5).
  const needsDs = acl.aces.some((a) => a.kind === "object");
  view.setUint8(0, needsDs ? 4 : acl.revision);
  view.setUint16(2, size, true);
  view.setUint16(4, acl.aces.length, true);
  let p = 8;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

// ---------- Security descriptor ----------

export function parseLabSd(bytes: Uint8Array): LabSecurityDescriptor {
  if (bytes.byteLength < 20) throw new Error("Security descriptor too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const revision = view.getUint8(0);
  const control = view.getUint16(2, true);
  const offOwner = view.getUint32(4, true);
  const offGroup = view.getUint32(8, true);
  const offSacl = view.getUint32(12, true);
  const offDacl = view.getUint32(16, true);
  const sd: LabSecurityDescriptor = { revision, control, dacl: null };
  if (offOwner) sd.owner = bytes.slice(offOwner, offOwner + sidFromBytes(bytes, offOwner).length);
  if (offGroup) sd.group = bytes.slice(offGroup, offGroup + sidFromBytes(bytes, offGroup).length);
  if (offSacl) sd.sacl = bytes.slice(offSacl, offSacl + aclLength(bytes, offSacl));
  if (offDacl) sd.dacl = parseAcl(bytes, offDacl);
  return sd;
}

export function serializeLabSd(sd: LabSecurityDescriptor): Uint8Array {
  const dacl = sd.dacl ? serializeAcl(sd.dacl) : undefined;
  const parts: { field: number; bytes: Uint8Array | undefined }[] = [
    { field: 4, bytes: sd.owner },
    { field: 8, bytes: sd.group },
    { field: 12, bytes: sd.sacl },
    { field: 16, bytes: dacl },
  ];
  const size = 20 + parts.reduce((n, p) => n + (p.bytes?.length ?? 0), 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint8(0, sd.revision);
  let control = sd.control | SE_SELF_RELATIVE;
  control = sd.dacl ? control | SE_DACL_PRESENT : control & ~SE_DACL_PRESENT;
  view.setUint16(2, control, true);
  let p = 20;
  for (const part of parts) {
    if (!part.bytes) continue;
    view.setUint32(part.field, p, true);
    out.set(part.bytes, p);
    p += part.bytes.length;
  }
  return out;
}

// ---------- Readable form (for case names and logs, not a full SDDL writer) ----------

const RIGHT_NAMES: [number, string][] = [
  [0x10000000, "GA"],
  [0x40000000, "GW"],
  [0x80000000, "GR"],
  [0x20000000, "GX"],
  [0x00080000, "WO"],
  [0x00040000, "WD"],
  [0x00020000, "RC"],
  [0x00010000, "SD"],
  [0x00000100, "CR"],
  [0x00000080, "LO"],
  [0x00000040, "DT"],
  [0x00000020, "WP"],
  [0x00000010, "RP"],
  [0x00000008, "SW"],
  [0x00000004, "LC"],
  [0x00000002, "DC"],
  [0x00000001, "CC"],
];

const FLAG_NAMES: [number, string][] = [
  [OBJECT_INHERIT_ACE, "OI"],
  [CONTAINER_INHERIT_ACE, "CI"],
  [NO_PROPAGATE_INHERIT_ACE, "NP"],
  [INHERIT_ONLY_ACE, "IO"],
  [INHERITED_ACE, "ID"],
];

export function rightsToSddl(mask: number): string {
  let rest = mask >>> 0;
  let out = "";
  for (const [bit, name] of RIGHT_NAMES) {
    if ((rest & bit) >>> 0 === bit >>> 0) {
      out += name;
      rest = (rest & ~bit) >>> 0;
    }
  }
  return rest ? `${out}0x${rest.toString(16)}` : out;
}

export function flagsToSddl(flags: number): string {
  return FLAG_NAMES.filter(([bit]) => flags & bit)
    .map(([, n]) => n)
    .join("");
}

export function aceToSddl(ace: LabAce): string {
  if (ace.kind === "opaque") return `(opaque type 0x${ace.type.toString(16)})`;
  const type = { 0: "A", 1: "D", 5: "OA", 6: "OD" }[ace.type];
  const ot = ace.kind === "object" ? (ace.objectType ?? "") : "";
  const iot = ace.kind === "object" ? (ace.inheritedObjectType ?? "") : "";
  return `(${type};${flagsToSddl(ace.flags)};${rightsToSddl(ace.mask)};${ot};${iot};${ace.sid})`;
}
