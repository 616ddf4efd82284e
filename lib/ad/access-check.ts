// Effective password-writeback rights of a token on one directory object: the MS-DTYP 2.5.3.2 access check
// with an object-type tree, as a DC runs it for a property write (MS-ADTS 5.1.3.3.3) or a control access
// right (MS-ADTS 5.1.3.3.4). Pure; explains each decision by the ACE that made it.
//
// Decisions this module takes, and why:
// - One check per right, each with its own tree: root = the object's class, then the right's path
//   (class -> Reset Password; class -> User-Account-Restrictions -> pwdLastSet; class -> lockoutTime, which is in
//   no property set). MS-ADTS 5.1.3.3.3 notes the tree a DC uses holds only the nodes being accessed, so a
//   single-attribute write uses exactly this path. Per node first-writer-wins; an allow on a node reaches its
//   descendants and, once all children are granted, its parent; a deny reaches descendants and ancestors
//   (MS-DTYP 2.5.3.2). The right is granted when the root is.
// - ACEs are walked in order; INHERIT_ONLY ACEs are skipped (they exist only to be inherited).
// - An object ACE without ObjectType applies to the whole object, like a plain ACE (MS-DTYP 2.4.4.3). Samba 4.17
//   lets such an ACE with CR also grant property writes (LAB.md); we model Windows: it grants CR only.
// - InheritedObjectType plays no part in the check itself: MS-DTYP 2.5.3.2 and MS-ADTS 5.1.3.3.3/5.1.3.3.4 test
//   only the SID, the type, the mask and ObjectType (MS-DTYP 2.4.4.3: InheritedObjectType only steers
//   inheritance). When a DC computes a child's descriptor it passes the child's class alone (MS-DTYP 2.5.3.4)
//   and stores ACEs meant for other classes as inherit-only, so InheritedObjectType=user never reaches computer,
//   inetOrgPerson or managed-service-account objects — that is decided in inheritance.ts, not here. An ACE written
//   directly on an object applies whatever class it names (checked against a Samba DC: the differential suite).
// - Generic bits in ACE masks are mapped with the DS generic mapping (GENERIC_ALL includes CR and WP;
//   GENERIC_WRITE includes WP but not CR).
// - Owner implicit rights are not modelled: MS-DTYP 2.5.3.2 gives the owner only READ_CONTROL and WRITE_DAC,
//   neither of which any of these rights needs (owning a user does not let you reset its password).
// - PRINCIPAL_SELF (S-1-5-10) ACEs match only when the caller says whose object it is (options.selfSid).
// - Callback and other ACE types this engine keeps as raw bytes are ignored (AD does not use them in DACLs).
// - No DACL (SE_DACL_PRESENT clear, or a NULL DACL) grants everything (MS-DTYP 2.5.3.2).

import { mapGenericDs as importedMapGenericDs } from "./access-mask";
import {
  classGuid,
  describeGuid,
  NETWORK_LOGON_SIDS,
  PASSWORD_RIGHTS,
  RIGHT_NAMES as CATALOGUE_RIGHT_NAMES,
  WELL_KNOWN_SIDS,
  type RightName as CatalogueRightName,
} from "./schema";
import { SdFormatError } from "./errors";
import { formatAce } from "./sddl";
import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  ACCESS_DENIED_ACE_TYPE,
  ACCESS_DENIED_OBJECT_ACE_TYPE,
  INHERIT_ONLY_ACE,
  isKnownAce,
  SE_DACL_PRESENT,
  type KnownAce,
  type SecurityDescriptor,
} from "./security-descriptor";
import { parseSid } from "./sid";

// Bound once: when this module runs as CommonJS (tsx, plain Node) each use of an imported binding goes through a
// getter, a measurable cost in the per-ACE loop.
const mapGenericDs = importedMapGenericDs;
const ALLOWED = ACCESS_ALLOWED_ACE_TYPE;
const ALLOWED_OBJECT = ACCESS_ALLOWED_OBJECT_ACE_TYPE;
const DENIED = ACCESS_DENIED_ACE_TYPE;
const DENIED_OBJECT = ACCESS_DENIED_OBJECT_ACE_TYPE;
const INHERIT_ONLY = INHERIT_ONLY_ACE;
const PRINCIPAL_SELF = WELL_KNOWN_SIDS.PRINCIPAL_SELF;

export type RightName = CatalogueRightName;
export const RIGHT_NAMES: readonly RightName[] = CATALOGUE_RIGHT_NAMES;

export interface AccessToken {
  /** The account's SID (canonical). */
  readonly principal: string;
  /** Group SIDs as given (tokenGroups), canonical. */
  readonly groups: readonly string[];
  /** Every SID the token holds: principal, groups and the network-logon SIDs. */
  readonly sids: ReadonlySet<string>;
}

export interface DecidingAce {
  /** Index of the ACE in the DACL (0-based). */
  index: number;
  sddl: string;
  effect: "allow" | "deny";
}

export interface RightDecision {
  granted: boolean;
  decidingAce: DecidingAce | null;
  reason: string;
}

export interface CheckOptions {
  /** The object's own SID, substituted for PRINCIPAL_SELF (S-1-5-10) ACEs (MS-DTYP 2.5.3.2 PrincipalSelfSubst). */
  selfSid?: string;
  /** Used only to print domain SIDs as aliases (DA, DU, …) in explanations. */
  domainSid?: string;
}

/**
 * The token of a network logon (what the connector account has when it binds over LDAP): the principal, its
 * groups (tokenGroups), and Everyone, Authenticated Users, Network and This Organization. SIDs are validated and
 * made canonical; throws SdParseError on a malformed one.
 */
export function networkLogonToken(principal: string, groups: readonly string[]): AccessToken {
  const p = parseSid(principal);
  const g = groups.map((s) => parseSid(s));
  return { principal: p, groups: g, sids: new Set([p, ...g, ...NETWORK_LOGON_SIDS]) };
}

// ---------------------------------------------------------------------------------------------------------
// The evaluation (shared by checkRights and effectiveRights).

interface RawDecision {
  granted: boolean;
  /** Index of the deciding ACE, or null (no DACL, or nothing decided). */
  index: number | null;
}

/**
 * The object-type tree of one right: a path (path[0] is the object's class) with one state per node. The desired
 * access is a single bit, so a node is undecided (0), granted (1) or denied (2), plus the ACE that decided it.
 */
interface PathState {
  readonly bit: number;
  readonly path: readonly string[];
  readonly state: (0 | 1 | 2)[];
  readonly by: number[];
}

function aceMatchesToken(ace: KnownAce, token: AccessToken, selfSid: string | undefined): boolean {
  if (token.sids.has(ace.sid)) return true;
  return ace.sid === PRINCIPAL_SELF && selfSid !== undefined && token.sids.has(selfSid);
}

/** True when an ACE takes part in the access check of the object it sits on (see the header comment). */
export function aceAppliesToObject(ace: KnownAce): boolean {
  return (ace.flags & INHERIT_ONLY) === 0;
}

/**
 * One MS-DTYP 2.5.3.2 step on one right's tree: the ACE addresses node `target` (0 when it has no ObjectType).
 * The node and its descendants take the ACE's effect where still undecided (first writer wins); upwards, a grant
 * reaches a parent once all its children are granted (on a path: its one child), a deny reaches every ancestor.
 */
function applyAce(p: PathState, target: number, effect: 1 | 2, index: number): void {
  const last = p.path.length - 1;
  for (let k = target; k <= last; k++) {
    if (p.state[k] === 0) {
      p.state[k] = effect;
      p.by[k] = index;
    }
  }
  for (let k = target - 1; k >= 0; k--) {
    if (p.state[k] === 0 && (effect === 2 || p.state[k + 1] === 1)) {
      p.state[k] = effect;
      p.by[k] = index;
    }
  }
}

/**
 * Walks the DACL once and runs the access check of every right side by side (the same as five separate checks:
 * each right has its own tree and its own state).
 */
function decideAll(
  sd: SecurityDescriptor,
  token: AccessToken,
  objectClass: string,
  options: CheckOptions,
): Record<RightName, RawDecision> {
  const cls = classGuid(objectClass);
  const selfSid = options.selfSid === undefined ? undefined : parseSid(options.selfSid);
  const dacl = sd.dacl;
  const out = {} as Record<RightName, RawDecision>;
  if (!(sd.control & SE_DACL_PRESENT) || dacl === null) {
    for (const right of PASSWORD_RIGHTS) out[right.name] = { granted: true, index: null };
    return out;
  }
  const paths: PathState[] = PASSWORD_RIGHTS.map((right) => {
    const path = [cls, ...right.objectTypePath];
    return { bit: right.accessBit, path, state: path.map(() => 0 as const), by: path.map(() => -1) };
  });
  let undecided = paths.length;
  for (let i = 0; i < dacl.aces.length && undecided > 0; i++) {
    const ace = dacl.aces[i];
    if (!ace || ace.raw !== undefined) continue; // kept-as-bytes ACE types take no part
    const allow = ace.type === ALLOWED || ace.type === ALLOWED_OBJECT;
    const deny = ace.type === DENIED || ace.type === DENIED_OBJECT;
    if (!allow && !deny) continue; // audit ACEs do not belong in a DACL; the check ignores them
    if (!aceAppliesToObject(ace)) continue;
    const mask = mapGenericDs(ace.mask);
    let matches: boolean | undefined; // the SID test, done once and only if some right needs it
    for (const p of paths) {
      if (p.state[0] !== 0 || !(mask & p.bit)) continue;
      const target = ace.objectType ? p.path.indexOf(ace.objectType) : 0;
      if (target < 0) continue; // the ACE protects something this check does not touch
      matches ??= aceMatchesToken(ace, token, selfSid);
      if (!matches) break;
      applyAce(p, target, allow ? 1 : 2, i);
      if (p.state[0] !== 0) undecided--;
    }
  }
  PASSWORD_RIGHTS.forEach((right, k) => {
    const p = paths[k] as PathState;
    out[right.name] =
      p.state[0] === 0
        ? { granted: false, index: null }
        : { granted: p.state[0] === 1, index: p.by[0] ?? null };
  });
  return out;
}

function describeAce(ace: KnownAce, domainSid: string | undefined): string {
  try {
    return formatAce(ace, domainSid ? { domainSid } : {});
  } catch (e) {
    if (!(e instanceof SdFormatError)) throw e;
    return `(type 0x${ace.type.toString(16)};flags 0x${ace.flags.toString(16)};mask 0x${(ace.mask >>> 0).toString(16)};${ace.sid})`;
  }
}

/**
 * Decides resetPassword, changePassword, writeLockoutTime, writePwdLastSet and unexpirePassword for `token` on
 * an object of class `objectClass` (lDAPDisplayName such as "user", or a class GUID) protected by `sd`, and says
 * which ACE decided each. unexpirePassword is meaningful on the domain object (objectClass "domainDNS"), where
 * the DC checks it; on other objects it is reported the same way but nothing uses it.
 * Throws UnknownObjectClassError for an objectClass the catalogue lacks.
 */
export function checkRights(
  sd: SecurityDescriptor,
  token: AccessToken,
  objectClass: string,
  options: CheckOptions = {},
): Record<RightName, RightDecision> {
  const raw = decideAll(sd, token, objectClass, options);
  const out = {} as Record<RightName, RightDecision>;
  for (const right of PASSWORD_RIGHTS) {
    const d = raw[right.name];
    if (d.index === null) {
      out[right.name] = d.granted
        ? {
            granted: true,
            decidingAce: null,
            reason: "the descriptor has no DACL, which grants every access (MS-DTYP 2.5.3.2)",
          }
        : { granted: false, decidingAce: null, reason: "no ACE grants it" };
      continue;
    }
    const ace = sd.dacl?.aces[d.index];
    if (!ace || !isKnownAce(ace)) throw new Error("internal: deciding ACE vanished");
    const sddl = describeAce(ace, options.domainSid);
    const effect = d.granted ? "allow" : "deny";
    const via =
      ace.sid === token.principal
        ? "the account itself"
        : ace.sid === WELL_KNOWN_SIDS.PRINCIPAL_SELF
          ? "PRINCIPAL_SELF"
          : `token SID ${ace.sid}`;
    const scope = ace.objectType ? `object type ${describeGuid(ace.objectType)}` : "the whole object";
    out[right.name] = {
      granted: d.granted,
      decidingAce: { index: d.index, sddl, effect },
      reason: `${d.granted ? "granted" : "denied"} by ACE ${d.index} ${sddl} (${scope}, trustee: ${via})`,
    };
  }
  return out;
}

/** checkRights without the explanations. */
export function effectiveRights(
  sd: SecurityDescriptor,
  token: AccessToken,
  objectClass: string,
  options: CheckOptions = {},
): Record<RightName, boolean> {
  const raw = decideAll(sd, token, objectClass, options);
  return {
    resetPassword: raw.resetPassword.granted,
    changePassword: raw.changePassword.granted,
    writeLockoutTime: raw.writeLockoutTime.granted,
    writePwdLastSet: raw.writePwdLastSet.granted,
    unexpirePassword: raw.unexpirePassword.granted,
  };
}
