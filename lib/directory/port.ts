// The Directory port (ARCHITECTURE.md "The shape in one picture"): what the checks read from Active Directory,
// whether it comes over LDAP or from an uploaded snapshot. Types only; adapters implement it.
//
// Security descriptors travel as they were read: the self-relative bytes from LDAP (checked with lib/ad's
// byte-level fast path) or SDDL text from a snapshot (parsed with lib/ad's SDDL parser). Users and containers are
// streamed page by page so a 100,000-user domain is never held in memory at once.

/** A security descriptor: self-relative binary (MS-DTYP 2.4.6) or SDDL text (MS-DTYP 2.5.1). */
export type SdBlob = Uint8Array | string;

export interface RootDseInfo {
  defaultNamingContext: string | null;
  configurationNamingContext: string | null;
  dnsHostName: string | null;
  supportedControl: string[];
}

export interface PasswordSettingsRecord {
  dn: string;
  /** msDS-MinimumPasswordAge (100 ns ticks, negative), or null when the wizard's account may not read it. */
  minPwdAge: string | null;
  /** msDS-PSOAppliesTo: group or user DNs. Empty when unreadable. */
  appliesTo: string[];
  precedence: number | null;
}

export interface DomainControllerRecord {
  dn: string;
  dnsHostName: string | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  /**
   * This DC's rootDSE supportedControl when known: LDAP reads it from the DC it is connected to and asks every other
   * DC directly (lib/directory/dc-probe.ts); a snapshot has what the collector read.
   */
  supportedControl: string[] | null;
  /** Why `supportedControl` is unknown, when the wizard tried to read it and could not. */
  supportedControlError?: string;
}

export interface DomainRecord {
  dn: string;
  dnsName: string;
  /** NetBIOS name (nETBIOSName of the crossRef), when known: dsacls and "DOMAIN\\account" use it. */
  netbiosName: string | null;
  sid: string;
  sd: SdBlob;
  /** minPwdAge of the domain object (100 ns ticks, negative; "0" = none). */
  minPwdAge: string | null;
  /** Null when the Password Settings Container could not be listed. */
  passwordSettingsObjects: PasswordSettingsRecord[] | null;
  domainControllers: DomainControllerRecord[];
  /** The domain's rootDSE (of the DC that was read). */
  supportedControl: string[];
  /** Security descriptor of CN=Server,CN=System,<domain> (samServer), when readable. */
  samServerSd: SdBlob | null;
  /** Member SIDs of BUILTIN\Pre-Windows 2000 Compatible Access, when known. */
  preWindows2000Members: string[] | null;
}

export interface DirectoryObject {
  dn: string;
  /** objectGUID (hex of its 16 bytes) where the source has it (LDAP); it follows the object through moves. */
  guid?: string | null;
  /** Null when the server returned no descriptor (the reading account may not see this object's DACL). */
  sd: SdBlob | null;
  /** objectClass values as stored (most specific last). */
  objectClass: string[];
}

export interface UserRecord extends DirectoryObject {
  sid: string | null;
  userAccountControl: number | null;
  adminCount: number | null;
  /** Present for adminCount=1 users (DOMAIN.md snapshot format: required there, cheap to read). */
  tokenGroups: string[] | null;
}

export interface AccountRecord {
  dn: string;
  sid: string;
  sAMAccountName: string | null;
  /** NetBIOS-style name when known ("CONTOSO\\MSOL_ab12"). */
  name: string | null;
  description: string | null;
  objectClass: string[];
  tokenGroups: string[];
}

/** A user as the end-to-end test reads it on-premises: when the password landed, and the account's state. */
export interface OnPremisesUser {
  dn: string;
  sAMAccountName: string | null;
  sid: string | null;
  /**
   * When the password itself was last set: the originating change time of unicodePwd in replPropertyMetaData
   * (lib/directory/repl-metadata.ts). Null when the stamp is absent or could not be read (`passwordSetAtError`).
   */
  passwordSetAt: Date | null;
  /** Why passwordSetAt is unknown, when the metadata was there but unreadable or not returned. */
  passwordSetAtError?: string;
  /** pwdLastSet as a time; null when 0 (must change), never set or unreadable. */
  pwdLastSet: Date | null;
  /** pwdLastSet is 0: the user must change the password at the next sign-in. Null when unreadable. */
  mustChangeAtNextLogon: boolean | null;
  /** userAccountControl ACCOUNTDISABLE (0x2). Null when unreadable. */
  disabled: boolean | null;
  /** Locked out now (msDS-User-Account-Control-Computed UF_LOCKOUT, else lockoutTime set). Null when unreadable. */
  lockedOut: boolean | null;
  /** userAccountControl DONT_EXPIRE_PASSWORD (0x10000). Null when unreadable. */
  neverExpires: boolean | null;
  adminCount: number | null;
}

/** Reads one user on-premises by SID (the directory port, over LDAP or in the sandbox). */
export interface OnPremisesUserLookup {
  findUserBySid(sid: string): Promise<OnPremisesUser | null>;
}

export interface ScanProgress {
  phase: "containers" | "users";
  scanned: number;
  /** Total objects expected, when known (snapshot, or a count the adapter made). */
  total: number | null;
}

export interface StreamOptions {
  /** Called after every page. */
  onProgress?: (progress: ScanProgress) => void;
  pageSize?: number;
}

/** Where a domain controller stood at one moment (lib/directory/delta.ts; MS docs "Polling for changes using uSNChanged"). */
export interface DirectoryMark {
  /** rootDSE dsServiceName: the DC's NTDS Settings object, which names the DC. */
  server: string;
  dnsHostName: string | null;
  /** invocationId of that NTDS Settings object (hex); a restore from backup gives the DC a new one. */
  invocationId: string;
  /** rootDSE highestCommittedUSN, a decimal string. */
  highestCommittedUsn: string;
}

/** What a source that tracks changes can say (LDAP to one DC); lib/directory/delta.ts uses it for re-checks. */
export interface ChangeReader {
  /** A fresh read (never cached) of the DC's position. */
  mark(): Promise<DirectoryMark>;
  /** Users with adminCount=1 below `base`, with their tokenGroups (their groups may change without them). */
  protectedUsers(base: string): AsyncIterable<UserRecord[]>;
  /**
   * Every user below `base` with objectGUID and uSNChanged only: the cheap listing that proves which users still
   * exist and which changed. `usn` is null where the reading account may not read uSNChanged (such a user is read
   * again every time: the DC filters what an account cannot read, so a uSNChanged query alone would miss it).
   */
  userIds(base: string): AsyncIterable<{ guid: string; dn: string; usn: string | null }[]>;
  /** One user by DN (a base read, as the full scan reads users); null when it is absent, unreadable or no user. */
  user(dn: string): Promise<UserRecord | null>;
  /** The users directly in one container (a one-level read). */
  usersIn(container: string): AsyncIterable<UserRecord[]>;
  /**
   * DirSync (MS-ADTS 3.1.1.3.4.1.3): the objects of the domain whose permissions, account state, name, place or
   * existence changed since `cookie`, across the whole domain and, on Windows, whatever their own permissions say
   * (no per-object access check without the object-security flag: MS-DRSR 5.115.3). Needs Replicating Directory
   * Changes on the domain; `denied` when the account lacks it or the DC does not offer DirSync. With `changes: false`
   * only a cookie for "now" is wanted (a filter that matches nothing; `cookie` is an earlier one to move on from, or
   * null). Optional: a source without it is read with `userIds`.
   */
  dirSync?(domainDn: string, cookie: string | null, options: { changes: boolean }): Promise<DirSyncRead>;
}

/** One object DirSync reports: tombstones carry `deleted` and their DN in Deleted Objects. */
export interface DirSyncChange {
  guid: string;
  dn: string;
  deleted: boolean;
}

export type DirSyncRead =
  | { kind: "changes"; cookie: string; changes: DirSyncChange[] }
  | { kind: "denied"; reason: string };

export interface DirectoryPort {
  /** Present where the source can report changes since a mark (LDAP to one DC). */
  readonly changes?: ChangeReader;
  readonly kind: "ldap" | "snapshot";
  /** One line for the UI: "LDAPS to dc01.contoso.com as CN=svc-wizard,…" or "snapshot collected 2026-…". */
  describe(): string;
  rootDse(): Promise<RootDseInfo>;
  /** Every domain this port can read (LDAP: the one it is bound to; snapshot: all in the file). */
  domains(): Promise<DomainRecord[]>;
  /** Accounts that look like a connector account (MSOL_*, the Connect description, the cloud sync gMSA). */
  connectorCandidates(domainDn: string): Promise<AccountRecord[]>;
  /** An account by DN, DOMAIN\\sam, sam or UPN, with its tokenGroups; null when absent. */
  findAccount(identity: string): Promise<AccountRecord | null>;
  /** One object with its descriptor (for ancestors of a scoped OU); null when absent. */
  readObject(dn: string): Promise<DirectoryObject | null>;
  /** Containers and OUs at or below `base`, page by page. */
  containers(base: string, options?: StreamOptions): AsyncIterable<DirectoryObject[]>;
  /** Users (objectCategory person, objectClass user) below `base`, page by page. */
  users(base: string, options?: StreamOptions): AsyncIterable<UserRecord[]>;
  /** How many in-scope users are (transitively) in `groupDn`; null when the port cannot tell. */
  countUsersInGroup(base: string, groupDn: string): Promise<number | null>;
  /**
   * A user by objectSid with its password stamp and account state, for the end-to-end test's on-premises leg; null
   * when absent. Optional: a port that cannot tell leaves it out or returns the facts it lacks as null.
   */
  findUserBySid?(sid: string): Promise<OnPremisesUser | null>;
  /**
   * The domain's DCs with each one's own rootDSE supportedControl where it can be read (LDAP asks every DC it is not
   * connected to; lib/directory/dc-probe.ts). Optional: a snapshot already holds what its collector read. Only the
   * prerequisites check needs it, so `domains()` does not do it.
   */
  readDomainControllerControls?(dcs: readonly DomainControllerRecord[]): Promise<DomainControllerRecord[]>;
  close(): Promise<void>;
}
