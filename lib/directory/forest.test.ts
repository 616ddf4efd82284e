import { type Entry } from "ldapts";
import { describe, expect, it } from "vitest";
import { scanVerdict } from "@/lib/verify/verdicts/directory";
import { domainHolding } from "./dn";
import { DirectoryError } from "./errors";
import { domainsToRead, type ForestDomain, ForestDirectory, forestFromEntries } from "./forest";
import { parseDomainSelection } from "./domain-selection";
import { changesForConnectedDomain, planGrant } from "./changes";
import { grantRemediation } from "@/lib/verify/verdicts/directory-remediation";
import { DirectoryScanner } from "./scan";
import { parseSnapshot, type Snapshot, SnapshotDirectory } from "./snapshot";
import { delegation, FIXTURE_CONNECTOR_SID, FIXTURE_DOMAIN_SID, fixtureSnapshot } from "./testing/fixture";

const PARENT = "DC=contoso,DC=com";
const CHILD = "DC=emea,DC=contoso,DC=com";
const CHILD_SID = "S-1-5-21-4000-5000-6000";

/** The fixture domain moved one level down (emea.contoso.com), with its own SIDs: a child domain of the fixture. */
function childSnapshot(): Snapshot {
  const text = JSON.stringify(fixtureSnapshot())
    .replaceAll(PARENT, CHILD)
    .replaceAll("contoso.com", "emea.contoso.com")
    .replaceAll('"CONTOSO', '"EMEA')
    .replaceAll(FIXTURE_DOMAIN_SID, CHILD_SID);
  const child = parseSnapshot(JSON.parse(text));
  // Ada is delegated to the child's Domain Users (the alias DU): the parent's connector is not among them.
  const ada = child.domains[0]!.users.find((u) => u.dn.startsWith("CN=Ada Adler,"))!;
  ada.sd = ada.sd!.replace(/D:(P?AI)/, `D:$1${delegation("DU", "")}`);
  return child;
}

function both(): Snapshot {
  const parent = fixtureSnapshot();
  return parseSnapshot({ ...parent, domains: [...parent.domains, ...childSnapshot().domains] });
}

describe("which domains to read", () => {
  it("reads the domain list: empty, all, or DNS names; refuses anything else, naming it", () => {
    expect(parseDomainSelection(undefined)).toEqual({ kind: "connected" });
    expect(parseDomainSelection("  ")).toEqual({ kind: "connected" });
    expect(parseDomainSelection("ALL")).toEqual({ kind: "all" });
    expect(parseDomainSelection("contoso.com, EMEA.contoso.com emea.contoso.com")).toEqual({
      kind: "named",
      dnsNames: ["contoso.com", "emea.contoso.com"],
    });
    for (const bad of ["contoso", "DC=contoso", "*.contoso.com", "contoso.com;rm"]) {
      let error: unknown;
      try {
        parseDomainSelection(`contoso.com, ${bad}`);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DirectoryError);
      expect((error as DirectoryError).kind).toBe("configuration");
      expect((error as DirectoryError).message).toContain(`"${bad}"`);
    }
  });

  it("lists the forest's domains and their DCs from the configuration partition (Samba's attribute spelling too)", () => {
    const config = "CN=Configuration,DC=contoso,DC=com";
    const site = `CN=Servers,CN=Default-First-Site-Name,CN=Sites,${config}`;
    const crossRefs: Entry[] = [
      {
        dn: `CN=EMEA,CN=Partitions,${config}`,
        nCName: CHILD,
        dnsRoot: "emea.contoso.com",
        nETBIOSName: "EMEA",
      },
      {
        dn: `CN=CONTOSO,CN=Partitions,${config}`,
        nCName: PARENT,
        dnsRoot: "contoso.com",
        nETBIOSName: "CONTOSO",
      },
    ];
    const sites: Entry[] = [
      { dn: `CN=DC01,${site}`, objectClass: ["top", "server"], dNSHostName: "dc01.contoso.com" },
      {
        dn: `CN=NTDS Settings,CN=DC01,${site}`,
        objectClass: ["top", "nTDSDSA"],
        "msDS-HasDomainNCs": PARENT,
      },
      { dn: `CN=EDC1,${site}`, objectClass: ["top", "server"], dNSHostName: "edc1.emea.contoso.com" },
      // An older schema: only hasMasterNCs (schema and configuration listed too).
      {
        dn: `CN=NTDS Settings,CN=EDC1,${site}`,
        objectClass: ["top", "applicationSettings", "nTDSDSA"],
        hasMasterNCs: [`CN=Schema,${config}`, config, CHILD],
      },
      // A server object without NTDS settings (not a DC) and an NTDS object without its server: ignored.
      { dn: `CN=RODC9,${site}`, objectClass: ["top", "server"], dNSHostName: "member.contoso.com" },
      { dn: `CN=NTDS Settings,CN=GONE,${site}`, objectClass: ["nTDSDSA"], "msDS-hasDomainNCs": PARENT },
    ];
    expect(forestFromEntries(crossRefs, sites)).toEqual([
      { dn: PARENT, dnsName: "contoso.com", netbiosName: "CONTOSO", domainControllers: ["dc01.contoso.com"] },
      {
        dn: CHILD,
        dnsName: "emea.contoso.com",
        netbiosName: "EMEA",
        domainControllers: ["edc1.emea.contoso.com"],
      },
    ]);
  });

  it("places an object in the most specific domain holding it", () => {
    const domains = [{ dn: PARENT }, { dn: CHILD }];
    expect(domainHolding(`OU=Paris,${CHILD}`, domains)?.dn).toBe(CHILD);
    expect(domainHolding(`OU=Staff,${PARENT}`, domains)?.dn).toBe(PARENT);
    expect(domainHolding("DC=fabrikam,DC=com", domains)).toBeUndefined();
  });

  it("adds the domains named by the selection and by the scope, never the connected one twice", () => {
    const forest: ForestDomain[] = [
      { dn: PARENT, dnsName: "contoso.com", netbiosName: "CONTOSO", domainControllers: ["dc01.contoso.com"] },
      {
        dn: CHILD,
        dnsName: "emea.contoso.com",
        netbiosName: "EMEA",
        domainControllers: ["edc1.emea.contoso.com"],
      },
    ];
    const dns = (ds: ForestDomain[]) => ds.map((d) => d.dnsName);
    expect(dns(domainsToRead(forest, PARENT, { kind: "connected" }, [`OU=Staff,${PARENT}`]))).toEqual([]);
    expect(dns(domainsToRead(forest, PARENT, { kind: "connected" }, [`OU=Paris,${CHILD}`]))).toEqual([
      "emea.contoso.com",
    ]);
    expect(dns(domainsToRead(forest, PARENT, { kind: "all" }, []))).toEqual(["emea.contoso.com"]);
    expect(
      dns(domainsToRead(forest, CHILD, { kind: "named", dnsNames: ["contoso.com", "emea.contoso.com"] }, [])),
    ).toEqual(["contoso.com"]);
    expect(() => domainsToRead(forest, PARENT, { kind: "named", dnsNames: ["fabrikam.com"] }, [])).toThrow(
      /fabrikam\.com is not in this forest \(its domains: contoso\.com, emea\.contoso\.com\)/,
    );
    expect(() => domainsToRead(forest, PARENT, { kind: "connected" }, ["OU=x,DC=fabrikam,DC=com"])).toThrow(
      /OU=x,DC=fabrikam,DC=com is in none of this forest's domains/,
    );
  });
});

describe("a parent and a child domain", () => {
  it("a snapshot with both streams each domain's users once, under its own root", async () => {
    const port = new SnapshotDirectory(both());
    const count = async (base: string) => {
      let n = 0;
      for await (const page of port.users(base)) n += page.length;
      return n;
    };
    const perDomain = fixtureSnapshot().domains[0]!.users.length;
    expect(await count(PARENT)).toBe(perDomain);
    expect(await count(CHILD)).toBe(perDomain);
  });

  it("the forest port routes each question to the domain holding the object, and the scan covers both", async () => {
    const forest = new ForestDirectory([
      { domainDn: PARENT, port: new SnapshotDirectory(fixtureSnapshot()) },
      { domainDn: CHILD, port: new SnapshotDirectory(childSnapshot()) },
    ]);
    expect((await forest.domains()).map((d) => d.dnsName)).toEqual(["contoso.com", "emea.contoso.com"]);
    expect((await forest.findAccount(`CN=MSOL_ab12cd34ef56,CN=Users,${CHILD}`))?.sid).toBe(
      `${CHILD_SID}-1106`,
    );
    expect((await forest.findAccount("EMEA\\MSOL_ab12cd34ef56"))?.sid).toBe(`${CHILD_SID}-1106`);
    expect((await forest.findAccount("CONTOSO\\MSOL_ab12cd34ef56"))?.sid).toBe(FIXTURE_CONNECTOR_SID);
    expect((await forest.readObject(`OU=Legacy,${CHILD}`))?.dn).toBe(`OU=Legacy,${CHILD}`);

    // The parent's connector has no delegation in the child domain: every child user lacks it; the parent's
    // findings are exactly those of the parent alone.
    const connector = `CN=MSOL_ab12cd34ef56,CN=Users,${PARENT}`;
    const settings = { connector, confirmedConnectorDn: null, scope: [] };
    const alone = await new DirectoryScanner(new SnapshotDirectory(fixtureSnapshot()), settings).run(
      "connector-permissions",
    );
    const scan = await new DirectoryScanner(forest, settings).run("connector-permissions");
    const perDomain = fixtureSnapshot().domains[0]!.users.length;
    expect(scan.facts.users?.total).toBe(2 * perDomain);
    const inChild = scan.findings.filter((f) => f.dn.endsWith(CHILD));
    const inParent = scan.findings.filter((f) => !f.dn.endsWith(CHILD));
    expect(inParent.map((f) => `${f.code}:${f.dn}`).sort()).toEqual(
      alone.findings.map((f) => `${f.code}:${f.dn}`).sort(),
    );
    expect(inChild.some((f) => f.code === "missing-delegation")).toBe(true);
    // DU in a child user's descriptor is the child's Domain Users (read with the child's domain SID), so Ada still
    // lacks the rights; read with the parent's SID it would look granted to the parent's connector.
    expect(inChild.map((f) => f.dn)).toContain(`CN=Ada Adler,OU=Staff,${CHILD}`);
    expect(scanVerdict(scan)).toBe("failed");
    // Both domain roots lack the delegation: Microsoft's cmdlet without -ADobjectDN covers every domain root of
    // the forest, so the script says it once.
    const grant = grantRemediation(scan.facts, scan.findings).find((r) => r.language === "powershell");
    const cmdlets = (grant?.script ?? "")
      .split("\n")
      .filter((l) => l.startsWith("Set-ADSyncPasswordWriteback"));
    expect(cmdlets.filter((l) => !l.includes("-ADobjectDN"))).toHaveLength(1);
    expect(cmdlets.every((l) => l.includes("-ADConnectorAccountDomain 'contoso.com'"))).toBe(true);
  });

  it("counts a fine-grained policy's users in its own domain only, not in a child domain below it", async () => {
    const asked: string[] = [];
    /** A snapshot port that can count group members (a snapshot cannot; LDAP can): 3 per base, recorded. */
    class Counting extends SnapshotDirectory {
      override async countUsersInGroup(base: string, group: string): Promise<number | null> {
        asked.push(`${base} <- ${group}`);
        return 3;
      }
    }
    const forest = new ForestDirectory([
      { domainDn: PARENT, port: new Counting(fixtureSnapshot()) },
      { domainDn: CHILD, port: new Counting(childSnapshot()) },
    ]);
    const settings = {
      connector: `CN=MSOL_ab12cd34ef56,CN=Users,${PARENT}`,
      confirmedConnectorDn: null,
      scope: [],
    };
    await new DirectoryScanner(forest, settings).run("password-policy");
    expect(asked.sort()).toEqual([
      `${PARENT} <- CN=Sales,OU=Groups,${PARENT}`,
      `${CHILD} <- CN=Sales,OU=Groups,${CHILD}`,
    ]);
  });

  it("finds a user by SID in the domain whose SID prefixes it, and nowhere else", async () => {
    const forest = new ForestDirectory([
      { domainDn: PARENT, port: new SnapshotDirectory(fixtureSnapshot()) },
      { domainDn: CHILD, port: new SnapshotDirectory(childSnapshot()) },
    ]);
    const childUser = childSnapshot().domains[0]!.users.find((u) => u.sid)!;
    const found = await forest.findUserBySid(childUser.sid!);
    expect(found?.dn).toBe(childUser.dn);
    expect(await forest.findUserBySid("S-1-5-21-9-9-9-1001")).toBeNull();
  });
});

describe("fixes in a forest", () => {
  it("plans only the connected domain's changes and counts the others by domain", async () => {
    const forest = new ForestDirectory([
      { domainDn: PARENT, port: new SnapshotDirectory(fixtureSnapshot()) },
      { domainDn: CHILD, port: new SnapshotDirectory(childSnapshot()) },
    ]);
    const settings = {
      connector: `CN=MSOL_ab12cd34ef56,CN=Users,${PARENT}`,
      confirmedConnectorDn: null,
      scope: [],
    };
    const scan = await new DirectoryScanner(forest, settings).run("connector-permissions");
    const planned = planGrant(scan.findings);
    const { here, elsewhere } = changesForConnectedDomain(planned, scan.facts.domains, scan.facts.domains[0]);
    expect(here.length).toBeGreaterThan(0);
    expect(here.every((c) => c.dn.endsWith(PARENT) && !c.dn.endsWith(CHILD))).toBe(true);
    const inChild = planned.filter((c) => c.dn.endsWith(CHILD)).length;
    expect(inChild).toBeGreaterThan(0);
    expect([...elsewhere]).toEqual([["emea.contoso.com", inChild]]);
    expect(here.length + inChild).toBe(planned.length);
    // Connected to the child instead: the parent's changes are the ones left out.
    const child = scan.facts.domains.find((d) => d.dn === CHILD);
    expect([...changesForConnectedDomain(planned, scan.facts.domains, child).elsewhere.keys()]).toEqual([
      "contoso.com",
    ]);
  });
});
