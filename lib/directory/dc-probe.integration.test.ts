// Reading every DC's own rootDSE, against the Samba lab. The lab has one real DC; the test adds two computer
// objects flagged as DCs (SERVER_TRUST_ACCOUNT) in an OU of its own — one whose name does not resolve, one named
// "localhost", which reaches the lab DC but whose certificate does not carry that name — and removes them after.

import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { Attribute, type Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "@/lab/scenarios";
import { labWizardConnection } from "@/lab/settings";
import { integrationLab, requireSettings } from "@/lab/test-support";
import { checkDomainControllers } from "./checks/domain-checks";
import { escapeDnValue } from "./dn";
import { DirectoryScanner } from "./scan";
import { type LdapConnectionConfig, LdapDirectory, ldapRootDseProbe } from "./ldap-adapter";

const lab = integrationLab();
const RUN = randomBytes(3).toString("hex");

describe.skipIf(lab.skip)("domain controllers' own rootDSE, against the lab", () => {
  let admin: Client;
  let config: LdapConnectionConfig;
  let ou: string;
  const fakes: string[] = [];

  async function addFakeDc(cn: string, dnsHostName: string, os: string, version: string): Promise<string> {
    const dn = `CN=${escapeDnValue(cn)},${ou}`;
    await admin.add(dn, [
      new Attribute({
        type: "objectClass",
        values: ["top", "person", "organizationalPerson", "user", "computer"],
      }),
      new Attribute({ type: "sAMAccountName", values: [`${cn}$`] }),
      // SERVER_TRUST_ACCOUNT | TRUSTED_FOR_DELEGATION: what a DC's computer object carries.
      new Attribute({ type: "userAccountControl", values: ["532480"] }),
      new Attribute({ type: "dNSHostName", values: [dnsHostName] }),
      new Attribute({ type: "operatingSystem", values: [os] }),
      new Attribute({ type: "operatingSystemVersion", values: [version] }),
    ]);
    fakes.push(dn);
    return dn;
  }

  beforeAll(async () => {
    const s = requireSettings(lab);
    config = labWizardConnection(s);
    admin = await adminClient(s);
    ou = `OU=${escapeDnValue(`dcprobe-${RUN}`)},${s.baseDn}`;
    await admin.add(ou, [new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] })]);
  });

  afterAll(async () => {
    for (const dn of fakes.reverse()) await admin.del(dn).catch(() => undefined);
    if (ou) await admin.del(ou).catch(() => undefined);
    await admin?.unbind();
  });

  it("reads another DC's supportedControl over its own verified connection", async () => {
    const s = requireSettings(lab);
    // The lab DC under its certificate name, reached at 127.0.0.1 (its name does not resolve on this machine).
    const probe = ldapRootDseProbe({
      ...config,
      probeDomainControllers: { resolve: () => ({ host: "127.0.0.1" }) },
    });
    const controls = await probe(s.serverName);
    const port = await LdapDirectory.open(config);
    try {
      expect(controls.sort()).toEqual([...(await port.rootDse()).supportedControl].sort());
    } finally {
      await port.close();
    }
    expect(controls).toContain("1.2.840.113556.1.4.801"); // SD flags: a real AD rootDSE
  });

  it("never reads a DC whose certificate does not carry its name, and gives up on a silent one within the budget", async () => {
    // A "DC" that accepts the TCP connection and then never says a word.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const probe = ldapRootDseProbe({
        ...config,
        probeDomainControllers: {
          timeoutMs: 1500,
          resolve: (name) => (name === "silent.contoso.test" ? { host: "127.0.0.1", port } : { host: name }),
        },
      });
      await expect(probe("localhost")).rejects.toMatchObject({ kind: "tls" });
      const started = Date.now();
      await expect(probe("silent.contoso.test")).rejects.toMatchObject({ kind: "timeout" });
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      silent.close();
    }
  });

  it("asks every DC of the domain: a DC it cannot read is judged by its OS version, and the finding says why", async () => {
    const unresolvable = await addFakeDc(
      "FAKEDC2",
      `dc2-${RUN}.invalid`,
      "Windows Server 2022 Datacenter",
      "10.0 (20348)",
    );
    const wrongName = await addFakeDc(
      "FAKEDC3",
      "localhost",
      "Windows Server 2012 R2 Standard",
      "6.3 (9600)",
    );
    const port = await LdapDirectory.open(config);
    let domain;
    try {
      [domain] = await port.domains();
      // Reading a domain does not ask its DCs (only the prerequisites check needs that); asking does.
      expect(
        domain!.domainControllers.filter((dc) => dc.supportedControl === null).length,
      ).toBeGreaterThanOrEqual(2);
      domain = {
        ...domain!,
        domainControllers: await port.readDomainControllerControls(domain!.domainControllers),
      };
    } finally {
      await port.close();
    }
    const s = requireSettings(lab);
    const byDn = new Map(domain!.domainControllers.map((dc) => [dc.dn.toLowerCase(), dc]));
    const real = [...byDn.values()].find(
      (dc) => dc.dnsHostName?.toLowerCase() === s.serverName.toLowerCase(),
    );
    expect(real?.supportedControl).toContain("1.2.840.113556.1.4.801");
    expect(byDn.get(unresolvable.toLowerCase())).toMatchObject({
      supportedControl: null,
      supportedControlError: expect.stringContaining(`dc2-${RUN}.invalid`),
    });
    expect(byDn.get(wrongName.toLowerCase())).toMatchObject({
      supportedControl: null,
      supportedControlError: expect.stringMatching(/certificate/i),
    });

    const findings = checkDomainControllers(domain!).filter((f) => fakes.includes(f.dn) || f.dn === real?.dn);
    const codesOf = (dn: string) =>
      findings
        .filter((f) => f.dn === dn)
        .map((f) => f.code)
        .sort();
    // The Samba DC was read directly: no policy-hints control.
    expect(codesOf(real!.dn)).toContain("dc-policy-hints-unsupported");
    // Windows Server 2022, unreachable: judged by its version, which offers the control.
    expect(codesOf(unresolvable)).toEqual(["dc-controls-unread"]);
    expect(findings.find((f) => f.dn === unresolvable)?.reason).toMatch(/judged by its operating system/);
    // Windows Server 2012 R2, certificate refused: too old, and not read.
    expect(codesOf(wrongName)).toEqual(["dc-controls-unread", "dc-os-old"]);

    // The prerequisites check asks the DCs itself (and the answers are remembered for the next check).
    const scanPort = await LdapDirectory.open(config);
    try {
      const scan = await new DirectoryScanner(scanPort, {
        connector: s.connector.dn,
        confirmedConnectorDn: null,
        scope: [],
      }).run("prerequisites");
      const unread = scan.findings.filter((f) => f.code === "dc-controls-unread").map((f) => f.dn);
      expect(unread.sort()).toEqual([unresolvable, wrongName].sort());
    } finally {
      await scanPort.close();
    }
  });
});
