// Bridges the port's descriptor blobs (binary from LDAP, SDDL from a snapshot) to lib/ad.

import { effectiveRights, type AccessToken } from "@/lib/ad/access-check";
import { isKnownObjectClass, type RightName } from "@/lib/ad/schema";
import { effectiveRightsFromBinary, type PreparedToken } from "@/lib/ad/fast-check-binary";
import { inheritedAces } from "@/lib/ad/inheritance";
import { parseSddl } from "@/lib/ad/sddl";
import {
  aclRevisionFor,
  INHERITED_ACE,
  parseSecurityDescriptor,
  SE_DACL_PRESENT,
  SE_DACL_PROTECTED,
  SE_SELF_RELATIVE,
  type SecurityDescriptor,
} from "@/lib/ad/security-descriptor";
import { type SdBlob } from "../port";

/** The three rights writeback needs on each user (DOMAIN.md "AD DS permissions"). */
export const USER_RIGHTS = [
  "resetPassword",
  "writeLockoutTime",
  "writePwdLastSet",
] as const satisfies readonly RightName[];
export type UserRight = (typeof USER_RIGHTS)[number];

export const USER_RIGHT_LABELS: Record<UserRight, string> = {
  resetPassword: "Reset Password",
  writeLockoutTime: "Write lockoutTime",
  writePwdLastSet: "Write pwdLastSet",
};

// Parsed SDDL by domain SID and text: a snapshot repeats a handful of descriptors over every user, and parsing each
// copy again was most of a large check's time. The models are only read; the cache is bounded.
const PARSED_CACHE_SIZE = 256;
const parsedSddl = new Map<string, Map<string, SecurityDescriptor>>();

export function toModel(sd: SdBlob, domainSid: string | undefined): SecurityDescriptor {
  if (typeof sd !== "string") return parseSecurityDescriptor(sd);
  const key = domainSid ?? "";
  let byText = parsedSddl.get(key);
  if (!byText) {
    if (parsedSddl.size >= 16) parsedSddl.clear();
    parsedSddl.set(key, (byText = new Map()));
  }
  let model = byText.get(sd);
  if (!model) {
    model = parseSddl(sd, domainSid ? { domainSid } : {});
    if (byText.size >= PARSED_CACHE_SIZE) byText.clear();
    byText.set(sd, model);
  }
  return model;
}

/** SE_DACL_PROTECTED (MS-DTYP 2.4.6), read from the control word without parsing the whole descriptor. */
export function isDaclProtected(sd: SdBlob, domainSid?: string): boolean {
  if (typeof sd === "string") return (toModel(sd, domainSid).control & SE_DACL_PROTECTED) !== 0;
  const control = (sd[2] ?? 0) | ((sd[3] ?? 0) << 8);
  return (control & SE_DACL_PROTECTED) !== 0;
}

/** The structural class of an object: the most specific objectClass value the catalogue knows. */
export function structuralClass(objectClass: readonly string[]): string {
  for (let i = objectClass.length - 1; i >= 0; i--) {
    const c = objectClass[i];
    if (c && isKnownObjectClass(c)) return c;
  }
  return "user";
}

/** The five rights, by the fastest path the blob allows. */
export function rightsOf(
  sd: SdBlob,
  token: AccessToken,
  prepared: PreparedToken,
  objectClass: string,
  domainSid: string | undefined,
): Record<RightName, boolean> {
  if (typeof sd === "string") return effectiveRights(toModel(sd, domainSid), token, objectClass);
  return effectiveRightsFromBinary(sd, prepared, objectClass);
}

/** A descriptor holding exactly the DACL ACEs a child of `objectClass` would inherit from `parent`. */
export function inheritedOnly(
  parent: SecurityDescriptor,
  objectClass: string,
  explicitOnly = false,
): SecurityDescriptor {
  const source: SecurityDescriptor = explicitOnly
    ? {
        ...parent,
        dacl: parent.dacl
          ? { ...parent.dacl, aces: parent.dacl.aces.filter((a) => !(a.flags & INHERITED_ACE)) }
          : null,
      }
    : parent;
  const aces = inheritedAces(source, { objectClass, isContainer: true });
  return {
    revision: 1,
    sbz1: 0,
    control: SE_SELF_RELATIVE | SE_DACL_PRESENT,
    owner: null,
    group: null,
    sacl: null,
    dacl: { revision: aclRevisionFor(aces), aces },
  };
}

/** The three user rights `token` would get from `sd`'s inherited entries alone (the ones its parent passed on). */
export function inheritedUserRights(
  sd: SecurityDescriptor,
  token: AccessToken,
  objectClass: string,
): UserRightSet {
  const aces = sd.dacl ? sd.dacl.aces.filter((a) => (a.flags & INHERITED_ACE) !== 0) : [];
  return userRightSet(
    effectiveRights(
      { ...sd, control: sd.control & ~SE_DACL_PROTECTED, dacl: { revision: aclRevisionFor(aces), aces } },
      token,
      objectClass,
    ),
  );
}

/** The three user rights a child of `objectClass` directly under `parent` would inherit for `token`. */
export function parentPassesUserRights(
  parent: SecurityDescriptor,
  token: AccessToken,
  objectClass: string,
): UserRightSet {
  return userRightSet(effectiveRights(inheritedOnly(parent, objectClass), token, objectClass));
}

/** Which of the three user rights are held, as three letters ("rlp", "-l-"): comparable with ===. */
export type UserRightSet = string;
export const ALL_USER_RIGHTS: UserRightSet = "rlp";
export const NO_USER_RIGHTS: UserRightSet = "---";

function userRightSet(rights: Record<RightName, boolean>): UserRightSet {
  return USER_RIGHTS.map((r, i) => (rights[r] ? ALL_USER_RIGHTS[i] : "-")).join("");
}

/** True when a child of `objectClass` directly under `parent` would hold all three user rights for `token`. */
export function parentGrantsUserRights(
  parent: SecurityDescriptor,
  token: AccessToken,
  objectClass: string,
  explicitOnly = false,
): boolean {
  const rights = effectiveRights(inheritedOnly(parent, objectClass, explicitOnly), token, objectClass);
  return USER_RIGHTS.every((r) => rights[r]);
}
