// Seeds the lab domain over LDAPS so it looks like a real one to the wizard: OUs (one with
// inheritance disabled), people, a connector account with or without Microsoft's writeback
// delegation, a protected admin and an orphaned adminCount=1 account, a fine-grained password
// policy, and an optional bulk OU for benchmarks. Every step is idempotent: re-running it
// changes only what is missing or differs (scenario, bulk size).

import { randomBytes, randomInt } from "node:crypto";
import { Attribute, Change, type Client } from "ldapts";

import { LAB_GUIDS } from "./guids";
import {
  addIfMissing,
  encodeUnicodePwd,
  escapeDnValue,
  ldapResultCode,
  readObjectSid,
  readSecurityDescriptor,
  SD_FLAGS_DACL,
  unicodePwdReplace,
  writeSecurityDescriptor,
} from "./ldap";
import {
  aceToSddl,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  ADS_RIGHT_DS_CONTROL_ACCESS,
  ADS_RIGHT_DS_WRITE_PROP,
  CONTAINER_INHERIT_ACE,
  INHERIT_ONLY_ACE,
  INHERITED_ACE,
  type LabAce,
  parseLabSd,
  SE_DACL_PROTECTED,
  serializeLabSd,
} from "./sd-codec";

export type LabScenario = "delegated" | "undelegated";

/** Global security group (MS-ADTS 2.2.12: GROUP_TYPE_ACCOUNT_GROUP | GROUP_TYPE_SECURITY_ENABLED). */
const GLOBAL_SECURITY_GROUP = "-2147483646";
/** userAccountControl NORMAL_ACCOUNT (0x200), enabled. */
const NORMAL_ACCOUNT = "512";
/**
 * userAccountControl NORMAL_ACCOUNT | ACCOUNTDISABLE (0x202): a disabled account without a password. Bulk users get
 * it: they exist only to be scanned, and not setting a password spares the DC its hashing (NT hash and Kerberos keys,
 * with PBKDF2 for the AES ones), the bulk of an add. PASSWD_NOTREQD (546, what the DC defaults to) is not set: no
 * account in the lab may have an empty password.
 */
const DISABLED_NO_PASSWORD = "514";

/** A password that satisfies the default complexity policy (three classes, 20+ characters). */
export function generatePassword(length = 24): string {
  const classes = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%+-.=?@_~"];
  const all = classes.join("");
  const chars = classes.map((c) => c[randomInt(c.length)] ?? "x");
  while (chars.length < length) chars.push(all[randomInt(all.length)] ?? "x");
  // Fisher-Yates so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? "x", chars[i] ?? "x"];
  }
  return chars.join("");
}

/** Microsoft's three writeback ACEs (ADSyncConfig.psm1 Set-ADSyncPasswordWritebackPermissions). */
export function writebackDelegationAces(connectorSid: string): LabAce[] {
  const base: Omit<Extract<LabAce, { kind: "object" }>, "mask" | "objectType"> = {
    kind: "object",
    type: ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    flags: CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE,
    inheritedObjectType: LAB_GUIDS.userClass,
    sid: connectorSid,
  };
  return [
    { ...base, mask: ADS_RIGHT_DS_CONTROL_ACCESS, objectType: LAB_GUIDS.resetPassword },
    { ...base, mask: ADS_RIGHT_DS_WRITE_PROP, objectType: LAB_GUIDS.lockoutTime },
    { ...base, mask: ADS_RIGHT_DS_WRITE_PROP, objectType: LAB_GUIDS.pwdLastSet },
  ];
}

export interface SeedInput {
  /** Bound as Administrator. */
  client: Client;
  /** Opens another Administrator connection (bulk adds run on several in parallel). */
  openClient: () => Promise<Client>;
  baseDn: string;
  dnsDomain: string;
  scenario: LabScenario;
  bulk: number;
  passwords: { users: string; connector: string; wizard: string };
  /** sAMAccountName to use when the connector does not exist yet. */
  newConnectorName: string;
  log: (message: string) => void;
}

export interface SeededAccount {
  dn: string;
  sAMAccountName: string;
  sid: string;
}

export interface SeedResult {
  domainSid: string;
  ous: { corp: string; staff: string; sales: string; legacy: string; groups: string; bulk: string };
  connector: SeededAccount;
  wizard: SeededAccount;
  /** Like `wizard`, plus Replicating Directory Changes on the domain (DirSync). */
  wizardSync: SeededAccount;
  connectorGroup: { dn: string; sid: string };
  connectorParentGroup: { dn: string; sid: string };
  unrelatedGroup: { dn: string; sid: string };
  protectedAdminDn: string;
  orphanedAdminDn: string;
  passwordSettings: { dn: string; appliesTo: string; minPwdAge: string };
  people: number;
  bulk: number;
}

const FIRST = [
  "Ada",
  "Ben",
  "Cleo",
  "Dev",
  "Eli",
  "Fay",
  "Gus",
  "Hana",
  "Ivo",
  "Jo",
  "Kai",
  "Lea",
  "Max",
  "Nia",
  "Otto",
  "Pia",
  "Quin",
  "Rosa",
  "Sam",
  "Tess",
  "Uma",
  "Vic",
  "Wes",
  "Xia",
  "Yuri",
];
const LAST = [
  "Adler",
  "Brandt",
  "Costa",
  "Dubois",
  "Evans",
  "Fischer",
  "Garcia",
  "Hoffman",
  "Ito",
  "Jansen",
  "Kowal",
  "Larsen",
  "Moreau",
  "Novak",
  "Okafor",
  "Petrov",
  "Quinn",
  "Rossi",
  "Silva",
  "Tanaka",
  "Ueda",
  "Varga",
  "Weber",
  "Yilmaz",
  "Zhou",
];

/** Where the ~50 people go: most under Corp, some in the inheritance-disabled Legacy OU. */
const PEOPLE_LAYOUT: { ou: "corp" | "staff" | "sales" | "legacy"; count: number }[] = [
  { ou: "corp", count: 6 },
  { ou: "staff", count: 20 },
  { ou: "sales", count: 14 },
  { ou: "legacy", count: 10 },
];

function personName(i: number): { first: string; last: string } {
  // Offset by the round so the second pass over FIRST does not repeat the same pairs.
  const first = FIRST[i % FIRST.length] ?? "Ann";
  const last = LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length] ?? "Lee";
  return { first, last };
}

export function userAttributes(input: {
  cn: string;
  sam: string;
  given?: string;
  sn?: string;
  upnDomain: string;
  /** null: no password, and the account is created disabled (bulk users only). */
  password: string | null;
  description?: string;
}): Attribute[] {
  const attrs: Attribute[] = [
    new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
    new Attribute({ type: "cn", values: [input.cn] }),
    new Attribute({ type: "sAMAccountName", values: [input.sam] }),
    new Attribute({ type: "userPrincipalName", values: [`${input.sam}@${input.upnDomain}`] }),
    new Attribute({ type: "displayName", values: [input.cn] }),
  ];
  if (input.password === null) {
    attrs.push(new Attribute({ type: "userAccountControl", values: [DISABLED_NO_PASSWORD] }));
  } else {
    // Password and enabled state in the add itself: one round trip, and over LDAPS the DC accepts it.
    attrs.push(
      new Attribute({ type: "unicodePwd", values: [encodeUnicodePwd(input.password)] }),
      new Attribute({ type: "userAccountControl", values: [NORMAL_ACCOUNT] }),
    );
  }
  if (input.given) attrs.push(new Attribute({ type: "givenName", values: [input.given] }));
  if (input.sn) attrs.push(new Attribute({ type: "sn", values: [input.sn] }));
  if (input.description) attrs.push(new Attribute({ type: "description", values: [input.description] }));
  return attrs;
}

async function ensureOu(client: Client, dn: string, description: string): Promise<void> {
  await addIfMissing(client, dn, [
    new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] }),
    new Attribute({ type: "description", values: [description] }),
  ]);
}

async function ensureGroup(client: Client, dn: string, sam: string, description: string): Promise<string> {
  await addIfMissing(client, dn, [
    new Attribute({ type: "objectClass", values: ["top", "group"] }),
    new Attribute({ type: "sAMAccountName", values: [sam] }),
    new Attribute({ type: "groupType", values: [GLOBAL_SECURITY_GROUP] }),
    new Attribute({ type: "description", values: [description] }),
  ]);
  return readObjectSid(client, dn);
}

async function ensureMember(client: Client, groupDn: string, memberDn: string): Promise<void> {
  try {
    await client.modify(
      groupDn,
      new Change({ operation: "add", modification: new Attribute({ type: "member", values: [memberDn] }) }),
    );
  } catch (error) {
    // attributeOrValueExists (20) on Windows; Samba answers entryAlreadyExists (68) for a duplicate member.
    const code = ldapResultCode(error);
    if (code !== 20 && code !== 68) throw error;
  }
}

async function ensureUser(client: Client, dn: string, attrs: Attribute[]): Promise<void> {
  await addIfMissing(client, dn, attrs);
}

/**
 * Disables inheritance on an object (SE_DACL_PROTECTED), converting the inherited ACEs it has now
 * into explicit ones — what "Disable inheritance > Convert" does in ADUC. With `source`, the DACL
 * is replaced by the source's ACEs instead (what SDProp does with AdminSDHolder; Samba has no
 * SDProp, LAB.md).
 */
async function protectDacl(client: Client, dn: string, source?: LabAce[]): Promise<boolean> {
  const sd = parseLabSd(await readSecurityDescriptor(client, dn, SD_FLAGS_DACL));
  if (sd.control & SE_DACL_PROTECTED) return false;
  const aces = (source ?? sd.dacl?.aces ?? []).map((ace) => ({ ...ace, flags: ace.flags & ~INHERITED_ACE }));
  sd.control |= SE_DACL_PROTECTED;
  sd.dacl = { revision: sd.dacl?.revision ?? 4, aces };
  await writeSecurityDescriptor(client, dn, serializeLabSd(sd), SD_FLAGS_DACL);
  return true;
}

/** Adds (delegated) or removes (undelegated) the connector's three writeback ACEs on the domain root. */
async function reconcileDelegation(
  client: Client,
  baseDn: string,
  connectorSid: string,
  scenario: LabScenario,
): Promise<string> {
  const sd = parseLabSd(await readSecurityDescriptor(client, baseDn, SD_FLAGS_DACL));
  const wanted = writebackDelegationAces(connectorSid);
  const wantedText = new Set(wanted.map(aceToSddl));
  const aces = sd.dacl?.aces ?? [];
  const present = aces.filter((a) => wantedText.has(aceToSddl(a)));
  if (scenario === "delegated") {
    if (present.length === wanted.length) return "delegation present";
    const missing = wanted.filter((w) => !aces.some((a) => aceToSddl(a) === aceToSddl(w)));
    // Explicit allow ACEs go before the inherited ones (the domain root has none anyway).
    sd.dacl = { revision: 4, aces: [...missing, ...aces] };
  } else {
    if (present.length === 0) return "no delegation";
    sd.dacl = { revision: sd.dacl?.revision ?? 4, aces: aces.filter((a) => !wantedText.has(aceToSddl(a))) };
  }
  // Changing the root's DACL makes the DC re-propagate inheritance to the whole tree.
  await writeSecurityDescriptor(client, baseDn, serializeLabSd(sd), SD_FLAGS_DACL);
  return scenario === "delegated" ? "delegation added" : "delegation removed";
}

/** DS-Replication-Get-Changes ("Replicating Directory Changes") on the domain: what DirSync asks of its caller. */
export function dirSyncAce(sid: string): LabAce {
  return {
    kind: "object",
    type: ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    flags: 0,
    mask: ADS_RIGHT_DS_CONTROL_ACCESS,
    objectType: LAB_GUIDS.replicatingDirectoryChanges,
    sid,
  };
}

/** Adds one explicit ACE to an object's DACL unless it is there already. */
async function ensureAce(client: Client, dn: string, ace: LabAce): Promise<boolean> {
  const sd = parseLabSd(await readSecurityDescriptor(client, dn, SD_FLAGS_DACL));
  const aces = sd.dacl?.aces ?? [];
  if (aces.some((a) => aceToSddl(a) === aceToSddl(ace))) return false;
  sd.dacl = { revision: sd.dacl?.revision ?? 4, aces: [ace, ...aces] };
  await writeSecurityDescriptor(client, dn, serializeLabSd(sd), SD_FLAGS_DACL);
  return true;
}

async function findConnector(client: Client, usersDn: string): Promise<string | undefined> {
  const { searchEntries } = await client.search(usersDn, {
    scope: "one",
    filter: "(&(objectClass=user)(sAMAccountName=MSOL_*))",
    attributes: ["sAMAccountName"],
  });
  const name = searchEntries[0]?.sAMAccountName;
  return typeof name === "string" ? name : undefined;
}

/** A fresh connector name like Entra Connect's: MSOL_ and 12 hex digits. */
export function newConnectorName(): string {
  return `MSOL_${randomBytes(6).toString("hex")}`;
}

async function ensureBulk(input: SeedInput, bulkOu: string): Promise<number> {
  const existing = new Set<string>();
  const { searchEntries } = await input.client.search(bulkOu, {
    scope: "one",
    filter: "(objectClass=user)",
    attributes: ["sAMAccountName"],
    paged: { pageSize: 1000 },
  });
  for (const e of searchEntries)
    if (typeof e.sAMAccountName === "string") existing.add(e.sAMAccountName.toLowerCase());
  const missing: number[] = [];
  for (let i = 1; i <= input.bulk; i += 1) if (!existing.has(bulkName(i))) missing.push(i);
  if (missing.length === 0) return existing.size;
  input.log(`adding ${missing.length} bulk users to ${bulkOu}`);
  // Several connections in parallel: Samba serves each on one of its prefork LDAP workers.
  const workers = Math.min(4, missing.length);
  let next = 0;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const client = w === 0 ? input.client : await input.openClient();
      try {
        for (;;) {
          const i = missing[next];
          next += 1;
          if (i === undefined) return;
          const sam = bulkName(i);
          await ensureUser(
            client,
            `CN=${escapeDnValue(sam)},${bulkOu}`,
            userAttributes({
              cn: sam,
              sam,
              given: "Bulk",
              sn: String(i),
              upnDomain: input.dnsDomain,
              // Scanned, never signed in to: no password (see DISABLED_NO_PASSWORD).
              password: null,
            }),
          );
          done += 1;
          if (done % 1000 === 0)
            input.log(
              `  ${done}/${missing.length} (${Math.round(done / ((Date.now() - started) / 1000))}/s)`,
            );
        }
      } finally {
        if (w !== 0) await client.unbind().catch(() => undefined);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  input.log(
    `  added ${missing.length} bulk users in ${seconds.toFixed(1)} s (${Math.round(missing.length / Math.max(seconds, 0.001))}/s)`,
  );
  return existing.size + missing.length;
}

export function bulkName(i: number): string {
  return `bulk-${String(i).padStart(5, "0")}`;
}

export async function seedLab(input: SeedInput): Promise<SeedResult> {
  const { client, baseDn, log } = input;
  const domainSid = await readObjectSid(client, baseDn);
  const usersDn = `CN=Users,${baseDn}`;

  const ous = {
    corp: `OU=Corp,${baseDn}`,
    staff: `OU=Staff,OU=Corp,${baseDn}`,
    sales: `OU=Sales,OU=Corp,${baseDn}`,
    legacy: `OU=Legacy,${baseDn}`,
    groups: `OU=Groups,${baseDn}`,
    bulk: `OU=Bulk,${baseDn}`,
  };
  await ensureOu(client, ous.corp, "Lab: people, delegation inherited from the domain root");
  await ensureOu(client, ous.staff, "Lab: people");
  await ensureOu(client, ous.sales, "Lab: people; some in the fine-grained password policy group");
  await ensureOu(client, ous.legacy, "Lab: inheritance disabled (protected DACL) - blocks the delegation");
  await ensureOu(client, ous.groups, "Lab: groups");
  await ensureOu(client, ous.bulk, "Lab: bulk users for benchmarks (lab up --bulk N)");
  // Before the delegation is written, so Legacy keeps no copy of it: the "inheritance disabled" finding.
  if (await protectDacl(client, ous.legacy)) log("Legacy OU: inheritance disabled");

  // Groups: connector -> connectorGroup -> connectorParentGroup (nesting exercises tokenGroups).
  const g = (cn: string): string => `CN=${escapeDnValue(cn)},${ous.groups}`;
  const connectorGroup = { dn: g("SSPR Writeback Connectors"), sid: "" };
  connectorGroup.sid = await ensureGroup(
    client,
    connectorGroup.dn,
    "SSPR-Writeback-Connectors",
    "Lab: the connector is a direct member",
  );
  const connectorParentGroup = { dn: g("Sync Service Accounts"), sid: "" };
  connectorParentGroup.sid = await ensureGroup(
    client,
    connectorParentGroup.dn,
    "Sync-Service-Accounts",
    "Lab: contains SSPR Writeback Connectors",
  );
  const unrelatedGroup = { dn: g("Helpdesk Tier 2"), sid: "" };
  unrelatedGroup.sid = await ensureGroup(
    client,
    unrelatedGroup.dn,
    "Helpdesk-Tier-2",
    "Lab: the connector is not a member",
  );
  const psoGroupDn = g("Sales Strict Passwords");
  await ensureGroup(
    client,
    psoGroupDn,
    "Sales-Strict-Passwords",
    "Lab: the fine-grained password policy applies to this group",
  );
  await ensureMember(client, connectorParentGroup.dn, connectorGroup.dn);

  // Connector account (Entra Connect creates it in CN=Users).
  const connectorName = (await findConnector(client, usersDn)) ?? input.newConnectorName;
  const connectorDn = `CN=${escapeDnValue(connectorName)},${usersDn}`;
  const created = await addIfMissing(
    client,
    connectorDn,
    userAttributes({
      cn: connectorName,
      sam: connectorName,
      upnDomain: input.dnsDomain,
      password: input.passwords.connector,
      description: "Lab stand-in for the Entra Connect AD DS connector account",
    }),
  );
  // An existing connector gets the password from the current password file (the file is the truth).
  if (!created) await client.modify(connectorDn, unicodePwdReplace(input.passwords.connector));
  await ensureMember(client, connectorGroup.dn, connectorDn);
  const connectorSid = await readObjectSid(client, connectorDn);

  // Read-only service account for the wizard: a plain user, no extra rights.
  const serviceAccount = async (cn: string, description: string): Promise<{ dn: string; sid: string }> => {
    const dn = `CN=${cn},${usersDn}`;
    const attrs = userAttributes({
      cn,
      sam: cn,
      upnDomain: input.dnsDomain,
      password: input.passwords.wizard,
      description,
    });
    if (!(await addIfMissing(client, dn, attrs)))
      await client.modify(dn, unicodePwdReplace(input.passwords.wizard));
    return { dn, sid: await readObjectSid(client, dn) };
  };
  const { dn: wizardDn, sid: wizardSid } = await serviceAccount(
    "svc-wizard",
    "Lab: read-only account for the wizard",
  );
  // A second read-only account that may also use DirSync (Replicating Directory Changes on the domain, granted below),
  // so delta re-checks that read only the changes are tried on the lab; svc-wizard keeps the listing path covered.
  const { dn: wizardSyncDn, sid: wizardSyncSid } = await serviceAccount(
    "svc-wizard-sync",
    "Lab: read-only account for the wizard, allowed DirSync",
  );

  // People.
  let index = 0;
  let people = 0;
  for (const { ou, count } of PEOPLE_LAYOUT) {
    for (let k = 0; k < count; k += 1, index += 1) {
      const { first, last } = personName(index);
      const sam = `${first}.${last}`.toLowerCase();
      const dn = `CN=${escapeDnValue(`${first} ${last}`)},${ous[ou]}`;
      await ensureUser(
        client,
        dn,
        userAttributes({
          cn: `${first} ${last}`,
          sam,
          given: first,
          sn: last,
          upnDomain: input.dnsDomain,
          password: input.passwords.users,
        }),
      );
      if (ou === "sales" && k < 5) await ensureMember(client, psoGroupDn, dn);
      people += 1;
    }
  }

  // Protected admin: in Domain Admins, adminCount=1 and AdminSDHolder's DACL (what SDProp would do).
  const adminSdHolder = parseLabSd(
    await readSecurityDescriptor(client, `CN=AdminSDHolder,CN=System,${baseDn}`, SD_FLAGS_DACL),
  );
  const holderAces = adminSdHolder.dacl?.aces ?? [];
  const protectedAdminDn = `CN=Priya Admin,${ous.corp}`;
  await ensureUser(
    client,
    protectedAdminDn,
    userAttributes({
      cn: "Priya Admin",
      sam: "adm.priya",
      given: "Priya",
      sn: "Admin",
      upnDomain: input.dnsDomain,
      password: input.passwords.users,
      description: "Lab: protected account (Domain Admins)",
    }),
  );
  await ensureMember(client, `CN=Domain Admins,${usersDn}`, protectedAdminDn);
  await client.modify(
    protectedAdminDn,
    new Change({ operation: "replace", modification: new Attribute({ type: "adminCount", values: ["1"] }) }),
  );
  await protectDacl(client, protectedAdminDn, holderAces);

  // Orphan: left its protected group long ago, kept adminCount=1 and the protected DACL (fixable).
  const orphanedAdminDn = `CN=Omar Former-Admin,${ous.staff}`;
  await ensureUser(
    client,
    orphanedAdminDn,
    userAttributes({
      cn: "Omar Former-Admin",
      sam: "omar.former",
      given: "Omar",
      sn: "Former-Admin",
      upnDomain: input.dnsDomain,
      password: input.passwords.users,
      description: "Lab: orphaned adminCount=1 (no protected group)",
    }),
  );
  await client.modify(
    orphanedAdminDn,
    new Change({ operation: "replace", modification: new Attribute({ type: "adminCount", values: ["1"] }) }),
  );
  await protectDacl(client, orphanedAdminDn, holderAces);

  // Fine-grained password policy with a minimum age of one day (the tutorial wants 0).
  const psoDn = `CN=Lab Sales PSO,CN=Password Settings Container,CN=System,${baseDn}`;
  const minPwdAge = "-864000000000";
  await addIfMissing(client, psoDn, {
    objectClass: ["top", "msDS-PasswordSettings"],
    "msDS-PasswordSettingsPrecedence": "10",
    "msDS-PasswordReversibleEncryptionEnabled": "FALSE",
    "msDS-PasswordHistoryLength": "24",
    "msDS-PasswordComplexityEnabled": "TRUE",
    "msDS-MinimumPasswordLength": "12",
    "msDS-MinimumPasswordAge": minPwdAge,
    "msDS-MaximumPasswordAge": "-36288000000000",
    "msDS-LockoutThreshold": "10",
    "msDS-LockoutObservationWindow": "-18000000000",
    "msDS-LockoutDuration": "-18000000000",
    "msDS-PSOAppliesTo": psoGroupDn,
  });

  log(await reconcileDelegation(client, baseDn, connectorSid, input.scenario));
  // ms-fact: dirsync-rights
  if (await ensureAce(client, baseDn, dirSyncAce(wizardSyncSid)))
    log("svc-wizard-sync may use DirSync (Replicating Directory Changes)");

  const bulk = await ensureBulk(input, ous.bulk);

  return {
    domainSid,
    ous,
    connector: { dn: connectorDn, sAMAccountName: connectorName, sid: connectorSid },
    wizard: { dn: wizardDn, sAMAccountName: "svc-wizard", sid: wizardSid },
    wizardSync: { dn: wizardSyncDn, sAMAccountName: "svc-wizard-sync", sid: wizardSyncSid },
    connectorGroup,
    connectorParentGroup,
    unrelatedGroup,
    protectedAdminDn,
    orphanedAdminDn,
    passwordSettings: { dn: psoDn, appliesTo: psoGroupDn, minPwdAge },
    people,
    bulk,
  };
}
