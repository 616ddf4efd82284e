// The forest, against the Samba lab: its one domain and DC read from the configuration partition, the default
// staying a plain single-domain connection, and a forest port joining the lab's domain (over LDAPS) with a second
// domain (the contoso.com fixture, as a snapshot): one scan covers both and the lab's verdicts are unchanged.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labWizardConnection } from "@/lab/settings";
import { integrationLab, requireSettings } from "@/lab/test-support";
import { DirectoryError } from "./errors";
import { discoverForest, ForestDirectory, openDirectory, openForestDomain } from "./forest";
import { type LdapConnectionConfig, LdapDirectory } from "./ldap-adapter";
import { DirectoryScanner } from "./scan";
import { SnapshotDirectory } from "./snapshot";
import { fixtureSnapshot } from "./testing/fixture";

const lab = integrationLab();

describe.skipIf(lab.skip)("a forest of domains, against the lab", () => {
  let config: LdapConnectionConfig;
  const opened: { close(): Promise<void> }[] = [];

  beforeAll(() => {
    config = labWizardConnection(requireSettings(lab));
  });

  afterAll(async () => {
    for (const port of opened) await port.close();
  });

  it("lists the forest's domains and each one's DCs from the configuration partition", async () => {
    const s = requireSettings(lab);
    const forest = await discoverForest(config);
    expect(forest).toHaveLength(1);
    expect(forest[0]).toMatchObject({ dn: s.baseDn, dnsName: s.dnsDomain });
    expect(forest[0]!.netbiosName).toBeTruthy();
    expect(forest[0]!.domainControllers.map((h) => h.toLowerCase())).toEqual([s.serverName.toLowerCase()]);
  });

  it("stays a single connection unless more domains are asked for, and refuses domains the forest lacks", async () => {
    const s = requireSettings(lab);
    const plain = await openDirectory(config);
    opened.push(plain);
    expect(plain).toBeInstanceOf(LdapDirectory);
    const all = await openDirectory(config, { kind: "all" });
    opened.push(all);
    expect(all).toBeInstanceOf(LdapDirectory); // the lab's forest has one domain
    await expect(openDirectory(config, { kind: "named", dnsNames: ["fabrikam.test"] })).rejects.toThrow(
      new RegExp(
        `fabrikam\\.test is not in this forest \\(its domains: ${s.dnsDomain.replace(".", "\\.")}\\)`,
      ),
    );
    await expect(
      openDirectory(config, { kind: "connected" }, ["OU=Paris,DC=fabrikam,DC=test"]),
    ).rejects.toThrow(/OU=Paris,DC=fabrikam,DC=test is in none of this forest's domains/);
  });

  it("names the domain and every DC it tried when none of a domain's DCs can be read", async () => {
    const error = await openForestDomain(config, {
      dn: "DC=emea,DC=contoso,DC=test",
      dnsName: "emea.contoso.test",
      netbiosName: "EMEA",
      domainControllers: ["edc1.emea.invalid", "edc2.emea.invalid"],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).message).toMatch(
      /None of the domain controllers of emea\.contoso\.test/,
    );
    expect((error as DirectoryError).message).toContain("edc1.emea.invalid");
    expect((error as DirectoryError).message).toContain("edc2.emea.invalid");
    await expect(
      openForestDomain(config, {
        dn: "DC=x,DC=test",
        dnsName: "x.test",
        netbiosName: null,
        domainControllers: [],
      }),
    ).rejects.toMatchObject({ kind: "not-found" });
  });

  it("one scan covers the lab's domain over LDAPS and a second domain, with the lab's verdicts unchanged", async () => {
    const s = requireSettings(lab);
    const ldap = await LdapDirectory.open(config);
    opened.push(ldap);
    const settings = { connector: s.connector.dn, confirmedConnectorDn: null };
    const alone = await new DirectoryScanner(ldap, { ...settings, scope: [s.seed.ous.corp] }).run(
      "connector-permissions",
    );
    const forest = new ForestDirectory([
      { domainDn: s.baseDn, port: ldap },
      { domainDn: "DC=contoso,DC=com", port: new SnapshotDirectory(fixtureSnapshot()) },
    ]);
    expect(forest.kind).toBe("snapshot"); // one member is a snapshot: the weaker confidence
    const scan = await new DirectoryScanner(forest, {
      ...settings,
      scope: [s.seed.ous.corp, "DC=contoso,DC=com"],
    }).run("connector-permissions");
    const fixtureUsers = fixtureSnapshot().domains[0]!.users.length;
    expect(scan.facts.users?.total).toBe((alone.facts.users?.total ?? 0) + fixtureUsers);
    const key = (f: { code: string; dn: string }) => `${f.code}:${f.dn}`;
    const inLab = scan.findings.filter((f) => f.dn.toLowerCase().endsWith(s.baseDn.toLowerCase()));
    expect(inLab.map(key).sort()).toEqual(alone.findings.map(key).sort());
    // The lab's connector holds no delegation in the other domain.
    expect(
      scan.findings.filter((f) => f.dn.endsWith("DC=contoso,DC=com") && f.code === "missing-delegation")
        .length,
    ).toBeGreaterThan(0);
  });
});
