// The access check of access-check.ts, run directly on the self-relative bytes (MS-DTYP 2.4.6) for bulk
// verification (every user of a domain): no objects, no SID or GUID strings — ACE fields are read in place,
// token SIDs are pre-encoded and found by their last sub-authority, GUIDs compared as bytes. One pass over the
// DACL decides all five rights and stops as soon as each is decided.
//
// Why one pass suffices: each right's object-type tree is a single path (class -> [property set ->] leaf), and on a
// path the MS-DTYP 2.5.3.2 tree rules reduce to "the first applicable ACE decides": an ACE whose ObjectType is
// any node of the path (or absent) settles the root either directly, by downward propagation or by upward
// propagation, and nothing later can change a settled node. access-check.ts implements the tree walk; the tests
// check both agree on random descriptors.
//
// It validates only what it reads (header, the DACL's ACL header, and the ACEs up to the last one needed):
// malformed bytes give SdParseError, never an out-of-bounds read, but a defect elsewhere in the descriptor (a bad
// owner SID, an ACE after the deciding ones) is not noticed. Use parseSecurityDescriptor to validate.

import { type AccessToken } from "./access-check";
import {
  CHANGE_PASSWORD,
  classGuid,
  LOCKOUT_TIME,
  PWD_LAST_SET,
  RESET_PASSWORD,
  UNEXPIRE_PASSWORD,
  USER_ACCOUNT_RESTRICTIONS,
  type RightName,
} from "./schema";
import { SdParseError } from "./errors";
import { guidToBytes } from "./guid";
import { sidToBytes } from "./sid";

/** A token prepared for the byte scan: its SIDs in binary form, indexed by their last sub-authority. */
export interface PreparedToken {
  readonly sidsByLastSubAuthority: ReadonlyMap<number, readonly Uint8Array[]>;
}

export function prepareToken(token: AccessToken): PreparedToken {
  const map = new Map<number, Uint8Array[]>();
  for (const sid of token.sids) {
    const bytes = sidToBytes(sid);
    const key = lastSubAuthorityKey(bytes, 0);
    const list = map.get(key);
    if (list) list.push(bytes);
    else map.set(key, [bytes]);
  }
  return { sidsByLastSubAuthority: map };
}

function lastSubAuthorityKey(b: Uint8Array, sidOffset: number): number {
  const count = b[sidOffset + 1] ?? 0;
  if (count === 0) return -1;
  const p = sidOffset + 4 + 4 * count;
  return ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
}

// Rights as bits of a small integer.
const R_RESET = 1;
const R_CHANGE = 2;
const R_UNEXPIRE = 4;
const R_LOCKOUT = 8;
const R_PWD = 16;
const ALL = 31;
const CR_RIGHTS = R_RESET | R_CHANGE | R_UNEXPIRE;
const WP_RIGHTS = R_LOCKOUT | R_PWD;

// Local copies of constants used in the hot loop: when this module runs as CommonJS (tsx, plain Node) every
// access to an imported binding goes through a getter, which costs more than the check itself.
const SE_SELF_RELATIVE = 0x8000; // MS-DTYP 2.4.6
const SE_DACL_PRESENT = 0x0004;
const CONTROL_ACCESS = 0x100;
const WRITE_PROPERTY = 0x20;
const GENERIC_ALL = 0x1000_0000;
const GENERIC_WRITE = 0x4000_0000;
const INHERIT_ONLY = 0x08;

interface GuidTarget {
  bytes: Uint8Array;
  /** First four wire bytes as a little-endian number: a cheap pre-filter before the full comparison. */
  data1: number;
  /** Rights reached when the ACE carries CR, resp. WP (MS-ADTS 5.1.3.3.3 / 5.1.3.3.4). */
  cr: number;
  wp: number;
}

// Object types that touch one of the five paths (the class itself is handled separately).
const TARGETS: readonly GuidTarget[] = [
  target(RESET_PASSWORD, R_RESET, 0),
  target(CHANGE_PASSWORD, R_CHANGE, 0),
  target(UNEXPIRE_PASSWORD, R_UNEXPIRE, 0),
  target(LOCKOUT_TIME, 0, R_LOCKOUT),
  target(USER_ACCOUNT_RESTRICTIONS, 0, R_PWD),
  target(PWD_LAST_SET, 0, R_PWD),
];

function target(guid: string, cr: number, wp: number): GuidTarget {
  const bytes = guidToBytes(guid);
  return { bytes, data1: u32(bytes, 0), cr, wp };
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
}

function sameBytes(b: Uint8Array, p: number, ref: Uint8Array, from: number): boolean {
  for (let k = from; k < ref.length; k++) if (b[p + k] !== ref[k]) return false;
  return true;
}

function guidEquals(b: Uint8Array, p: number, ref: Uint8Array): boolean {
  return sameBytes(b, p, ref, 0);
}

const classCache = new Map<string, Uint8Array>();

function classBytes(objectClass: string): Uint8Array {
  let bytes = classCache.get(objectClass);
  if (!bytes) {
    bytes = guidToBytes(classGuid(objectClass));
    classCache.set(objectClass, bytes);
  }
  return bytes;
}

/** Rights an object ACE with ObjectType at `p` reaches, given the CR/WP it carries. */
function objectTypeRights(b: Uint8Array, p: number, cls: Uint8Array, cr: boolean, wp: boolean): number {
  if (guidEquals(b, p, cls)) return (cr ? CR_RIGHTS : 0) | (wp ? WP_RIGHTS : 0);
  const data1 = u32(b, p);
  for (const t of TARGETS) {
    if (t.data1 === data1 && sameBytes(b, p, t.bytes, 4)) return (cr ? t.cr : 0) | (wp ? t.wp : 0);
  }
  return 0;
}

function sidInToken(b: Uint8Array, sidOffset: number, aceEnd: number, token: PreparedToken): boolean {
  if (sidOffset + 8 > aceEnd)
    throw new SdParseError("binary", "SID header runs past the end of its container", sidOffset);
  if (b[sidOffset] !== 1)
    throw new SdParseError("binary", `SID revision ${b[sidOffset] ?? 0} (must be 1)`, sidOffset);
  const count = b[sidOffset + 1] ?? 0;
  if (count > 15) throw new SdParseError("binary", `SID has ${count} sub-authorities (max 15)`, sidOffset);
  const length = 8 + 4 * count;
  if (sidOffset + length > aceEnd)
    throw new SdParseError("binary", "SID runs past the end of its container", sidOffset);
  const candidates = token.sidsByLastSubAuthority.get(lastSubAuthorityKey(b, sidOffset));
  if (!candidates) return false;
  for (const c of candidates) {
    if (c.length === length && sameBytes(b, sidOffset, c, 0)) return true;
  }
  return false;
}

/**
 * The five rights of `token` on an object of class `objectClass` whose self-relative descriptor is `bytes`.
 * Same answers as effectiveRights(parseSecurityDescriptor(bytes), token, objectClass) for every valid descriptor.
 */
export function effectiveRightsFromBinary(
  bytes: Uint8Array,
  token: PreparedToken,
  objectClass: string,
): Record<RightName, boolean> {
  const cls = classBytes(objectClass);
  const b = bytes;
  if (b.length < 20) throw new SdParseError("binary", `descriptor is ${b.length} bytes (header is 20)`, 0);
  const control = (b[2] ?? 0) | ((b[3] ?? 0) << 8);
  if (!(control & SE_SELF_RELATIVE))
    throw new SdParseError("binary", "descriptor is not self-relative (SE_SELF_RELATIVE clear)", 2);
  const daclOffset = u32(b, 16);
  let granted = 0;
  if (!(control & SE_DACL_PRESENT) || daclOffset === 0) {
    granted = ALL; // no DACL: everything (MS-DTYP 2.5.3.2)
  } else {
    if (daclOffset < 20 || daclOffset + 8 > b.length)
      throw new SdParseError("binary", `OffsetDacl ${daclOffset} is outside the descriptor`, 16);
    const aclSize = (b[daclOffset + 2] ?? 0) | ((b[daclOffset + 3] ?? 0) << 8);
    const count = (b[daclOffset + 4] ?? 0) | ((b[daclOffset + 5] ?? 0) << 8);
    const aclEnd = daclOffset + aclSize;
    if (aclSize < 8)
      throw new SdParseError("binary", `AclSize ${aclSize} is smaller than the ACL header`, daclOffset + 2);
    if (aclEnd > b.length)
      throw new SdParseError(
        "binary",
        `AclSize ${aclSize} runs past the end of the descriptor`,
        daclOffset + 2,
      );
    let decided = 0;
    let p = daclOffset + 8;
    for (let i = 0; i < count && decided !== ALL; i++) {
      if (p + 4 > aclEnd) throw new SdParseError("binary", `ACE ${i} of ${count} runs past AclSize`, p);
      const type = b[p] ?? 0;
      const flags = b[p + 1] ?? 0;
      const size = (b[p + 2] ?? 0) | ((b[p + 3] ?? 0) << 8);
      if (size < 4) throw new SdParseError("binary", `ACE ${i} has AceSize ${size}`, p + 2);
      const end = p + size;
      if (end > aclEnd)
        throw new SdParseError("binary", `ACE ${i} (AceSize ${size}) runs past AclSize`, p + 2);
      const here = p;
      p = end;
      // Allowed/denied, plain (0, 1) or object (5, 6); not inherit-only.
      if (type !== 0 && type !== 1 && type !== 5 && type !== 6) continue;
      if (flags & INHERIT_ONLY) continue;
      if (size < (type >= 5 ? 20 : 16))
        throw new SdParseError("binary", `ACE of type ${type} is too short (${size} bytes)`, here);
      const mask = u32(b, here + 4);
      // DS generic mapping: GENERIC_ALL carries CR and WP, GENERIC_WRITE carries WP.
      const cr = (mask & (CONTROL_ACCESS | GENERIC_ALL)) !== 0;
      const wp = (mask & (WRITE_PROPERTY | GENERIC_ALL | GENERIC_WRITE)) !== 0;
      if (!cr && !wp) continue;
      let reach: number;
      let sidOffset: number;
      if (type >= 5) {
        const objectFlags = u32(b, here + 8);
        let q = here + 12;
        let otAt = -1;
        if (objectFlags & 1) {
          if (q + 16 > end) throw new SdParseError("binary", "ObjectType runs past the end of the ACE", q);
          otAt = q;
          q += 16;
        }
        if (objectFlags & 2) {
          if (q + 16 > end)
            throw new SdParseError("binary", "InheritedObjectType runs past the end of the ACE", q);
          // InheritedObjectType only steers inheritance; the check ignores it (see access-check.ts).
          q += 16;
        }
        sidOffset = q;
        reach =
          otAt < 0 ? (cr ? CR_RIGHTS : 0) | (wp ? WP_RIGHTS : 0) : objectTypeRights(b, otAt, cls, cr, wp);
      } else {
        sidOffset = here + 8;
        reach = (cr ? CR_RIGHTS : 0) | (wp ? WP_RIGHTS : 0);
      }
      reach &= ~decided;
      if (reach === 0) continue;
      if (!sidInToken(b, sidOffset, end, token)) continue;
      decided |= reach;
      if (type === 0 || type === 5) granted |= reach;
    }
  }
  return {
    resetPassword: (granted & R_RESET) !== 0,
    changePassword: (granted & R_CHANGE) !== 0,
    writeLockoutTime: (granted & R_LOCKOUT) !== 0,
    writePwdLastSet: (granted & R_PWD) !== 0,
    unexpirePassword: (granted & R_UNEXPIRE) !== 0,
  };
}
