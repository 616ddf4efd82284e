// The directory facts the password-writeback checks need (DOMAIN.md "AD DS permissions"): control access
// rights, attributes with their property sets, classes, well-known SIDs — one list each, everything else
// derived. GUIDs are schemaIDGUID / rightsGuid values, identical in every AD forest (and in Samba).

import { UnknownObjectClassError } from "./errors";
import { isGuid } from "./guid";
import { RIGHT_DS_CONTROL_ACCESS, RIGHT_DS_WRITE_PROPERTY } from "./access-mask";

// Control access rights (MS-ADTS 5.1.3.2.1, CN=Extended-Rights).
export const RESET_PASSWORD = "00299570-246d-11d0-a768-00aa006e0529"; // User-Force-Change-Password
export const CHANGE_PASSWORD = "ab721a53-1e2f-11d0-9819-00aa0040529b"; // User-Change-Password
export const UNEXPIRE_PASSWORD = "ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501"; // Unexpire-Password

// Attributes (schemaIDGUID).
export const LOCKOUT_TIME = "28630ebf-41d5-11d1-a9c1-0000f80367c1";
export const PWD_LAST_SET = "bf967a0a-0de6-11d0-a285-00aa003049e2";
export const USER_ACCOUNT_CONTROL = "bf967a68-0de6-11d0-a285-00aa003049e2";
export const ACCOUNT_EXPIRES = "bf967915-0de6-11d0-a285-00aa003049e2";
export const UNICODE_PWD = "bf9679e1-0de6-11d0-a285-00aa003049e2";

// Property sets (rightsGuid of the property-set extended rights; attributeSecurityGUID of their members).
export const USER_ACCOUNT_RESTRICTIONS = "4c164200-20c0-11d0-a768-00aa006e0529";
export const USER_LOGON = "5f202010-79a5-11d0-9020-00c04fc2d4cf";
export const PERSONAL_INFORMATION = "77b5b886-944a-11d1-aebd-0000f80367c1";
export const GENERAL_INFORMATION = "59ba2f42-79a2-11d0-9020-00c04fc2d3cf";
export const PUBLIC_INFORMATION = "e48d0154-bcf8-11d1-8702-00c04fb96050";
export const WEB_INFORMATION = "e45795b3-9455-11d1-aebd-0000f80367c1";
export const EMAIL_INFORMATION = "e45795b2-9455-11d1-aebd-0000f80367c1";
export const MEMBERSHIP = "bc0ac240-79a9-11d0-9020-00c04fc2d4cf";
export const RAS_INFORMATION = "037088f8-0ae1-11d2-b422-00a0c968f939";

// Classes (schemaIDGUID).
export const CLASS_USER = "bf967aba-0de6-11d0-a285-00aa003049e2";
export const CLASS_COMPUTER = "bf967a86-0de6-11d0-a285-00aa003049e2";
export const CLASS_INET_ORG_PERSON = "4828cc14-1437-45bc-9b07-ad6f015e5f28";
export const CLASS_DOMAIN_DNS = "19195a5b-6da0-11d0-afd3-00c04fd930c9";
export const CLASS_ORGANIZATIONAL_UNIT = "bf967aa5-0de6-11d0-a285-00aa003049e2";
export const CLASS_CONTAINER = "bf967a8b-0de6-11d0-a285-00aa003049e2";
export const CLASS_GROUP = "bf967a9c-0de6-11d0-a285-00aa003049e2";
export const CLASS_CONTACT = "5cb41ed0-0e4c-11d0-a286-00aa003049e2";
export const CLASS_MSDS_MANAGED_SERVICE_ACCOUNT = "ce206244-5827-4a86-ba1c-1c0c386c1b64";
export const CLASS_MSDS_GROUP_MANAGED_SERVICE_ACCOUNT = "7b8b558a-93a5-4af7-adca-c017e67f1057";
export const CLASS_BUILTIN_DOMAIN = "bf967a81-0de6-11d0-a285-00aa003049e2";

export interface ControlAccessRight {
  guid: string;
  /** CN of the controlAccessRight object. */
  name: string;
  displayName: string;
}

export const CONTROL_ACCESS_RIGHTS: readonly ControlAccessRight[] = [
  { guid: RESET_PASSWORD, name: "User-Force-Change-Password", displayName: "Reset Password" },
  { guid: CHANGE_PASSWORD, name: "User-Change-Password", displayName: "Change Password" },
  { guid: UNEXPIRE_PASSWORD, name: "Unexpire-Password", displayName: "Unexpire Password" },
];

export interface PropertySet {
  guid: string;
  name: string;
  displayName: string;
}

export const PROPERTY_SETS: readonly PropertySet[] = [
  { guid: USER_ACCOUNT_RESTRICTIONS, name: "User-Account-Restrictions", displayName: "Account Restrictions" },
  { guid: USER_LOGON, name: "User-Logon", displayName: "Logon Information" },
  { guid: PERSONAL_INFORMATION, name: "Personal-Information", displayName: "Personal Information" },
  { guid: GENERAL_INFORMATION, name: "General-Information", displayName: "General Information" },
  { guid: PUBLIC_INFORMATION, name: "Public-Information", displayName: "Public Information" },
  { guid: WEB_INFORMATION, name: "Web-Information", displayName: "Web Information" },
  { guid: EMAIL_INFORMATION, name: "Email-Information", displayName: "Phone and Mail Options" },
  { guid: MEMBERSHIP, name: "Membership", displayName: "Group Membership" },
  { guid: RAS_INFORMATION, name: "RAS-Information", displayName: "Remote Access Information" },
];

export interface Attribute {
  guid: string;
  lDAPDisplayName: string;
  /** attributeSecurityGUID: the property set it belongs to, or null (MS-ADTS 3.1.1.2.3 / 5.1.3.3.3). */
  propertySet: string | null;
}

// Membership as Windows and Samba schemas define it: pwdLastSet is in User-Account-Restrictions, lockoutTime in
// no property set (checked against the lab DC, LAB.md), so a WP on the property set reaches only the former.
export const ATTRIBUTES: readonly Attribute[] = [
  { guid: PWD_LAST_SET, lDAPDisplayName: "pwdLastSet", propertySet: USER_ACCOUNT_RESTRICTIONS },
  {
    guid: USER_ACCOUNT_CONTROL,
    lDAPDisplayName: "userAccountControl",
    propertySet: USER_ACCOUNT_RESTRICTIONS,
  },
  { guid: ACCOUNT_EXPIRES, lDAPDisplayName: "accountExpires", propertySet: USER_ACCOUNT_RESTRICTIONS },
  { guid: LOCKOUT_TIME, lDAPDisplayName: "lockoutTime", propertySet: null },
  { guid: UNICODE_PWD, lDAPDisplayName: "unicodePwd", propertySet: null },
];

export interface ObjectClass {
  guid: string;
  lDAPDisplayName: string;
  /** subClassOf chain up to (not including) top, most specific first: for display and documentation only. */
  superClasses: readonly string[];
}

export const OBJECT_CLASSES: readonly ObjectClass[] = [
  { guid: CLASS_USER, lDAPDisplayName: "user", superClasses: ["organizationalPerson", "person"] },
  {
    guid: CLASS_COMPUTER,
    lDAPDisplayName: "computer",
    superClasses: ["user", "organizationalPerson", "person"],
  },
  {
    guid: CLASS_INET_ORG_PERSON,
    lDAPDisplayName: "inetOrgPerson",
    superClasses: ["user", "organizationalPerson", "person"],
  },
  {
    guid: CLASS_MSDS_MANAGED_SERVICE_ACCOUNT,
    lDAPDisplayName: "msDS-ManagedServiceAccount",
    superClasses: ["computer", "user", "organizationalPerson", "person"],
  },
  {
    guid: CLASS_MSDS_GROUP_MANAGED_SERVICE_ACCOUNT,
    lDAPDisplayName: "msDS-GroupManagedServiceAccount",
    superClasses: ["computer", "user", "organizationalPerson", "person"],
  },
  { guid: CLASS_DOMAIN_DNS, lDAPDisplayName: "domainDNS", superClasses: ["domain"] },
  { guid: CLASS_ORGANIZATIONAL_UNIT, lDAPDisplayName: "organizationalUnit", superClasses: [] },
  { guid: CLASS_CONTAINER, lDAPDisplayName: "container", superClasses: [] },
  { guid: CLASS_GROUP, lDAPDisplayName: "group", superClasses: [] },
  { guid: CLASS_CONTACT, lDAPDisplayName: "contact", superClasses: ["organizationalPerson", "person"] },
  { guid: CLASS_BUILTIN_DOMAIN, lDAPDisplayName: "builtinDomain", superClasses: [] },
];

const CLASS_BY_NAME = new Map(OBJECT_CLASSES.map((c) => [c.lDAPDisplayName.toLowerCase(), c]));

/**
 * The schemaIDGUID of an objectClass given by lDAPDisplayName (case-insensitive, as LDAP names are) or by GUID.
 * Throws UnknownObjectClassError for a name the catalogue lacks: guessing would silently mis-apply
 * InheritedObjectType.
 */
export function classGuid(objectClass: string): string {
  const known = CLASS_BY_NAME.get(objectClass.toLowerCase());
  if (known) return known.guid;
  if (isGuid(objectClass)) return objectClass.toLowerCase();
  throw new UnknownObjectClassError(
    objectClass,
    OBJECT_CLASSES.map((c) => c.lDAPDisplayName),
  );
}

export function isKnownObjectClass(objectClass: string): boolean {
  return CLASS_BY_NAME.has(objectClass.toLowerCase()) || isGuid(objectClass);
}

// ---------------------------------------------------------------------------------------------------------
// The five rights the product decides, one list (STYLE.md 1): name, display name, access bit, and the path in
// the object-type tree below the object's class (MS-ADTS 5.1.3.3.3 for property writes: class -> property set
// -> attribute; 5.1.3.3.4 for control access rights: class -> right).

export const PASSWORD_RIGHTS = [
  {
    name: "resetPassword",
    displayName: "Reset Password",
    accessBit: RIGHT_DS_CONTROL_ACCESS,
    objectTypePath: [RESET_PASSWORD],
  },
  {
    name: "changePassword",
    displayName: "Change Password",
    accessBit: RIGHT_DS_CONTROL_ACCESS,
    objectTypePath: [CHANGE_PASSWORD],
  },
  {
    name: "writeLockoutTime",
    displayName: "Write lockoutTime",
    accessBit: RIGHT_DS_WRITE_PROPERTY,
    objectTypePath: [LOCKOUT_TIME],
  },
  {
    name: "writePwdLastSet",
    displayName: "Write pwdLastSet",
    accessBit: RIGHT_DS_WRITE_PROPERTY,
    objectTypePath: [USER_ACCOUNT_RESTRICTIONS, PWD_LAST_SET],
  },
  {
    name: "unexpirePassword",
    displayName: "Unexpire Password",
    accessBit: RIGHT_DS_CONTROL_ACCESS,
    objectTypePath: [UNEXPIRE_PASSWORD],
  },
] as const;

export type RightName = (typeof PASSWORD_RIGHTS)[number]["name"];
export const RIGHT_NAMES: readonly RightName[] = PASSWORD_RIGHTS.map((r) => r.name);
export const RIGHT_DISPLAY_NAMES: Readonly<Record<RightName, string>> = Object.fromEntries(
  PASSWORD_RIGHTS.map((r) => [r.name, r.displayName]),
) as Record<RightName, string>;

// ---------------------------------------------------------------------------------------------------------
// Well-known SIDs (MS-DTYP 2.4.2.4).

export const WELL_KNOWN_SIDS = {
  EVERYONE: "S-1-1-0",
  CREATOR_OWNER: "S-1-3-0",
  CREATOR_GROUP: "S-1-3-1",
  OWNER_RIGHTS: "S-1-3-4",
  NETWORK: "S-1-5-2",
  ENTERPRISE_DOMAIN_CONTROLLERS: "S-1-5-9",
  PRINCIPAL_SELF: "S-1-5-10",
  AUTHENTICATED_USERS: "S-1-5-11",
  THIS_ORGANIZATION: "S-1-5-15",
  LOCAL_SYSTEM: "S-1-5-18",
  BUILTIN_ADMINISTRATORS: "S-1-5-32-544",
  BUILTIN_USERS: "S-1-5-32-545",
  ACCOUNT_OPERATORS: "S-1-5-32-548",
  PRE_WINDOWS_2000_COMPATIBLE_ACCESS: "S-1-5-32-554",
} as const;

/** SIDs every network logon token carries (DOMAIN.md; MS-DTYP 2.4.2.4). */
export const NETWORK_LOGON_SIDS: readonly string[] = [
  WELL_KNOWN_SIDS.EVERYONE,
  WELL_KNOWN_SIDS.AUTHENTICATED_USERS,
  WELL_KNOWN_SIDS.NETWORK,
  WELL_KNOWN_SIDS.THIS_ORGANIZATION,
];

// Domain-relative RIDs (MS-DTYP 2.4.2.4).
export const DOMAIN_RIDS = {
  ADMINISTRATOR: 500,
  DOMAIN_ADMINS: 512,
  DOMAIN_USERS: 513,
  DOMAIN_COMPUTERS: 515,
  DOMAIN_CONTROLLERS: 516,
  ENTERPRISE_ADMINS: 519,
} as const;

// ---------------------------------------------------------------------------------------------------------
// Display names for explanations.

const DISPLAY_BY_GUID = new Map<string, string>([
  ...CONTROL_ACCESS_RIGHTS.map((r) => [r.guid, r.displayName] as const),
  ...PROPERTY_SETS.map((p) => [p.guid, `property set ${p.name}`] as const),
  ...ATTRIBUTES.map((a) => [a.guid, a.lDAPDisplayName] as const),
  ...OBJECT_CLASSES.map((c) => [c.guid, `class ${c.lDAPDisplayName}`] as const),
]);

/** A human name for a GUID the catalogue knows ("Reset Password", "pwdLastSet", "class user"), else the GUID. */
export function describeGuid(guid: string): string {
  return DISPLAY_BY_GUID.get(guid.toLowerCase()) ?? guid;
}
