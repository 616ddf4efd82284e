// fast-check generators of security descriptors, shared by the property and fuzz tests of lib/ad.
// Two families: "binary" descriptors (anything MS-DTYP 2.4.6 can carry: raw ACE types, odd flags, application
// data) and "SDDL" descriptors (only what SDDL expresses, so SDDL round trips are exact).

import fc from "fast-check";
import {
  CHANGE_PASSWORD,
  CLASS_COMPUTER,
  CLASS_DOMAIN_DNS,
  CLASS_INET_ORG_PERSON,
  CLASS_ORGANIZATIONAL_UNIT,
  CLASS_USER,
  LOCKOUT_TIME,
  PWD_LAST_SET,
  RESET_PASSWORD,
  UNEXPIRE_PASSWORD,
  USER_ACCOUNT_CONTROL,
  USER_ACCOUNT_RESTRICTIONS,
} from "./schema";
import {
  aclRevisionFor,
  SE_DACL_AUTO_INHERIT_REQ,
  SE_DACL_AUTO_INHERITED,
  SE_DACL_PRESENT,
  SE_DACL_PROTECTED,
  SE_SACL_PRESENT,
  SE_SELF_RELATIVE,
  type Ace,
  type Acl,
  type BasicAce,
  type KnownAce,
  type ObjectAce,
  type SecurityDescriptor,
} from "./security-descriptor";

export const TEST_DOMAIN_SID = "S-1-5-21-1004336348-1177238915-682003330";
export const CONNECTOR_SID = `${TEST_DOMAIN_SID}-1105`;
export const CONNECTOR_GROUP_SID = `${TEST_DOMAIN_SID}-1201`;
export const OTHER_SID = `${TEST_DOMAIN_SID}-1302`;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0");

export const arbGuid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    RESET_PASSWORD,
    CHANGE_PASSWORD,
    UNEXPIRE_PASSWORD,
    LOCKOUT_TIME,
    PWD_LAST_SET,
    USER_ACCOUNT_RESTRICTIONS,
    USER_ACCOUNT_CONTROL,
    CLASS_USER,
    CLASS_COMPUTER,
    CLASS_INET_ORG_PERSON,
    CLASS_DOMAIN_DNS,
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
    )
    .map(([a, b, c, d]) => {
      const tail = Array.from(d, (x) => hex(x, 2)).join("");
      return `${hex(a, 8)}-${hex(b, 4)}-${hex(c, 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
    }),
);

const arbRandomSid: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 2 ** 48 - 1 })),
    fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  )
  .map(([auth, subs]) => {
    const a = auth < 2 ** 32 ? String(auth) : `0x${auth.toString(16).toUpperCase().padStart(12, "0")}`;
    return `S-1-${a}${subs.map((s) => `-${s}`).join("")}`;
  });

export const arbSid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "S-1-1-0",
    "S-1-5-11",
    "S-1-5-2",
    "S-1-5-15",
    "S-1-5-10",
    "S-1-5-18",
    "S-1-3-0",
    "S-1-5-32-544",
    "S-1-5-32-554",
  ),
  fc.constantFrom(CONNECTOR_SID, CONNECTOR_GROUP_SID, OTHER_SID),
  fc.integer({ min: 498, max: 1400 }).map((rid) => `${TEST_DOMAIN_SID}-${rid}`),
  arbRandomSid,
);

const RELEVANT_MASKS = [
  0x100, 0x20, 0x120, 0x10000000, 0x40000000, 0x80000000, 0x20000000, 0xf01ff, 0x10, 0x30, 0x130, 0x8,
] as const;
export const arbMask: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...RELEVANT_MASKS),
  fc.integer({ min: 0, max: 0xffffffff }),
);

// ACE flags SDDL can print (no CRITICAL 0x20).
const arbSddlAceFlags = fc.integer({ min: 0, max: 0xff }).map((f) => f & ~0x20);

function basicAce(
  type: 0 | 1 | 2,
  flags: number,
  mask: number,
  sid: string,
  applicationData?: Uint8Array,
): BasicAce {
  const ace: BasicAce = { type, flags, mask, sid };
  if (applicationData && applicationData.length > 0) ace.applicationData = applicationData;
  return ace;
}

function objectAce(
  type: 5 | 6 | 7,
  flags: number,
  mask: number,
  sid: string,
  objectType: string | null,
  inheritedObjectType: string | null,
  applicationData?: Uint8Array,
): ObjectAce {
  const ace: ObjectAce = { type, flags, mask, sid, objectType, inheritedObjectType };
  if (applicationData && applicationData.length > 0) ace.applicationData = applicationData;
  return ace;
}

function arbKnownAceWith(
  flags: fc.Arbitrary<number>,
  appData: fc.Arbitrary<Uint8Array | undefined>,
): fc.Arbitrary<KnownAce> {
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(0 as const, 1 as const, 2 as const), flags, arbMask, arbSid, appData)
      .map(([t, f, m, s, d]) => basicAce(t, f, m, s, d)),
    fc
      .tuple(
        fc.constantFrom(5 as const, 6 as const, 7 as const),
        flags,
        arbMask,
        arbSid,
        fc.option(arbGuid),
        fc.option(arbGuid),
        appData,
      )
      .map(([t, f, m, s, o, i, d]) => objectAce(t, f, m, s, o, i, d)),
  );
}

const arbUnknownAce: fc.Arbitrary<Ace> = fc
  .tuple(
    fc.integer({ min: 0, max: 255 }).filter((t) => ![0, 1, 2, 5, 6, 7].includes(t)),
    fc.integer({ min: 0, max: 255 }),
    fc.uint8Array({ maxLength: 40 }),
  )
  .map(([type, flags, raw]) => ({ type, flags, raw }));

export const arbBinaryAce: fc.Arbitrary<Ace> = fc.oneof(
  {
    weight: 5,
    arbitrary: arbKnownAceWith(
      fc.integer({ min: 0, max: 255 }),
      fc.option(fc.uint8Array({ minLength: 1, maxLength: 12 }), { nil: undefined }),
    ),
  },
  { weight: 1, arbitrary: arbUnknownAce },
);

export const arbSddlAce: fc.Arbitrary<KnownAce> = arbKnownAceWith(arbSddlAceFlags, fc.constant(undefined));

function arbAcl(ace: fc.Arbitrary<Ace>, maxAces: number, canonicalRevision: boolean): fc.Arbitrary<Acl> {
  return fc
    .tuple(fc.array(ace, { maxLength: maxAces }), fc.constantFrom(2, 4))
    .map(([aces, rev]) => ({ revision: canonicalRevision ? aclRevisionFor(aces) : rev, aces }));
}

/** Any descriptor the binary format can carry (control bits, revisions and ACE types unrestricted). */
export const arbBinarySd: fc.Arbitrary<SecurityDescriptor> = fc
  .record({
    revision: fc.constantFrom(1, 1, 1, 2),
    sbz1: fc.constantFrom(0, 0, 0, 7),
    control: fc.integer({ min: 0, max: 0xffff }).map((c) => c | SE_SELF_RELATIVE),
    owner: fc.option(arbSid),
    group: fc.option(arbSid),
    sacl: fc.option(arbAcl(arbBinaryAce, 6, false)),
    dacl: fc.option(arbAcl(arbBinaryAce, 12, false)),
  })
  .map((sd) => ({ ...sd }));

const ACL_FLAG_BITS = SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ | SE_DACL_AUTO_INHERITED;

/** Descriptors SDDL can express exactly (what parseSddl would build). */
export const arbSddlSd: fc.Arbitrary<SecurityDescriptor> = fc
  .record({
    owner: fc.option(arbSid),
    group: fc.option(arbSid),
    dacl: fc.oneof(
      fc.constant("absent" as const),
      fc.constant("null" as const),
      arbAcl(arbSddlAce, 12, true),
    ),
    sacl: fc.oneof(fc.constant("absent" as const), fc.constant("null" as const), arbAcl(arbSddlAce, 6, true)),
    daclFlags: fc.integer({ min: 0, max: 0xffff }).map((c) => c & ACL_FLAG_BITS),
    saclFlags: fc.integer({ min: 0, max: 0xffff }).map((c) => c & ACL_FLAG_BITS),
  })
  .map(({ owner, group, dacl, sacl, daclFlags, saclFlags }) => {
    let control = SE_SELF_RELATIVE;
    if (dacl !== "absent") control |= SE_DACL_PRESENT | daclFlags;
    if (sacl !== "absent") control |= SE_SACL_PRESENT | (saclFlags << 1);
    return {
      revision: 1,
      sbz1: 0,
      control,
      owner,
      group,
      dacl: dacl === "absent" || dacl === "null" ? null : dacl,
      sacl: sacl === "absent" || sacl === "null" ? null : sacl,
    };
  });

// ---------------------------------------------------------------------------------------------------------
// Access-check oriented descriptors: ACEs concentrated on the GUIDs, masks and SIDs that matter.

export const ACCESS_TOKEN_GROUPS = [CONNECTOR_GROUP_SID] as const;
export const CHECK_CLASSES = [
  "user",
  "computer",
  "inetOrgPerson",
  "domainDNS",
  "organizationalUnit",
] as const;
const CLASS_GUIDS = [
  CLASS_USER,
  CLASS_COMPUTER,
  CLASS_INET_ORG_PERSON,
  CLASS_DOMAIN_DNS,
  CLASS_ORGANIZATIONAL_UNIT,
] as const;

const arbCheckSid = fc.constantFrom(
  CONNECTOR_SID,
  CONNECTOR_GROUP_SID,
  OTHER_SID,
  "S-1-1-0",
  "S-1-5-11",
  "S-1-5-2",
  "S-1-5-15",
  "S-1-5-10",
  "S-1-5-18",
  "S-1-5-32-544",
);
const arbCheckGuid = fc.constantFrom(
  RESET_PASSWORD,
  CHANGE_PASSWORD,
  UNEXPIRE_PASSWORD,
  LOCKOUT_TIME,
  PWD_LAST_SET,
  USER_ACCOUNT_RESTRICTIONS,
  USER_ACCOUNT_CONTROL,
  ...CLASS_GUIDS,
);
const arbCheckAce: fc.Arbitrary<Ace> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(0 as const, 1 as const, 2 as const),
        fc.integer({ min: 0, max: 0x1f }),
        fc.constantFrom(...RELEVANT_MASKS),
        arbCheckSid,
      )
      .map(([t, f, m, s]) => basicAce(t, f, m, s)),
  },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(5 as const, 6 as const, 7 as const),
        fc.integer({ min: 0, max: 0x1f }),
        fc.constantFrom(...RELEVANT_MASKS),
        arbCheckSid,
        fc.option(arbCheckGuid),
        fc.option(fc.constantFrom(...CLASS_GUIDS)),
      )
      .map(([t, f, m, s, o, i]) => objectAce(t, f, m, s, o, i)),
  },
  { weight: 1, arbitrary: arbUnknownAce },
);

export const arbCheckSd: fc.Arbitrary<SecurityDescriptor> = fc
  .record({
    dacl: fc.oneof(
      { weight: 10, arbitrary: fc.array(arbCheckAce, { maxLength: 16 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    daclPresent: fc.oneof(
      { weight: 10, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
  })
  .map(({ dacl, daclPresent }) => ({
    revision: 1,
    sbz1: 0,
    control: SE_SELF_RELATIVE | (daclPresent ? SE_DACL_PRESENT : 0),
    owner: CONNECTOR_SID,
    group: null,
    sacl: null,
    dacl: dacl === null ? null : { revision: aclRevisionFor(dacl), aces: dacl },
  }));
