// SDDL (MS-DTYP 2.5.1): parse to and format from the SecurityDescriptor model of ./security-descriptor.
//
// Formatting follows what Windows and Samba print, so strings compare equal to what a DC returns:
// rights as two-letter codes in the order CC DC LC SW RP WP DT LO CR SD RC WD WO GA GX GW GR, an exact file-right
// alias (FA FR FW FX) when the codes cannot cover the mask, else "0x…" lower-case hex; ACE flags in the order
// OI CI NP IO ID SA FA; ACL flags P AR AI; SIDs as their two-letter alias when there is one (domain-relative
// aliases only when the domain SID is known). Parsing accepts the sections in any order (each at most once),
// numeric masks in hex, octal or decimal, and lower-case GUIDs or upper-case ones.

import { SdFormatError, SdParseError } from "./errors";
import { isGuid } from "./guid";
import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  ACCESS_DENIED_ACE_TYPE,
  ACCESS_DENIED_OBJECT_ACE_TYPE,
  aclRevisionFor,
  SE_DACL_AUTO_INHERIT_REQ,
  SE_DACL_AUTO_INHERITED,
  SE_DACL_PRESENT,
  SE_DACL_PROTECTED,
  SE_SACL_AUTO_INHERIT_REQ,
  SE_SACL_AUTO_INHERITED,
  SE_SACL_PRESENT,
  SE_SACL_PROTECTED,
  SE_SELF_RELATIVE,
  SYSTEM_AUDIT_ACE_TYPE,
  SYSTEM_AUDIT_OBJECT_ACE_TYPE,
  isKnownAce,
  isObjectAceType,
  type Ace,
  type Acl,
  type KnownAce,
  type SecurityDescriptor,
} from "./security-descriptor";
import { parseSid, scanSid } from "./sid";

export interface SddlOptions {
  /** Domain SID ("S-1-5-21-a-b-c") that domain-relative aliases (DA, DU, EA, …) stand in. */
  domainSid?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Tables (MS-DTYP 2.5.1.1; Windows "SID Strings", "ACE Strings").

const ACE_TYPES: readonly (readonly [string, number])[] = [
  ["A", ACCESS_ALLOWED_ACE_TYPE],
  ["D", ACCESS_DENIED_ACE_TYPE],
  ["OA", ACCESS_ALLOWED_OBJECT_ACE_TYPE],
  ["OD", ACCESS_DENIED_OBJECT_ACE_TYPE],
  ["AU", SYSTEM_AUDIT_ACE_TYPE],
  ["OU", SYSTEM_AUDIT_OBJECT_ACE_TYPE],
];
const ACE_TYPE_BY_CODE = new Map(ACE_TYPES);
const ACE_CODE_BY_TYPE = new Map(ACE_TYPES.map(([code, type]) => [type, code]));
// Types SDDL names but this engine does not model (callback, alarm, label, resource, policy ACEs).
const UNSUPPORTED_ACE_CODES = new Set(["AL", "OL", "ML", "XA", "XD", "ZA", "XU", "RA", "SP"]);

const ACE_FLAGS: readonly (readonly [string, number])[] = [
  ["OI", 0x01],
  ["CI", 0x02],
  ["NP", 0x04],
  ["IO", 0x08],
  ["ID", 0x10],
  ["SA", 0x40],
  ["FA", 0x80],
];
const ACE_FLAG_BY_CODE = new Map(ACE_FLAGS);

// Order matters for formatting (see the header comment).
const RIGHTS: readonly (readonly [string, number])[] = [
  ["CC", 0x0000_0001],
  ["DC", 0x0000_0002],
  ["LC", 0x0000_0004],
  ["SW", 0x0000_0008],
  ["RP", 0x0000_0010],
  ["WP", 0x0000_0020],
  ["DT", 0x0000_0040],
  ["LO", 0x0000_0080],
  ["CR", 0x0000_0100],
  ["SD", 0x0001_0000],
  ["RC", 0x0002_0000],
  ["WD", 0x0004_0000],
  ["WO", 0x0008_0000],
  ["GA", 0x1000_0000],
  ["GX", 0x2000_0000],
  ["GW", 0x4000_0000],
  ["GR", 0x8000_0000],
];
// Whole-mask aliases accepted when parsing; the file ones are also printed for an exact match (as Samba does).
const FILE_RIGHTS: readonly (readonly [string, number])[] = [
  ["FA", 0x001f_01ff],
  ["FR", 0x0012_0089],
  ["FW", 0x0012_0116],
  ["FX", 0x0012_00a0],
];
const REGISTRY_RIGHTS: readonly (readonly [string, number])[] = [
  ["KA", 0x000f_003f],
  ["KR", 0x0002_0019],
  ["KW", 0x0002_0006],
  ["KX", 0x0002_0019],
];
const RIGHT_BY_CODE = new Map([...RIGHTS, ...FILE_RIGHTS, ...REGISTRY_RIGHTS]);
const ALL_RIGHT_BITS = RIGHTS.reduce((m, [, bit]) => (m | bit) >>> 0, 0);

interface SidAlias {
  code: string;
  sid?: string;
  /** RID in the domain (or forest root domain: this engine assumes they are the same). */
  rid?: number;
}

/** Two-letter SID aliases (MS-DTYP 2.5.1.1 sid-token; values from the Windows "SID Strings" table). */
export const SDDL_SID_ALIASES: readonly SidAlias[] = [
  { code: "WD", sid: "S-1-1-0" },
  { code: "CO", sid: "S-1-3-0" },
  { code: "CG", sid: "S-1-3-1" },
  { code: "OW", sid: "S-1-3-4" },
  { code: "NU", sid: "S-1-5-2" },
  { code: "IU", sid: "S-1-5-4" },
  { code: "SU", sid: "S-1-5-6" },
  { code: "AN", sid: "S-1-5-7" },
  { code: "ED", sid: "S-1-5-9" },
  { code: "PS", sid: "S-1-5-10" },
  { code: "AU", sid: "S-1-5-11" },
  { code: "RC", sid: "S-1-5-12" },
  { code: "SY", sid: "S-1-5-18" },
  { code: "LS", sid: "S-1-5-19" },
  { code: "NS", sid: "S-1-5-20" },
  { code: "WR", sid: "S-1-5-33" },
  { code: "BA", sid: "S-1-5-32-544" },
  { code: "BU", sid: "S-1-5-32-545" },
  { code: "BG", sid: "S-1-5-32-546" },
  { code: "PU", sid: "S-1-5-32-547" },
  { code: "AO", sid: "S-1-5-32-548" },
  { code: "SO", sid: "S-1-5-32-549" },
  { code: "PO", sid: "S-1-5-32-550" },
  { code: "BO", sid: "S-1-5-32-551" },
  { code: "RE", sid: "S-1-5-32-552" },
  { code: "RU", sid: "S-1-5-32-554" },
  { code: "RD", sid: "S-1-5-32-555" },
  { code: "NO", sid: "S-1-5-32-556" },
  { code: "MU", sid: "S-1-5-32-558" },
  { code: "LU", sid: "S-1-5-32-559" },
  { code: "IS", sid: "S-1-5-32-568" },
  { code: "CY", sid: "S-1-5-32-569" },
  { code: "ER", sid: "S-1-5-32-573" },
  { code: "CD", sid: "S-1-5-32-574" },
  { code: "RA", sid: "S-1-5-32-575" },
  { code: "ES", sid: "S-1-5-32-576" },
  { code: "MS", sid: "S-1-5-32-577" },
  { code: "HA", sid: "S-1-5-32-578" },
  { code: "AA", sid: "S-1-5-32-579" },
  { code: "RM", sid: "S-1-5-32-580" },
  { code: "UD", sid: "S-1-5-84-0-0-0-0-0" },
  { code: "AC", sid: "S-1-15-2-1" },
  { code: "LW", sid: "S-1-16-4096" },
  { code: "ME", sid: "S-1-16-8192" },
  { code: "MP", sid: "S-1-16-8448" },
  { code: "HI", sid: "S-1-16-12288" },
  { code: "SI", sid: "S-1-16-16384" },
  { code: "AS", sid: "S-1-18-1" },
  { code: "SS", sid: "S-1-18-2" },
  // Domain-relative. RO, SA, EA and EK belong to the forest root domain; the engine is given one domain SID
  // and uses it for them too (right for single-domain forests, the lab's case) — say so where it matters.
  { code: "RO", rid: 498 },
  { code: "LA", rid: 500 },
  { code: "LG", rid: 501 },
  { code: "DA", rid: 512 },
  { code: "DU", rid: 513 },
  { code: "DG", rid: 514 },
  { code: "DC", rid: 515 },
  { code: "DD", rid: 516 },
  { code: "CA", rid: 517 },
  { code: "SA", rid: 518 },
  { code: "EA", rid: 519 },
  { code: "PA", rid: 520 },
  { code: "CN", rid: 522 },
  { code: "AP", rid: 525 },
  { code: "KA", rid: 526 },
  { code: "EK", rid: 527 },
  { code: "RS", rid: 553 },
];
const ALIAS_BY_CODE = new Map(SDDL_SID_ALIASES.map((a) => [a.code, a]));
const CODE_BY_SID = new Map(SDDL_SID_ALIASES.filter((a) => a.sid).map((a) => [a.sid as string, a.code]));
const CODE_BY_RID = new Map(
  SDDL_SID_ALIASES.filter((a) => a.rid !== undefined).map((a) => [a.rid as number, a.code]),
);

// ---------------------------------------------------------------------------------------------------------
// Parsing.

const MAX_SDDL_LENGTH = 4 * 1024 * 1024;

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly domainSid: string | undefined,
  ) {}

  fail(message: string, at: number = this.pos): never {
    throw new SdParseError("sddl", message, at);
  }

  sid(): string {
    const start = this.pos;
    const scanned = scanSid(this.text, start);
    if (scanned) {
      this.pos = scanned.end;
      return scanned.sid;
    }
    const code = this.text.slice(start, start + 2);
    const alias = ALIAS_BY_CODE.get(code);
    if (!alias) this.fail(`expected a SID or a two-letter SID alias, found "${code}"`, start);
    this.pos = start + 2;
    if (alias.sid) return alias.sid;
    if (!this.domainSid)
      this.fail(`SID alias ${code} is domain-relative and needs the domain SID (domainSid)`, start);
    return `${this.domainSid}-${alias.rid}`;
  }

  aclFlags(): { flags: number; nullAcl: boolean } {
    let flags = 0;
    for (;;) {
      const t = this.text;
      if (t.startsWith("NO_ACCESS_CONTROL", this.pos)) {
        this.pos += 17;
        return { flags, nullAcl: true };
      }
      if (t[this.pos] === "P") {
        flags |= SE_DACL_PROTECTED;
        this.pos += 1;
      } else if (t.startsWith("AR", this.pos)) {
        flags |= SE_DACL_AUTO_INHERIT_REQ;
        this.pos += 2;
      } else if (t.startsWith("AI", this.pos)) {
        flags |= SE_DACL_AUTO_INHERITED;
        this.pos += 2;
      } else {
        return { flags, nullAcl: false };
      }
    }
  }

  acl(): { acl: Acl | null; flags: number } {
    const { flags, nullAcl } = this.aclFlags();
    if (nullAcl) return { acl: null, flags };
    const aces: Ace[] = [];
    while (this.text[this.pos] === "(") aces.push(this.ace());
    return { acl: { revision: aclRevisionFor(aces), aces }, flags };
  }

  ace(): KnownAce {
    const open = this.pos;
    const close = this.text.indexOf(")", open);
    if (close < 0) this.fail("ACE is not closed with ')'", open);
    const inner = this.text.slice(open + 1, close);
    const fields = inner.split(";");
    // A seventh field is a condition or resource attribute, which may itself contain parentheses.
    if (fields.length >= 7) this.fail("conditional and resource-attribute ACEs are not supported", open);
    const nested = inner.indexOf("(");
    if (nested >= 0) this.fail("unexpected '(' inside an ACE", open + 1 + nested);
    // Field start offsets, for error positions.
    const starts: number[] = [];
    let at = open + 1;
    for (const f of fields) {
      starts.push(at);
      at += f.length + 1;
    }
    const typeCode = fields[0] ?? "";
    if (fields.length !== 6)
      this.fail(
        `ACE has ${fields.length} fields (expected 6: type;flags;rights;object;inherit-object;sid)`,
        open,
      );
    const type = ACE_TYPE_BY_CODE.get(typeCode);
    if (type === undefined) {
      this.fail(
        UNSUPPORTED_ACE_CODES.has(typeCode)
          ? `ACE type ${typeCode} is not supported`
          : `unknown ACE type "${typeCode}"`,
        starts[0],
      );
    }
    const flags = this.aceFlags(fields[1] ?? "", starts[1] ?? open);
    const mask = this.rights(fields[2] ?? "", starts[2] ?? open);
    const objectType = this.guidField(fields[3] ?? "", starts[3] ?? open, "object GUID");
    const inheritedObjectType = this.guidField(fields[4] ?? "", starts[4] ?? open, "inherited-object GUID");
    const sidText = fields[5] ?? "";
    const sidStart = starts[5] ?? open;
    const sub = new Parser(sidText, this.domainSid);
    let sid: string;
    try {
      sid = sub.sid();
    } catch (e) {
      if (e instanceof SdParseError) this.fail(e.reason, sidStart + (e.offset ?? 0));
      throw e;
    }
    if (sub.pos !== sidText.length)
      this.fail(`unexpected text after the ACE's SID: "${sidText.slice(sub.pos)}"`, sidStart + sub.pos);
    this.pos = close + 1;
    if (isObjectAceType(type)) return { type, flags, mask, sid, objectType, inheritedObjectType };
    if (objectType || inheritedObjectType) {
      this.fail(
        `ACE type ${typeCode} cannot carry object GUIDs (use OA, OD or OU)`,
        starts[objectType ? 3 : 4],
      );
    }
    return { type: type as 0 | 1 | 2, flags, mask, sid };
  }

  aceFlags(text: string, start: number): number {
    if (text.length % 2 !== 0) this.fail(`bad ACE flags "${text}"`, start);
    let flags = 0;
    for (let i = 0; i < text.length; i += 2) {
      const bit = ACE_FLAG_BY_CODE.get(text.slice(i, i + 2));
      if (bit === undefined) this.fail(`unknown ACE flag "${text.slice(i, i + 2)}"`, start + i);
      flags |= bit;
    }
    return flags;
  }

  rights(text: string, start: number): number {
    if (text.length === 0) this.fail("empty rights field", start);
    if (/^[0-9]/.test(text)) {
      // MS-DTYP 2.5.1.1 ace-rights: "0x" hex, "0" octal or decimal.
      let value: number;
      if (/^0[xX][0-9a-fA-F]{1,8}$/.test(text)) value = parseInt(text.slice(2), 16);
      else if (/^0[0-7]{0,11}$/.test(text)) value = parseInt(text, 8);
      else if (/^[1-9][0-9]{0,9}$/.test(text)) value = Number(text);
      else this.fail(`bad numeric rights "${text}"`, start);
      if (value > 0xffff_ffff) this.fail(`rights ${text} do not fit 32 bits`, start);
      return value >>> 0;
    }
    if (text.length % 2 !== 0) this.fail(`bad rights "${text}"`, start);
    let mask = 0;
    for (let i = 0; i < text.length; i += 2) {
      const bits = RIGHT_BY_CODE.get(text.slice(i, i + 2));
      if (bits === undefined) this.fail(`unknown right "${text.slice(i, i + 2)}"`, start + i);
      mask = (mask | bits) >>> 0;
    }
    return mask;
  }

  guidField(text: string, start: number, what: string): string | null {
    if (text === "") return null;
    if (!isGuid(text)) this.fail(`bad ${what} "${text}"`, start);
    return text.toLowerCase();
  }

  descriptor(): SecurityDescriptor {
    const t = this.text;
    if (t.length > MAX_SDDL_LENGTH) this.fail(`SDDL is ${t.length} characters (limit ${MAX_SDDL_LENGTH})`, 0);
    while (/\s/.test(t[this.pos] ?? "")) this.pos++;
    let end = t.length;
    while (end > this.pos && /\s/.test(t[end - 1] ?? "")) end--;
    const sd: SecurityDescriptor = {
      revision: 1,
      sbz1: 0,
      control: SE_SELF_RELATIVE,
      owner: null,
      group: null,
      sacl: null,
      dacl: null,
    };
    const seen = new Set<string>();
    while (this.pos < end) {
      const section = t[this.pos] ?? "";
      if (t[this.pos + 1] !== ":" || !"OGDS".includes(section))
        this.fail(`expected "O:", "G:", "D:" or "S:"`);
      if (seen.has(section)) this.fail(`"${section}:" appears twice`);
      seen.add(section);
      this.pos += 2;
      if (section === "O") sd.owner = this.sid();
      else if (section === "G") sd.group = this.sid();
      else {
        const { acl, flags } = this.acl();
        if (section === "D") {
          sd.dacl = acl;
          sd.control |= SE_DACL_PRESENT | flags;
        } else {
          sd.sacl = acl;
          // The SACL's P/AR/AI bits sit one bit above the DACL's (MS-DTYP 2.4.6).
          sd.control |= SE_SACL_PRESENT | (flags << 1);
        }
      }
    }
    if (this.pos !== end) this.fail("unexpected text at the end");
    return sd;
  }
}

/**
 * Parses SDDL (MS-DTYP 2.5.1). Throws SdParseError (kind "sddl", with the character offset) on bad input, and on
 * a domain-relative alias (DA, DU, …) when `opts.domainSid` is missing.
 */
export function parseSddl(text: string, opts: SddlOptions = {}): SecurityDescriptor {
  const domainSid = opts.domainSid === undefined ? undefined : parseSid(opts.domainSid);
  return new Parser(text, domainSid).descriptor();
}

// ---------------------------------------------------------------------------------------------------------
// Formatting.

export function formatRights(mask: number): string {
  const m = mask >>> 0;
  if (m === 0) return "0x0";
  if ((m & ~ALL_RIGHT_BITS) === 0) {
    let out = "";
    for (const [code, bit] of RIGHTS) if (m & bit) out += code;
    return out;
  }
  for (const [code, bits] of FILE_RIGHTS) if (bits === m) return code;
  return `0x${m.toString(16)}`;
}

function formatAceFlags(flags: number): string {
  let out = "";
  let rest = flags;
  for (const [code, bit] of ACE_FLAGS) {
    if (flags & bit) {
      out += code;
      rest &= ~bit;
    }
  }
  if (rest) throw new SdFormatError(`ACE flags 0x${flags.toString(16)} have no SDDL form`);
  return out;
}

export function formatSid(sid: string, opts: SddlOptions = {}): string {
  const alias = CODE_BY_SID.get(sid);
  if (alias) return alias;
  if (opts.domainSid) {
    const cut = sid.lastIndexOf("-");
    if (sid.slice(0, cut) === opts.domainSid) {
      const code = CODE_BY_RID.get(Number(sid.slice(cut + 1)));
      if (code) return code;
    }
  }
  return sid;
}

/** One ACE in SDDL, with its parentheses: "(OA;CIIO;CR;00299570-…;bf967aba-…;S-1-5-21-…)". */
export function formatAce(ace: Ace, opts: SddlOptions = {}): string {
  if (!isKnownAce(ace))
    throw new SdFormatError(`ACE type 0x${ace.type.toString(16)} has no SDDL form in this engine`);
  const code = ACE_CODE_BY_TYPE.get(ace.type) ?? "?";
  const objectType = isObjectAceType(ace.type) ? (ace.objectType ?? "") : "";
  const inherited = isObjectAceType(ace.type) ? (ace.inheritedObjectType ?? "") : "";
  return `(${code};${formatAceFlags(ace.flags)};${formatRights(ace.mask)};${objectType};${inherited};${formatSid(ace.sid, opts)})`;
}

function formatAclFlags(control: number, shift: 0 | 1): string {
  let out = "";
  if (control & (SE_DACL_PROTECTED << shift)) out += "P";
  if (control & (SE_DACL_AUTO_INHERIT_REQ << shift)) out += "AR";
  if (control & (SE_DACL_AUTO_INHERITED << shift)) out += "AI";
  return out;
}

function formatAcl(acl: Acl | null, control: number, shift: 0 | 1, opts: SddlOptions): string {
  if (acl === null) return `${formatAclFlags(control, shift)}NO_ACCESS_CONTROL`;
  return formatAclFlags(control, shift) + acl.aces.map((a) => formatAce(a, opts)).join("");
}

/**
 * Formats as SDDL: O:, G:, D: (when SE_DACL_PRESENT), S: (when SE_SACL_PRESENT). Control bits SDDL cannot
 * express (defaulted, trusted, server-security, RM-control) are not printed. Throws SdFormatError for an
 * ACE SDDL cannot express here (unknown types, the critical flag).
 */
export function formatSddl(sd: SecurityDescriptor, opts: SddlOptions = {}): string {
  const o: SddlOptions = opts.domainSid ? { domainSid: parseSid(opts.domainSid) } : {};
  let out = "";
  if (sd.owner !== null) out += `O:${formatSid(sd.owner, o)}`;
  if (sd.group !== null) out += `G:${formatSid(sd.group, o)}`;
  if (sd.control & SE_DACL_PRESENT) out += `D:${formatAcl(sd.dacl, sd.control, 0, o)}`;
  if (sd.control & SE_SACL_PRESENT) out += `S:${formatAcl(sd.sacl, sd.control, 1, o)}`;
  return out;
}

/** SE_SACL_* flag bits an SDDL "S:" section can carry (for tests and callers that build control words). */
export const SDDL_SACL_CONTROL_BITS = SE_SACL_PROTECTED | SE_SACL_AUTO_INHERIT_REQ | SE_SACL_AUTO_INHERITED;
