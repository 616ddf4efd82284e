// The Directory port over LDAP (ldapts). TLS always verifies the server: LDAPS with the configured CA (or the system
// store), or ldap:// upgraded with StartTLS before anything else is sent; there is no code path that disables
// verification or falls back to plain LDAP. Credentials are passed in by the caller (server configuration or the CLI)
// and never logged. Every failure becomes a DirectoryError that says what to do.

import { isIP } from "node:net";
import { AndFilter, Client, EqualityFilter, type Entry } from "ldapts";
import { isSid, readSid, sidToBytes } from "@/lib/ad/sid";
import { dnsNameFromDn, escapeFilterValue, normalizeDn, parentDn } from "./dn";
import { USER_STATE_ATTRIBUTES, userState } from "./user-state";
import { dcProbeCache, probeDomainControllers, type RootDseProbe } from "./dc-probe";
import { classifyLdapError, DirectoryError } from "./errors";
import { attr, str, strs } from "./ldap-entry";
import { SD_FLAGS_READ, SdFlagsControl } from "./ldap-controls";
import { DirSyncControl, ShowDeletedControl } from "./dirsync-control";
import {
  type AccountRecord,
  type ChangeReader,
  type DirectoryObject,
  type DirectoryPort,
  type DirSyncChange,
  type DirSyncRead,
  type DomainControllerRecord,
  type DomainRecord,
  type OnPremisesUser,
  type PasswordSettingsRecord,
  type RootDseInfo,
  type StreamOptions,
  type UserRecord,
} from "./port";
import { DEFAULT_CLOUD_SYNC_GMSA } from "./checks/connector";

export interface LdapConnectionConfig {
  /** ldaps://host[:636] or ldap://host[:389] (then StartTLS is mandatory). */
  url: string;
  bindDn: string;
  /** The read-only service credential (or, for a write, the privileged one typed for that action). */
  password: string;
  /** PEM text of the CA certificates to trust; null uses Node's default store. Verification is always on. */
  caPem: string[] | null;
  /** Name the DC certificate carries, when it differs from the URL's host (Samba: CN=<HOST>.<realm>). */
  serverName?: string;
  /** Base DN of the domain; default: the rootDSE defaultNamingContext. */
  baseDn?: string;
  /** Budget for TCP connect, TLS handshake (LDAPS or StartTLS) and bind together. */
  connectTimeoutMs: number;
  /** Budget for each LDAP operation (one page of a paged search counts as one). */
  operationTimeoutMs: number;
  pageSize?: number;
  /**
   * Whether reading a domain also reads the rootDSE of each of its other DCs (default: yes), each over its own
   * verified connection to the DC's dNSHostName within `timeoutMs` (default: connectTimeoutMs, at most 4 s).
   * `resolve` maps a DC's name to the host to connect to, the certificate still checked against the name (tests).
   */
  probeDomainControllers?:
    false | { timeoutMs?: number; resolve?: (dnsHostName: string) => { host: string; port?: number } };
}

/** What DirSync is asked for: a change to any of these can change a user's connector-permissions verdict. */
const DIRSYNC_ATTRIBUTES = [
  "objectGUID",
  "isDeleted",
  "name",
  "nTSecurityDescriptor",
  "userAccountControl",
  "adminCount",
  "objectClass",
] as const;
export const USER_FILTER = "(&(objectCategory=person)(objectClass=user))";
const CONTAINER_FILTER =
  "(|(objectClass=organizationalUnit)(objectClass=container)(objectClass=builtinDomain)(objectClass=domainDNS))";
const DC_FILTER = "(&(objectCategory=computer)(userAccountControl:1.2.840.113556.1.4.803:=8192))";
// ms-fact: cloud-sync-default-gmsa
const CONNECTOR_FILTER =
  "(|(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=MSOL_*)(description=*Active Directory Connect*)(description=*Entra Connect*)))" +
  `(&(objectClass=msDS-GroupManagedServiceAccount)(sAMAccountName=${DEFAULT_CLOUD_SYNC_GMSA}*)))`;

const DEFAULT_PAGE_SIZE = 1000;

// ---------------------------------------------------------------------------------------------------------
// Attribute access (ldapts keys entries by the attribute type as the server spelled it).

function buf(entry: Entry, name: string): Buffer | null {
  const value = attr(entry, name);
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value) && Buffer.isBuffer(value[0])) return value[0];
  return null;
}

function bufs(entry: Entry, name: string): Buffer[] {
  const value = attr(entry, name);
  if (Buffer.isBuffer(value)) return [value];
  if (Array.isArray(value)) return value.filter((v): v is Buffer => Buffer.isBuffer(v));
  return [];
}

function int(entry: Entry, name: string): number | null {
  const s = str(entry, name);
  if (s === null || !/^-?\d+$/.test(s.trim())) return null;
  return Number(s);
}

function sidOf(bytes: Buffer | null): string | null {
  if (!bytes) return null;
  try {
    // A view, not a copy: readSid keeps its own copy of the bytes for the SIDs it remembers.
    return readSid(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength).sid;
  } catch {
    return null;
  }
}

function guidOf(entry: Entry, name = "objectGUID"): string | null {
  const b = buf(entry, name);
  return b && b.length === 16 ? b.toString("hex") : null;
}

function sdOf(entry: Entry): Uint8Array | null {
  const b = buf(entry, "nTSecurityDescriptor");
  return b && b.length > 0 ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
}

/** Rejects with a timeout DirectoryError when `work` outlives `ms`; `onTimeout` tears the connection down. */
async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => void,
  error: () => DirectoryError,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(error());
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DirectoryError(
      "configuration",
      `The LDAP URL "${url}" is not a URL.`,
      "Use ldaps://dc01.contoso.com (or ldap://… with StartTLS).",
    );
  }
  if (parsed.protocol !== "ldaps:" && parsed.protocol !== "ldap:") {
    throw new DirectoryError(
      "configuration",
      `The LDAP URL must start with ldaps:// or ldap://, not ${parsed.protocol}//.`,
      "Use ldaps://dc01.contoso.com:636.",
    );
  }
  if (parsed.pathname !== "" && parsed.pathname !== "/") {
    throw new DirectoryError(
      "configuration",
      "The LDAP URL must not carry a path or a base DN.",
      "Give the base DN separately (DIRECTORY_BASE_DN or --base-dn).",
    );
  }
  return parsed;
}

/**
 * Opens a verified TLS connection and binds. ldaps:// connects with TLS; ldap:// sends StartTLS first and binds only
 * over the upgraded connection. Throws DirectoryError (never a raw error); nothing is left open on failure.
 */
export async function connectLdap(config: LdapConnectionConfig): Promise<Client> {
  const url = parseUrl(config.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const servername = config.serverName ?? host;
  // RFC 6066 forbids an IP address as SNI; Node then checks the certificate's IP SANs against the host.
  const sni = isIP(servername) ? {} : { servername };
  const tlsOptions = {
    ...(config.caPem ? { ca: config.caPem } : {}),
    ...sni,
    minVersion: "TLSv1.2" as const,
    // Explicit, so a reader of this file sees it: certificate verification is never turned off.
    rejectUnauthorized: true,
  };
  const secure = url.protocol === "ldaps:";
  const client = new Client({
    url: `${url.protocol}//${url.host}`,
    connectTimeout: config.connectTimeoutMs,
    timeout: config.operationTimeoutMs,
    strictDN: false,
    ...(secure ? { tlsOptions } : {}),
  });
  const ctx = {
    url: config.url,
    serverName: servername,
    timeoutMs: config.connectTimeoutMs,
    bindDn: config.bindDn,
  };
  let during = secure ? "connecting over LDAPS" : "connecting and upgrading with StartTLS";
  const establish = async (): Promise<void> => {
    if (!secure) await client.startTLS(tlsOptions);
    during = "binding";
    await client.bind(config.bindDn, config.password);
  };
  try {
    await withDeadline(
      establish(),
      config.connectTimeoutMs,
      () => void client.unbind().catch(() => undefined),
      () =>
        new DirectoryError(
          "timeout",
          `The domain controller at ${url.host} did not complete the connection within ${config.connectTimeoutMs} ms (${during}).`,
          "Check that the host and port are right and reachable from this server (636 for LDAPS, 389 for StartTLS).",
        ),
    );
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw classifyLdapError(error, { ...ctx, during });
  }
}

/**
 * Reads another DC's rootDSE with the same account and CA, over the same scheme and port, the certificate checked
 * against the DC's own name. Throws DirectoryError.
 */
export function ldapRootDseProbe(config: LdapConnectionConfig): RootDseProbe {
  const options = config.probeDomainControllers || {};
  const timeoutMs = options.timeoutMs ?? Math.min(config.connectTimeoutMs, 4000);
  const url = parseUrl(config.url);
  return async (dnsHostName) => {
    const target = options.resolve?.(dnsHostName) ?? { host: dnsHostName };
    const port = target.port ?? url.port;
    const other = await LdapDirectory.open({
      ...config,
      url: `${url.protocol}//${isIP(target.host) === 6 ? `[${target.host}]` : target.host}${port ? `:${port}` : ""}`,
      serverName: dnsHostName,
      baseDn: undefined,
      connectTimeoutMs: timeoutMs,
      operationTimeoutMs: timeoutMs,
      probeDomainControllers: false,
    });
    try {
      return (await other.rootDse()).supportedControl;
    } finally {
      await other.close();
    }
  };
}

export class LdapDirectory implements DirectoryPort {
  readonly kind = "ldap" as const;
  private rootDseCache: RootDseInfo | null = null;
  private baseDnCache: string | null = null;

  private constructor(
    private readonly client: Client,
    private readonly config: LdapConnectionConfig,
  ) {}

  /** Connects, binds and reads the rootDSE; throws DirectoryError. */
  static async open(config: LdapConnectionConfig): Promise<LdapDirectory> {
    const client = await connectLdap(config);
    const directory = new LdapDirectory(client, config);
    try {
      await directory.rootDse();
      return directory;
    } catch (error) {
      await directory.close();
      throw error;
    }
  }

  describe(): string {
    let host = this.config.url;
    try {
      host = new URL(this.config.url).host;
    } catch {
      // keep the raw text
    }
    const how = this.config.url.startsWith("ldaps:") ? "LDAPS" : "LDAP with StartTLS";
    return `${how} to ${host} as ${this.config.bindDn}`;
  }

  private async op<T>(during: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw classifyLdapError(error, {
        url: this.config.url,
        serverName: this.config.serverName,
        timeoutMs: this.config.operationTimeoutMs,
        bindDn: this.config.bindDn,
        during,
      });
    }
  }

  /** Base search; null when the object does not exist (LDAP 32). */
  private async base(
    dn: string,
    attributes: string[],
    buffers: string[] = [],
    withSd = false,
  ): Promise<Entry | null> {
    try {
      const { searchEntries } = await this.client.search(
        dn,
        { scope: "base", filter: "(objectClass=*)", attributes, explicitBufferAttributes: buffers },
        withSd ? new SdFlagsControl(SD_FLAGS_READ) : undefined,
      );
      return searchEntries[0] ?? null;
    } catch (error) {
      if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === 32)
        return null;
      throw error;
    }
  }

  async rootDse(): Promise<RootDseInfo> {
    if (this.rootDseCache) return this.rootDseCache;
    const entry = await this.op("reading the rootDSE", () =>
      this.base("", [
        "defaultNamingContext",
        "configurationNamingContext",
        "dnsHostName",
        "supportedControl",
      ]),
    );
    if (!entry)
      throw new DirectoryError(
        "protocol",
        "The server returned no rootDSE.",
        "Check that the URL points at an Active Directory domain controller.",
      );
    this.rootDseCache = {
      defaultNamingContext: str(entry, "defaultNamingContext"),
      configurationNamingContext: str(entry, "configurationNamingContext"),
      dnsHostName: str(entry, "dnsHostName"),
      supportedControl: [...new Set(strs(entry, "supportedControl"))],
    };
    return this.rootDseCache;
  }

  private async baseDn(): Promise<string> {
    if (this.baseDnCache) return this.baseDnCache;
    const root = await this.rootDse();
    const base = this.config.baseDn ?? root.defaultNamingContext;
    if (!base)
      throw new DirectoryError(
        "configuration",
        "The server did not say which domain it serves (no defaultNamingContext).",
        "Set the base DN (DIRECTORY_BASE_DN or --base-dn).",
      );
    this.baseDnCache = base;
    return base;
  }

  async domains(): Promise<DomainRecord[]> {
    const dn = await this.baseDn();
    const root = await this.rootDse();
    const entry = await this.op("reading the domain object", () =>
      this.base(
        dn,
        ["nTSecurityDescriptor", "objectSid", "minPwdAge"],
        ["nTSecurityDescriptor", "objectSid"],
        true,
      ),
    );
    if (!entry)
      throw new DirectoryError("not-found", `The domain object ${dn} does not exist.`, "Check the base DN.");
    const sid = sidOf(buf(entry, "objectSid"));
    if (!sid)
      throw new DirectoryError(
        "protocol",
        `The object ${dn} has no objectSid, so it is not a domain.`,
        "Set the base DN to the domain root (DC=…).",
      );
    const sd = sdOf(entry);
    if (!sd) {
      throw new DirectoryError(
        "security-descriptor-access",
        `The account ${this.config.bindDn} cannot read the security descriptor of ${dn}.`,
        "Give the wizard's account Read permissions on the domain (the default for Authenticated Users), and make sure nothing denies it READ_CONTROL.",
      );
    }
    const dcs = await this.op("listing domain controllers", async () => {
      const { searchEntries } = await this.client.search(dn, {
        scope: "sub",
        filter: DC_FILTER,
        attributes: ["dNSHostName", "operatingSystem", "operatingSystemVersion"],
      });
      return searchEntries.map((e): DomainControllerRecord => {
        const dnsHostName = str(e, "dNSHostName");
        const connected =
          dnsHostName !== null &&
          root.dnsHostName !== null &&
          dnsHostName.toLowerCase() === root.dnsHostName.toLowerCase();
        return {
          dn: e.dn,
          dnsHostName,
          operatingSystem: str(e, "operatingSystem"),
          operatingSystemVersion: str(e, "operatingSystemVersion"),
          supportedControl: connected ? root.supportedControl : null,
        };
      });
    });
    return [
      {
        dn,
        dnsName: dnsNameFromDn(dn) ?? dn,
        netbiosName: await this.netbiosName(dn),
        sid,
        sd,
        minPwdAge: str(entry, "minPwdAge"),
        passwordSettingsObjects: await this.passwordSettings(dn),
        domainControllers: dcs,
        supportedControl: root.supportedControl,
        samServerSd: await this.samServerSd(dn),
        preWindows2000Members: await this.preWindows2000Members(dn),
      },
    ];
  }

  /** Each DC's own supportedControl (the connected one's from its rootDSE, the others asked; remembered a while). */
  async readDomainControllerControls(
    dcs: readonly DomainControllerRecord[],
  ): Promise<DomainControllerRecord[]> {
    if (this.config.probeDomainControllers === false) return dcs.map((dc) => ({ ...dc }));
    const url = parseUrl(this.config.url);
    const scope = `${url.protocol}//${url.host}|${this.config.bindDn}`;
    return probeDomainControllers(dcs, dcProbeCache.wrap(scope, ldapRootDseProbe(this.config)));
  }

  private async netbiosName(domainDn: string): Promise<string | null> {
    const config = (await this.rootDse()).configurationNamingContext;
    if (!config) return null;
    try {
      const { searchEntries } = await this.client.search(`CN=Partitions,${config}`, {
        scope: "one",
        filter: `(&(objectClass=crossRef)(nCName=${escapeFilterValue(domainDn)}))`,
        attributes: ["nETBIOSName"],
      });
      return searchEntries[0] ? str(searchEntries[0], "nETBIOSName") : null;
    } catch {
      return null;
    }
  }

  private async passwordSettings(domainDn: string): Promise<PasswordSettingsRecord[] | null> {
    try {
      const { searchEntries } = await this.client.search(
        `CN=Password Settings Container,CN=System,${domainDn}`,
        {
          scope: "one",
          // Not (objectClass=msDS-PasswordSettings): an account that may not read the policies' attributes does not
          // match that filter, and would not learn that policies exist at all.
          filter: "(objectClass=*)",
          attributes: ["msDS-MinimumPasswordAge", "msDS-PSOAppliesTo", "msDS-PasswordSettingsPrecedence"],
        },
      );
      return searchEntries.map((e) => ({
        dn: e.dn,
        minPwdAge: str(e, "msDS-MinimumPasswordAge"),
        appliesTo: strs(e, "msDS-PSOAppliesTo"),
        precedence: int(e, "msDS-PasswordSettingsPrecedence"),
      }));
    } catch (error) {
      if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === 32) return [];
      return null;
    }
  }

  private async samServerSd(domainDn: string): Promise<Uint8Array | null> {
    try {
      const entry = await this.base(
        `CN=Server,CN=System,${domainDn}`,
        ["nTSecurityDescriptor"],
        ["nTSecurityDescriptor"],
        true,
      );
      return entry ? sdOf(entry) : null;
    } catch {
      return null;
    }
  }

  private async preWindows2000Members(domainDn: string): Promise<string[] | null> {
    try {
      const entry = await this.base(`CN=Pre-Windows 2000 Compatible Access,CN=Builtin,${domainDn}`, [
        "member",
      ]);
      if (!entry) return null;
      const out: string[] = [];
      for (const member of strs(entry, "member")) {
        // Well-known principals appear as foreign security principals named by their SID.
        const fsp = /^CN=(S-1-[0-9-]+),CN=ForeignSecurityPrincipals,/i.exec(member);
        if (fsp?.[1]) {
          out.push(fsp[1]);
          continue;
        }
        const m = await this.base(member, ["objectSid"], ["objectSid"]);
        const sid = m ? sidOf(buf(m, "objectSid")) : null;
        if (sid) out.push(sid);
      }
      return out;
    } catch {
      return null;
    }
  }

  private async tokenGroupsOf(dn: string): Promise<string[]> {
    // tokenGroups is constructed: Windows and Samba return it only for a base search (MS-ADTS 3.1.1.4.5.19).
    const entry = await this.base(dn, ["tokenGroups"], ["tokenGroups"]);
    if (!entry) return [];
    return bufs(entry, "tokenGroups")
      .map((b) => sidOf(b))
      .filter((s): s is string => s !== null);
  }

  private async toAccount(entry: Entry, domainNetbios: string | null): Promise<AccountRecord | null> {
    const sid = sidOf(buf(entry, "objectSid"));
    if (!sid) return null;
    const sam = str(entry, "sAMAccountName");
    return {
      dn: entry.dn,
      sid,
      sAMAccountName: sam,
      name: sam && domainNetbios ? `${domainNetbios}\\${sam}` : sam,
      description: str(entry, "description"),
      objectClass: strs(entry, "objectClass"),
      tokenGroups: await this.op(`reading tokenGroups of ${entry.dn}`, () => this.tokenGroupsOf(entry.dn)),
    };
  }

  async connectorCandidates(domainDn: string): Promise<AccountRecord[]> {
    const netbios = await this.netbiosName(domainDn);
    const entries = await this.op("looking for the connector account", async () => {
      const { searchEntries } = await this.client.search(domainDn, {
        scope: "sub",
        filter: CONNECTOR_FILTER,
        attributes: ["sAMAccountName", "description", "objectSid", "objectClass"],
        explicitBufferAttributes: ["objectSid"],
        sizeLimit: 50,
      });
      return searchEntries;
    });
    const out: AccountRecord[] = [];
    for (const e of entries) {
      const account = await this.toAccount(e, netbios);
      if (account) out.push(account);
    }
    return out;
  }

  async findAccount(identity: string): Promise<AccountRecord | null> {
    const domainDn = await this.baseDn();
    const netbios = await this.netbiosName(domainDn);
    const attributes = ["sAMAccountName", "description", "objectSid", "objectClass"];
    const trimmed = identity.trim();
    if (trimmed.includes("=")) {
      const entry = await this.op(`reading ${trimmed}`, () => this.base(trimmed, attributes, ["objectSid"]));
      return entry ? this.toAccount(entry, netbios) : null;
    }
    let filter: string;
    if (trimmed.includes("@")) filter = `(userPrincipalName=${escapeFilterValue(trimmed)})`;
    else {
      const sam = trimmed.includes("\\") ? trimmed.slice(trimmed.lastIndexOf("\\") + 1) : trimmed;
      // A gMSA's sAMAccountName ends in "$"; people usually leave it out.
      filter = `(|(sAMAccountName=${escapeFilterValue(sam)})(sAMAccountName=${escapeFilterValue(sam.endsWith("$") ? sam : `${sam}$`)}))`;
    }
    const entries = await this.op(`looking up the account ${trimmed}`, async () => {
      const { searchEntries } = await this.client.search(domainDn, {
        scope: "sub",
        filter,
        attributes,
        explicitBufferAttributes: ["objectSid"],
        sizeLimit: 2,
      });
      return searchEntries;
    });
    const first = entries[0];
    return first ? this.toAccount(first, netbios) : null;
  }

  async findUserBySid(sid: string): Promise<OnPremisesUser | null> {
    if (!isSid(sid)) return null;
    const domainDn = await this.baseDn();
    // objectSid is binary: the filter carries the SID's bytes as an octet string, never as text (ldapts decodes a
    // text filter's \\xx escapes as UTF-8, which would mangle the bytes >= 0x80 of every domain SID).
    const filter = new AndFilter({
      filters: [
        new EqualityFilter({ attribute: "objectClass", value: "user" }),
        new EqualityFilter({ attribute: "objectSid", value: Buffer.from(sidToBytes(sid)) }),
      ],
    });
    const entries = await this.op(`looking up the user ${sid}`, async () => {
      const { searchEntries } = await this.client.search(domainDn, {
        scope: "sub",
        filter,
        attributes: [...USER_STATE_ATTRIBUTES],
        explicitBufferAttributes: ["objectSid", "replPropertyMetaData"],
        sizeLimit: 2,
      });
      return searchEntries;
    });
    const first = entries[0];
    if (!first) return null;
    const metadata = buf(first, "replPropertyMetaData");
    return userState({
      dn: first.dn,
      sAMAccountName: str(first, "sAMAccountName"),
      sid: sidOf(buf(first, "objectSid")),
      replPropertyMetaData: metadata ? new Uint8Array(metadata) : null,
      pwdLastSet: str(first, "pwdLastSet"),
      userAccountControl: int(first, "userAccountControl"),
      computedUserAccountControl: int(first, "msDS-User-Account-Control-Computed"),
      lockoutTime: str(first, "lockoutTime"),
      adminCount: int(first, "adminCount"),
    });
  }

  async readObject(dn: string): Promise<DirectoryObject | null> {
    const entry = await this.op(`reading ${dn}`, () =>
      this.base(
        dn,
        ["nTSecurityDescriptor", "objectClass", "objectGUID"],
        ["nTSecurityDescriptor", "objectGUID"],
        true,
      ),
    );
    if (!entry) return null;
    return { dn: entry.dn, guid: guidOf(entry), sd: sdOf(entry), objectClass: strs(entry, "objectClass") };
  }

  async *containers(base: string, options: StreamOptions = {}): AsyncIterable<DirectoryObject[]> {
    let scanned = 0;
    const pages = this.client.searchPaginated(
      base,
      {
        scope: "sub",
        filter: CONTAINER_FILTER,
        attributes: ["nTSecurityDescriptor", "objectClass", "objectGUID"],
        explicitBufferAttributes: ["nTSecurityDescriptor", "objectGUID"],
        paged: { pageSize: options.pageSize ?? this.config.pageSize ?? DEFAULT_PAGE_SIZE },
      },
      new SdFlagsControl(SD_FLAGS_READ),
    );
    for await (const page of this.pageStream(pages, `listing containers under ${base}`)) {
      const out = page.map((e) => ({
        dn: e.dn,
        guid: guidOf(e),
        sd: sdOf(e),
        objectClass: strs(e, "objectClass"),
      }));
      scanned += out.length;
      options.onProgress?.({ phase: "containers", scanned, total: null });
      yield out;
    }
  }

  users(base: string, options: StreamOptions & { total?: number | null } = {}): AsyncIterable<UserRecord[]> {
    return this.userPages(base, "sub", USER_FILTER, `reading users under ${base}`, options);
  }

  private async *userPages(
    base: string,
    scope: "sub" | "one" | "base",
    filter: string,
    during: string,
    options: StreamOptions & { total?: number | null } = {},
  ): AsyncIterable<UserRecord[]> {
    let scanned = 0;
    const pages = this.client.searchPaginated(
      base,
      {
        scope,
        filter,
        attributes: [
          "nTSecurityDescriptor",
          "objectClass",
          "objectSid",
          "userAccountControl",
          "adminCount",
          "objectGUID",
        ],
        explicitBufferAttributes: ["nTSecurityDescriptor", "objectSid", "objectGUID"],
        paged: { pageSize: options.pageSize ?? this.config.pageSize ?? DEFAULT_PAGE_SIZE },
      },
      new SdFlagsControl(SD_FLAGS_READ),
    );
    for await (const page of this.pageStream(pages, during)) {
      const out: UserRecord[] = [];
      for (const e of page) {
        const adminCount = int(e, "adminCount");
        out.push({
          dn: e.dn,
          guid: guidOf(e),
          sd: sdOf(e),
          objectClass: strs(e, "objectClass"),
          sid: sidOf(buf(e, "objectSid")),
          userAccountControl: int(e, "userAccountControl"),
          adminCount,
          tokenGroups: null,
        });
      }
      // Few accounts carry adminCount=1; their groups tell a protected member from an orphan (DOMAIN.md).
      for (const user of out) {
        if (user.adminCount === 1)
          user.tokenGroups = await this.op(`reading tokenGroups of ${user.dn}`, () =>
            this.tokenGroupsOf(user.dn),
          );
      }
      scanned += out.length;
      options.onProgress?.({ phase: "users", scanned, total: options.total ?? null });
      yield out;
    }
  }

  /**
   * Changes since a mark, for delta re-checks (lib/directory/delta.ts). uSNChanged polling needs no right beyond
   * reading the objects; DirSync, tried first, needs Replicating Directory Changes on the domain (dirSyncRead).
   */
  // ms-fact: usnchanged-polling
  readonly changes: ChangeReader = {
    mark: async () => {
      // Not the cached rootDSE: highestCommittedUSN moves with every change.
      const root = await this.op("reading the rootDSE", () =>
        this.base("", ["dsServiceName", "dnsHostName", "highestCommittedUSN"]),
      );
      const server = root ? str(root, "dsServiceName") : null;
      const usn = root ? str(root, "highestCommittedUSN") : null;
      if (!server || !usn || !/^\d+$/.test(usn))
        throw new DirectoryError(
          "protocol",
          "The domain controller did not say where it stands (no dsServiceName or highestCommittedUSN in its rootDSE).",
          "Check that the URL points at an Active Directory domain controller.",
        );
      // ms-fact: invocation-id-restore
      const ntds = await this.op(`reading ${server}`, () =>
        this.base(server, ["invocationId"], ["invocationId"]),
      );
      const invocationId = ntds ? guidOf(ntds, "invocationId") : null;
      if (!invocationId)
        throw new DirectoryError(
          "protocol",
          `The domain controller's invocationId could not be read from ${server}.`,
          "Give the wizard's account read access to the DC's NTDS Settings object (the default for Authenticated Users).",
        );
      return {
        server,
        dnsHostName: root ? str(root, "dnsHostName") : null,
        invocationId,
        highestCommittedUsn: usn,
      };
    },
    protectedUsers: (base) =>
      this.userPages(base, "sub", `(&${USER_FILTER}(adminCount=1))`, `reading protected users under ${base}`),
    userIds: (base) => this.userIdPages(base),
    user: async (dn) => {
      try {
        for await (const page of this.userPages(dn, "base", USER_FILTER, `reading ${dn}`))
          for (const u of page) return u;
      } catch (error) {
        // Gone (or moved) since it was named: the full scan would not list it there either.
        if (error instanceof DirectoryError && error.kind === "not-found") return null;
        throw error;
      }
      return null;
    },
    usersIn: (container) => this.userPages(container, "one", USER_FILTER, `reading users in ${container}`),
    dirSync: (domainDn, cookie, options) => this.dirSyncRead(domainDn, cookie, options.changes),
  };

  /**
   * DirSync over the whole domain, answer after answer until the DC has no more. The attributes asked for are the
   * ones a connector-permissions verdict reads (descriptor, account state, adminCount) plus name (a rename or a move)
   * and isDeleted (a deletion): DirSync returns an object when one of the attributes asked for changed.
   */
  // ms-fact: dirsync-control
  private async dirSyncRead(domainDn: string, cookie: string | null, changes: boolean): Promise<DirSyncRead> {
    let current: Buffer = cookie ? Buffer.from(cookie, "base64") : Buffer.alloc(0);
    const out: DirSyncChange[] = [];
    for (let round = 0; round < 10_000; round++) {
      const control = new DirSyncControl(current);
      let entries: Entry[];
      try {
        ({ searchEntries: entries } = await this.client.search(
          domainDn,
          {
            scope: "sub",
            // No object has an all-zero objectGUID: the answer is only the cookie for "now".
            filter: changes ? "(objectClass=*)" : `(objectGUID=${"\\00".repeat(16)})`,
            attributes: [...DIRSYNC_ATTRIBUTES],
            explicitBufferAttributes: ["objectGUID", "nTSecurityDescriptor"],
          },
          [control, new ShowDeletedControl()],
        ));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        // ms-fact: dirsync-rights
        if (code === 50)
          return {
            kind: "denied",
            reason: "the wizard's account does not hold Replicating Directory Changes on the domain",
          };
        // Any other refusal (a DC without DirSync, or a cookie it cannot use: Samba answers both with 12): the
        // re-check lists the users instead; DirSync only makes it cheaper.
        if (typeof code === "number")
          return {
            kind: "denied",
            reason: `the domain controller refused the DirSync search (LDAP result ${code})`,
          };
        throw classifyLdapError(error, {
          url: this.config.url,
          serverName: this.config.serverName,
          timeoutMs: this.config.operationTimeoutMs,
          bindDn: this.config.bindDn,
          during: `reading changes (DirSync) under ${domainDn}`,
        });
      }
      if (changes)
        for (const e of entries) {
          const guid = guidOf(e);
          if (guid) out.push({ guid, dn: e.dn, deleted: str(e, "isDeleted")?.toUpperCase() === "TRUE" });
        }
      if (!control.responseCookie)
        throw new DirectoryError(
          "protocol",
          "The domain controller answered a DirSync search without a DirSync cookie.",
          "Check that the URL points at an Active Directory domain controller.",
        );
      current = control.responseCookie;
      if (!control.moreResults) return { kind: "changes", cookie: current.toString("base64"), changes: out };
    }
    throw new DirectoryError(
      "protocol",
      "The domain controller kept saying it had more DirSync results.",
      "Try again; if it repeats, the wizard reads the whole scope instead.",
    );
  }

  private async *userIdPages(
    base: string,
  ): AsyncIterable<{ guid: string; dn: string; usn: string | null }[]> {
    const pages = this.client.searchPaginated(base, {
      scope: "sub",
      filter: USER_FILTER,
      attributes: ["objectGUID", "uSNChanged"],
      explicitBufferAttributes: ["objectGUID"],
      paged: { pageSize: this.config.pageSize ?? DEFAULT_PAGE_SIZE },
    });
    for await (const page of this.pageStream(pages, `listing users under ${base}`)) {
      const out: { guid: string; dn: string; usn: string | null }[] = [];
      for (const e of page) {
        const guid = guidOf(e);
        const usn = str(e, "uSNChanged");
        if (guid) out.push({ guid, dn: e.dn, usn: usn && /^\d+$/.test(usn) ? usn : null });
      }
      yield out;
    }
  }

  /** How many users are below `base` (DNs only, paged); used for progress totals. */
  async countUsers(base: string): Promise<number> {
    let count = 0;
    const pages = this.client.searchPaginated(base, {
      scope: "sub",
      filter: USER_FILTER,
      attributes: ["1.1"],
      paged: { pageSize: DEFAULT_PAGE_SIZE },
    });
    for await (const page of this.pageStream(pages, `counting users under ${base}`)) count += page.length;
    return count;
  }

  async countUsersInGroup(base: string, groupDn: string): Promise<number | null> {
    // LDAP_MATCHING_RULE_IN_CHAIN (MS-ADTS 3.1.1.3.4.4.3): transitive membership.
    try {
      let count = 0;
      const filter = `(&${USER_FILTER}(memberOf:1.2.840.113556.1.4.1941:=${escapeFilterValue(groupDn)}))`;
      const pages = this.client.searchPaginated(base, {
        scope: "sub",
        filter,
        attributes: ["1.1"],
        paged: { pageSize: DEFAULT_PAGE_SIZE },
      });
      for await (const page of pages) count += page.searchEntries.length;
      return count;
    } catch {
      return null;
    }
  }

  /**
   * Pages of a paged search, with the next page requested as soon as the current one arrives: the DC works on it
   * while this side decodes and checks the current page (one page in flight, so memory stays one page ahead).
   */
  private async *pageStream(
    pages: AsyncGenerator<{ searchEntries: Entry[] }>,
    during: string,
  ): AsyncIterable<Entry[]> {
    const classify = (error: unknown): DirectoryError =>
      classifyLdapError(error, {
        url: this.config.url,
        serverName: this.config.serverName,
        timeoutMs: this.config.operationTimeoutMs,
        bindDn: this.config.bindDn,
        during,
      });
    let pending = pages.next();
    try {
      for (;;) {
        let next: IteratorResult<{ searchEntries: Entry[] }>;
        try {
          next = await pending;
        } catch (error) {
          throw classify(error);
        }
        if (next.done) return;
        pending = pages.next();
        // A consumer that stops early must not leave an unhandled rejection behind.
        pending.catch(() => undefined);
        yield next.value.searchEntries;
      }
    } finally {
      await pages.return(undefined).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

/** Parent DN key for grouping users under containers (exported for the checks' tests). */
export function parentKey(dn: string): string {
  const parent = parentDn(dn);
  return parent ? normalizeDn(parent) : "";
}
