// Case generation for the differential test of lib/ad's access check against the lab DC.
// Pure (no I/O): a seeded PRNG draws delegations, and helpers turn them into ACEs and decide which
// cases hit a *known* Samba-vs-Windows divergence (KNOWN-DIFFERENCES.md). The I/O lives in
// differential.integration.test.ts.

import { LAB_GUIDS, WELL_KNOWN_SIDS } from "./guids";
import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  ACCESS_DENIED_ACE_TYPE,
  ACCESS_DENIED_OBJECT_ACE_TYPE,
  aceToSddl,
  ADS_RIGHT_DS_CONTROL_ACCESS,
  ADS_RIGHT_DS_WRITE_PROP,
  CONTAINER_INHERIT_ACE,
  INHERIT_ONLY_ACE,
  type LabAce,
  NO_PROPAGATE_INHERIT_ACE,
} from "./sd-codec";

/** mulberry32: tiny, fast, good enough for test-case generation, and reproducible from a 32-bit seed. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PRINCIPALS = [
  "connector",
  "connectorGroup",
  "connectorParentGroup",
  "authenticatedUsers",
  "everyone",
  "unrelatedGroup",
] as const;
export type Principal = (typeof PRINCIPALS)[number];
export const OBJECT_TYPES = [
  "resetPassword",
  "lockoutTime",
  "pwdLastSet",
  "userAccountRestrictions",
  "none",
] as const;
export type ObjectTypeChoice = (typeof OBJECT_TYPES)[number];
export const INHERITED_OBJECT_TYPES = ["user", "computer", "none"] as const;
export type InheritedObjectTypeChoice = (typeof INHERITED_OBJECT_TYPES)[number];
/** "NP" alone (no CI) is inert for inheritance but legal; "CINP" is the one-level form. */
export const FLAG_CHOICES = ["none", "CI", "CIIO", "CINP", "NP"] as const;
export type FlagChoice = (typeof FLAG_CHOICES)[number];
export const RIGHTS = ["CR", "WP", "CRWP"] as const;
export type RightsChoice = (typeof RIGHTS)[number];
/** Where the ACE is written: on the user, on its parent OU, or on the OU above that. */
export type Placement = "user" | "parent" | "grandparent";

export interface CaseAce {
  allow: boolean;
  rights: RightsChoice;
  objectType: ObjectTypeChoice;
  inheritedObjectType: InheritedObjectTypeChoice;
  flags: FlagChoice;
  principal: Principal;
  placement: Placement;
  /** Write an object ACE (OA/OD) even without GUIDs; otherwise A/D is used when no GUID is set. */
  forceObjectAce: boolean;
}

export interface DiffCase {
  id: number;
  /** 1: the user sits directly in the slot OU; 2: one OU deeper (so "grandparent" exists). */
  depth: 1 | 2;
  /** The user's DACL is protected (D:P): inheritance disabled. */
  protectedUser: boolean;
  aces: CaseAce[];
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function weighted<T>(rand: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((n, [, w]) => n + w, 0);
  let r = rand() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  const last = items[items.length - 1];
  if (!last) throw new Error("weighted pick from an empty list");
  return last[0];
}

function generateAce(rand: () => number, depth: 1 | 2): CaseAce {
  const objectType = weighted(rand, [
    ["resetPassword", 3],
    ["lockoutTime", 2],
    ["pwdLastSet", 2],
    ["userAccountRestrictions", 2],
    ["none", 3],
  ] as const);
  // Mostly the right that makes sense for the GUID (CR for an extended right, WP for attributes),
  // sometimes a mismatched one: the engine must not be fooled by a CR on an attribute GUID.
  const natural: RightsChoice =
    objectType === "resetPassword" ? "CR" : objectType === "none" ? pick(rand, RIGHTS) : "WP";
  const rights = rand() < 0.15 ? pick(rand, RIGHTS) : natural;
  const placements: Placement[] = depth === 1 ? ["user", "parent"] : ["user", "parent", "grandparent"];
  return {
    allow: rand() < 0.72,
    rights,
    objectType,
    inheritedObjectType: weighted(rand, [
      ["user", 5],
      ["computer", 2],
      ["none", 3],
    ] as const),
    flags: weighted(rand, [
      ["none", 3],
      ["CI", 3],
      ["CIIO", 4],
      ["CINP", 2],
      ["NP", 1],
    ] as const),
    principal: weighted(rand, [
      ["connector", 7],
      ["connectorGroup", 3],
      ["connectorParentGroup", 2],
      ["authenticatedUsers", 3],
      ["everyone", 2],
      ["unrelatedGroup", 3],
    ] as const),
    placement: pick(rand, placements),
    forceObjectAce: rand() < 0.2,
  };
}

export function generateCases(seed: number, count: number): DiffCase[] {
  const rand = createPrng(seed);
  return Array.from({ length: count }, (_, id) => {
    const depth: 1 | 2 = rand() < 0.5 ? 1 : 2;
    const n = weighted(rand, [
      [1, 4],
      [2, 4],
      [3, 3],
    ] as const);
    return {
      id,
      depth,
      protectedUser: rand() < 0.2,
      aces: Array.from({ length: n }, () => generateAce(rand, depth)),
    };
  });
}

export interface PrincipalSids {
  connector: string;
  connectorGroup: string;
  connectorParentGroup: string;
  unrelatedGroup: string;
}

export function principalSid(p: Principal, sids: PrincipalSids): string {
  switch (p) {
    case "authenticatedUsers":
      return WELL_KNOWN_SIDS.authenticatedUsers;
    case "everyone":
      return WELL_KNOWN_SIDS.everyone;
    default:
      return sids[p];
  }
}

const OBJECT_TYPE_GUID: Record<ObjectTypeChoice, string | undefined> = {
  resetPassword: LAB_GUIDS.resetPassword,
  lockoutTime: LAB_GUIDS.lockoutTime,
  pwdLastSet: LAB_GUIDS.pwdLastSet,
  userAccountRestrictions: LAB_GUIDS.userAccountRestrictions,
  none: undefined,
};

const IOT_GUID: Record<InheritedObjectTypeChoice, string | undefined> = {
  user: LAB_GUIDS.userClass,
  computer: LAB_GUIDS.computerClass,
  none: undefined,
};

const FLAG_BITS: Record<FlagChoice, number> = {
  none: 0,
  CI: CONTAINER_INHERIT_ACE,
  CIIO: CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE,
  CINP: CONTAINER_INHERIT_ACE | NO_PROPAGATE_INHERIT_ACE,
  NP: NO_PROPAGATE_INHERIT_ACE,
};

const RIGHT_BITS: Record<RightsChoice, number> = {
  CR: ADS_RIGHT_DS_CONTROL_ACCESS,
  WP: ADS_RIGHT_DS_WRITE_PROP,
  CRWP: ADS_RIGHT_DS_CONTROL_ACCESS | ADS_RIGHT_DS_WRITE_PROP,
};

export function caseAceToLabAce(ace: CaseAce, sids: PrincipalSids): LabAce {
  const objectType = OBJECT_TYPE_GUID[ace.objectType];
  const inheritedObjectType = IOT_GUID[ace.inheritedObjectType];
  const common = {
    flags: FLAG_BITS[ace.flags],
    mask: RIGHT_BITS[ace.rights],
    sid: principalSid(ace.principal, sids),
  };
  if (objectType || inheritedObjectType || ace.forceObjectAce) {
    const out: LabAce = {
      kind: "object",
      type: ace.allow ? ACCESS_ALLOWED_OBJECT_ACE_TYPE : ACCESS_DENIED_OBJECT_ACE_TYPE,
      ...common,
    };
    if (objectType) out.objectType = objectType;
    if (inheritedObjectType) out.inheritedObjectType = inheritedObjectType;
    return out;
  }
  return { kind: "basic", type: ace.allow ? ACCESS_ALLOWED_ACE_TYPE : ACCESS_DENIED_ACE_TYPE, ...common };
}

/** A readable, stable name: `#17 d2 P [parent](OA;CIIO;CR;reset;user;connector) …`. */
export function caseName(c: DiffCase): string {
  const aces = c.aces.map((a) => {
    const type =
      a.objectType !== "none" || a.inheritedObjectType !== "none" || a.forceObjectAce
        ? a.allow
          ? "OA"
          : "OD"
        : a.allow
          ? "A"
          : "D";
    const flags = a.flags === "none" ? "" : a.flags;
    const ot = a.objectType === "none" ? "" : a.objectType;
    const iot = a.inheritedObjectType === "none" ? "" : a.inheritedObjectType;
    return `[${a.placement}](${type};${flags};${a.rights};${ot};${iot};${a.principal})`;
  });
  return `#${c.id} depth${c.depth}${c.protectedUser ? " D:P" : ""} ${aces.join(" ")}`;
}

/** The three decisions the DC makes for us (DOMAIN.md: the rights writeback needs on a user). */
export type Decision = { resetPassword: boolean; writeLockoutTime: boolean; writePwdLastSet: boolean };

/** ObjectTypes that name an attribute or property set in the write-check tree (not an extended right). */
const ATTRIBUTE_OR_SET_GUIDS: ReadonlySet<string> = new Set([
  LAB_GUIDS.lockoutTime,
  LAB_GUIDS.pwdLastSet,
  LAB_GUIDS.userAccountRestrictions,
]);

/** An allowed object ACE carrying CR but not WP: the shape Samba 4.17 misreads as a write grant. */
function isAllowedObjectCrWithoutWp(ace: LabAce): ace is Extract<LabAce, { kind: "object" }> {
  return (
    ace.kind === "object" &&
    ace.type === ACCESS_ALLOWED_OBJECT_ACE_TYPE &&
    (ace.mask & ADS_RIGHT_DS_CONTROL_ACCESS) !== 0 &&
    (ace.mask & ADS_RIGHT_DS_WRITE_PROP) === 0
  );
}

/**
 * Known Samba 4.17 divergences from Windows, by name (see KNOWN-DIFFERENCES.md). Each predicate
 * says whether an ACE that takes part in the check (not inherit-only, trustee in the token) has the
 * shape that triggers it; a case whose user DACL holds one is excluded and counted, not compared.
 * Windows' rule (MS-DTYP 2.5.3.2 with MS-ADTS 5.1.3.3.3): a property write needs
 * RIGHT_DS_WRITE_PROPERTY on the object, the property set or the attribute; CONTROL_ACCESS never
 * grants it, and the check consults only the ObjectType of an object ACE.
 */
export const KNOWN_DIVERGENCES = {
  /**
   * LAB.md: an allowed object ACE with CR and no ObjectType makes Samba allow writes to the
   * object's attributes. LAB.md saw it with InheritedObjectType = the object's class; on this lab
   * it happens with any InheritedObjectType (user, computer) or none. A plain (A;;CR;;;X) does not.
   * Windows: control access only (MS-DTYP 2.5.3.2).
   */
  "samba-object-ace-cr-without-objecttype-grants-writes": (ace: LabAce): boolean =>
    isAllowedObjectCrWithoutWp(ace) && ace.objectType === undefined,
  /**
   * Found by this test: an allowed object ACE with CR whose ObjectType is an attribute
   * (pwdLastSet, lockoutTime) or a property set (User-Account-Restrictions) makes Samba allow
   * writing that attribute / the set's attributes. Windows: CR on an attribute node grants no
   * write (MS-DTYP 2.5.3.2; MS-ADTS 5.1.3.3.3 asks for WRITE_PROPERTY).
   */
  "samba-object-ace-cr-on-attribute-grants-write": (ace: LabAce): boolean =>
    isAllowedObjectCrWithoutWp(ace) &&
    ace.objectType !== undefined &&
    ATTRIBUTE_OR_SET_GUIDS.has(ace.objectType),
} as const satisfies Record<string, (ace: LabAce) => boolean>;

export type KnownDivergence = keyof typeof KNOWN_DIVERGENCES;

export function knownDivergences(
  userDacl: readonly LabAce[],
  tokenSids: ReadonlySet<string>,
): KnownDivergence[] {
  const found = new Set<KnownDivergence>();
  for (const ace of userDacl) {
    if (ace.kind === "opaque" || ace.flags & INHERIT_ONLY_ACE || !tokenSids.has(ace.sid)) continue;
    for (const [name, applies] of Object.entries(KNOWN_DIVERGENCES) as [
      KnownDivergence,
      (a: LabAce) => boolean,
    ][]) {
      if (applies(ace)) found.add(name);
    }
  }
  return [...found];
}

/** The ACEs of a DACL that can matter for the token (for mismatch reports). */
export function relevantAces(dacl: readonly LabAce[], tokenSids: ReadonlySet<string>): string[] {
  return dacl
    .filter(
      (a) =>
        a.kind !== "opaque" &&
        tokenSids.has(a.sid) &&
        a.mask & (ADS_RIGHT_DS_CONTROL_ACCESS | ADS_RIGHT_DS_WRITE_PROP | 0x10000000 | 0x40000000),
    )
    .map(aceToSddl);
}

/**
 * A hint for a mismatch, from the shapes seen so far. Not an exclusion: it only helps whoever reads
 * the failure find the rule in question quickly.
 */
export function diagnoseMismatch(
  userDacl: readonly LabAce[],
  tokenSids: ReadonlySet<string>,
): string | undefined {
  const foreignIot = userDacl.some(
    (a) =>
      a.kind === "object" &&
      !(a.flags & INHERIT_ONLY_ACE) &&
      tokenSids.has(a.sid) &&
      a.inheritedObjectType !== undefined &&
      a.inheritedObjectType !== LAB_GUIDS.userClass,
  );
  if (foreignIot) {
    return (
      "an effective (not inherit-only) ACE names another class as InheritedObjectType; the DC applies it anyway " +
      "(MS-ADTS 5.1.3.3.4 and MS-DTYP 2.5.3.2 consult only ObjectType; InheritedObjectType governs inheritance, MS-DTYP 2.4.4.3)"
    );
  }
  return undefined;
}
