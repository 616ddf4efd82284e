// Several domains of one forest behind one Directory port. One LDAP connection reads one domain (a DC holds its
// own domain's naming context, not its neighbours'), but Entra Connect writes passwords back into every domain it
// syncs, so a forest is checked domain by domain: the configuration partition, which every DC holds, lists the
// forest's domains (crossRef objects) and each domain's DCs (nTDSDSA objects under CN=Sites); the wizard opens one
// more connection per extra domain, to one of that domain's own DCs by the name its certificate carries, with the
// same account and CA. The checks then see a port with several domains, as they see a multi-domain snapshot.

import { type Entry } from "ldapts";
import { type DomainSelection } from "./domain-selection";
import { domainHolding, isWithin, normalizeDn, sameDn } from "./dn";
import { classifyLdapError, DirectoryError } from "./errors";
import { connectLdap, type LdapConnectionConfig, LdapDirectory } from "./ldap-adapter";
import { str, strs } from "./ldap-entry";
import {
  type AccountRecord,
  type DirectoryObject,
  type DirectoryPort,
  type DomainControllerRecord,
  type DomainRecord,
  type OnPremisesUser,
  type RootDseInfo,
  type StreamOptions,
  type UserRecord,
} from "./port";

export interface ForestDomain {
  dn: string;
  dnsName: string;
  netbiosName: string | null;
  /** dNSHostName of each DC holding this domain (writable copies), as the configuration partition lists them. */
  domainControllers: string[];
}

const CROSSREF_DOMAIN_FILTER = "(&(objectClass=crossRef)(systemFlags:1.2.840.113556.1.4.803:=2))";

/** The forest's domains and their DCs, read from the configuration partition over `config`'s connection. */
export async function discoverForest(config: LdapConnectionConfig): Promise<ForestDomain[]> {
  const client = await connectLdap(config);
  const during = { value: "reading the forest's configuration partition" };
  try {
    const root = (await client.search("", { scope: "base", attributes: ["configurationNamingContext"] }))
      .searchEntries[0];
    const configNc = root ? str(root, "configurationNamingContext") : null;
    if (!configNc)
      throw new DirectoryError(
        "protocol",
        "The domain controller did not name its configuration partition, so the forest's domains cannot be listed.",
        "Point the connection at an Active Directory domain controller.",
      );
    during.value = "listing the forest's domains (crossRef objects)";
    const partitions = await client.search(`CN=Partitions,${configNc}`, {
      scope: "one",
      filter: CROSSREF_DOMAIN_FILTER,
      attributes: ["nCName", "dnsRoot", "nETBIOSName"],
    });
    during.value = "listing the forest's domain controllers (CN=Sites)";
    const sites = await client.search(`CN=Sites,${configNc}`, {
      scope: "sub",
      filter: "(|(objectClass=nTDSDSA)(objectClass=server))",
      attributes: ["objectClass", "dNSHostName", "msDS-hasDomainNCs", "hasMasterNCs"],
      paged: { pageSize: 1000 },
    });
    return forestFromEntries(partitions.searchEntries, sites.searchEntries);
  } catch (error) {
    throw classifyLdapError(error, {
      url: config.url,
      serverName: config.serverName,
      timeoutMs: config.operationTimeoutMs,
      bindDn: config.bindDn,
      during: during.value,
    });
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Pure: crossRef entries and CN=Sites entries (server and nTDSDSA objects) to the forest's domains. */
export function forestFromEntries(crossRefs: readonly Entry[], sites: readonly Entry[]): ForestDomain[] {
  const hostOfServer = new Map<string, string>();
  for (const e of sites) {
    const classes = strs(e, "objectClass").map((c) => c.toLowerCase());
    const host = str(e, "dNSHostName");
    if (classes.includes("server") && host) hostOfServer.set(normalizeDn(e.dn), host);
  }
  const hostsOf = new Map<string, string[]>();
  for (const e of sites) {
    if (!strs(e, "objectClass").some((c) => c.toLowerCase() === "ntdsdsa")) continue;
    // CN=NTDS Settings,CN=<server>,CN=Servers,…: the server object is the parent.
    const parent = normalizeDn(e.dn).split(",").slice(1).join(",");
    const host = hostOfServer.get(parent);
    if (!host) continue;
    // msDS-hasDomainNCs names the domain a DC holds; older schemas only have hasMasterNCs (with schema/config).
    const held = strs(e, "msDS-hasDomainNCs");
    for (const nc of held.length > 0 ? held : strs(e, "hasMasterNCs")) {
      const key = normalizeDn(nc);
      hostsOf.set(key, [...(hostsOf.get(key) ?? []), host]);
    }
  }
  const domains: ForestDomain[] = [];
  for (const e of crossRefs) {
    const dn = str(e, "nCName");
    const dnsName = str(e, "dnsRoot");
    if (!dn || !dnsName) continue;
    domains.push({
      dn,
      dnsName,
      netbiosName: str(e, "nETBIOSName"),
      domainControllers: [...new Set(hostsOf.get(normalizeDn(dn)) ?? [])].sort(),
    });
  }
  return domains.sort((a, b) => a.dn.length - b.dn.length || a.dn.localeCompare(b.dn));
}

/** Which forest domains to read besides the connected one, for a selection and a scope; throws on unknown names. */
export function domainsToRead(
  forest: readonly ForestDomain[],
  connectedDn: string,
  selection: DomainSelection,
  scope: readonly string[],
): ForestDomain[] {
  const known = forest.map((d) => d.dnsName).join(", ") || "none";
  const wanted = new Map<string, ForestDomain>();
  const add = (d: ForestDomain) => {
    if (!sameDn(d.dn, connectedDn)) wanted.set(normalizeDn(d.dn), d);
  };
  if (selection.kind === "all") forest.forEach(add);
  if (selection.kind === "named")
    for (const name of selection.dnsNames) {
      const d = forest.find((x) => x.dnsName.toLowerCase() === name);
      if (!d)
        throw new DirectoryError(
          "configuration",
          `The domain ${name} is not in this forest (its domains: ${known}).`,
          "Correct the domain list (DIRECTORY_DOMAINS or --domains).",
        );
      add(d);
    }
  for (const base of scope) {
    const d = domainHolding(base, forest);
    if (!d)
      throw new DirectoryError(
        "configuration",
        `The OU ${base} is in none of this forest's domains (${known}).`,
        "Correct the scope: every OU must be in a domain of the forest the wizard connects to.",
      );
    add(d);
  }
  return [...wanted.values()];
}

/** Opens a connection to one of `domain`'s DCs (in order), by its name, with the same account, CA, scheme and port. */
export async function openForestDomain(
  config: LdapConnectionConfig,
  domain: ForestDomain,
): Promise<LdapDirectory> {
  const url = new URL(config.url);
  if (domain.domainControllers.length === 0)
    throw new DirectoryError(
      "not-found",
      `The configuration partition lists no domain controller for ${domain.dnsName}.`,
      "Check the domain's DCs (nTDSDSA objects under CN=Sites), or leave this domain out of DIRECTORY_DOMAINS.",
    );
  const failures: string[] = [];
  let last: DirectoryError | null = null;
  for (const host of domain.domainControllers) {
    try {
      return await LdapDirectory.open({
        ...config,
        url: `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`,
        serverName: host,
        baseDn: domain.dn,
      });
    } catch (error) {
      last = classifyLdapError(error, {
        url: config.url,
        timeoutMs: config.connectTimeoutMs,
        during: "connecting",
      });
      failures.push(`${host}: ${last.message}`);
    }
  }
  throw new DirectoryError(
    last?.kind ?? "unreachable",
    `None of the domain controllers of ${domain.dnsName} could be read (${failures.join(" ")})`,
    last?.remedy ?? "Let this server reach one of them over LDAPS.",
  );
}

/**
 * The Directory port for a configured connection: the connected domain alone (the default, and no extra reads),
 * or a forest of several when `selection` or the scope asks for other domains.
 */
export async function openDirectory(
  config: LdapConnectionConfig,
  selection: DomainSelection = { kind: "connected" },
  scope: readonly string[] = [],
): Promise<DirectoryPort> {
  const primary = await LdapDirectory.open(config);
  try {
    const connectedDn = config.baseDn ?? (await primary.rootDse()).defaultNamingContext ?? "";
    if (selection.kind === "connected" && scope.every((base) => isWithin(base, connectedDn))) return primary;
    const forest = await discoverForest(config);
    const others = domainsToRead(forest, connectedDn, selection, scope);
    if (others.length === 0) return primary;
    const members: ForestMember[] = [{ domainDn: connectedDn, port: primary }];
    try {
      for (const domain of others)
        members.push({ domainDn: domain.dn, port: await openForestDomain(config, domain) });
    } catch (error) {
      for (const m of members.slice(1)) await m.port.close();
      throw error;
    }
    return new ForestDirectory(members);
  } catch (error) {
    await primary.close();
    throw error;
  }
}

export interface ForestMember {
  /** The domain this member answers for. */
  domainDn: string;
  port: DirectoryPort;
}

/** Several domains' ports as one: each question goes to the member holding the object asked about. */
export class ForestDirectory implements DirectoryPort {
  readonly kind: "ldap" | "snapshot";
  private domainsCache: Promise<DomainRecord[]> | null = null;

  constructor(private readonly members: readonly ForestMember[]) {
    if (members.length === 0) throw new Error("a forest needs at least one domain");
    this.kind = members.every((m) => m.port.kind === "ldap") ? "ldap" : "snapshot";
  }

  private get primary(): DirectoryPort {
    return this.members[0]!.port;
  }

  private memberFor(dn: string): DirectoryPort {
    return (
      domainHolding(
        dn,
        this.members.map((m) => ({ dn: m.domainDn, port: m.port })),
      )?.port ?? this.primary
    );
  }

  describe(): string {
    const others = this.members.slice(1).map((m) => m.port.describe());
    return others.length === 0 ? this.primary.describe() : `${this.primary.describe()}; ${others.join("; ")}`;
  }

  rootDse(): Promise<RootDseInfo> {
    return this.primary.rootDse();
  }

  domains(): Promise<DomainRecord[]> {
    this.domainsCache ??= Promise.all(
      this.members.map(async (m) => (await m.port.domains()).filter((d) => sameDn(d.dn, m.domainDn))),
    ).then((lists) => lists.flat());
    return this.domainsCache;
  }

  connectorCandidates(domainDn: string): Promise<AccountRecord[]> {
    return this.memberFor(domainDn).connectorCandidates(domainDn);
  }

  async findAccount(identity: string): Promise<AccountRecord | null> {
    const trimmed = identity.trim();
    if (trimmed.includes("=")) return this.memberFor(trimmed).findAccount(trimmed);
    if (trimmed.includes("\\")) {
      const netbios = trimmed.slice(0, trimmed.indexOf("\\")).toLowerCase();
      const domain = (await this.domains()).find((d) => d.netbiosName?.toLowerCase() === netbios);
      if (domain) return this.memberFor(domain.dn).findAccount(trimmed);
    }
    // A bare name or a UPN: the connected domain first, then the others.
    for (const m of this.members) {
      const found = await m.port.findAccount(trimmed);
      if (found) return found;
    }
    return null;
  }

  readObject(dn: string): Promise<DirectoryObject | null> {
    return this.memberFor(dn).readObject(dn);
  }

  containers(base: string, options?: StreamOptions): AsyncIterable<DirectoryObject[]> {
    return this.memberFor(base).containers(base, options);
  }

  users(base: string, options?: StreamOptions): AsyncIterable<UserRecord[]> {
    return this.memberFor(base).users(base, options);
  }

  countUsersInGroup(base: string, groupDn: string): Promise<number | null> {
    return this.memberFor(base).countUsersInGroup(base, groupDn);
  }

  async findUserBySid(sid: string): Promise<OnPremisesUser | null> {
    const domain = (await this.domains()).find((d) =>
      sid.toUpperCase().startsWith(`${d.sid.toUpperCase()}-`),
    );
    if (!domain) return null;
    return (await this.memberFor(domain.dn).findUserBySid?.(sid)) ?? null;
  }

  async readDomainControllerControls(
    dcs: readonly DomainControllerRecord[],
  ): Promise<DomainControllerRecord[]> {
    // The DCs of one domain: the member holding them asks them (DC computer objects live in their own domain).
    const member = dcs[0] ? this.memberFor(dcs[0].dn) : this.primary;
    return member.readDomainControllerControls ? member.readDomainControllerControls(dcs) : [...dcs];
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.port.close()));
  }
}
