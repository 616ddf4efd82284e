// The cloud sync path against the Samba lab: the provisioning agent's gMSA as the connector account. Samba 4.17
// creates a real msDS-GroupManagedServiceAccount object (class chain, objectCategory, primaryGroupID 515) but
// cannot derive its managed password (lab/KNOWN-DIFFERENCES.md); the checks never bind as the connector, so its
// rights are judged from its SID and token groups exactly as for an MSOL_ account. Everything lives under a per-run
// OU, removed afterwards.

import { randomBytes } from "node:crypto";
import { Attribute, type Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanVerdict } from "@/lib/verify/verdicts/directory";
import { grantRemediation } from "@/lib/verify/verdicts/directory-remediation";
import { encodeUnicodePwd, escapeDnValue, readObjectSid } from "@/lab/ldap";
import { adminClient, createScenarioOu, removeTree } from "@/lab/scenarios";
import { labWizardConnection, readLabPassword, type LabSettings } from "@/lab/settings";
import { integrationLab, requireSettings } from "@/lab/test-support";
import { type FindingCode } from "./checks/types";
import { LdapDirectory } from "./ldap-adapter";
import { DirectoryScanner, type StepScan } from "./scan";

const lab = integrationLab();
const RUN = randomBytes(3).toString("hex");

const DELEGATION = (sid: string): string[] => [
  `(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;${sid})`,
  `(OA;CIIO;WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;bf967aba-0de6-11d0-a285-00aa003049e2;${sid})`,
  `(OA;CIIO;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;bf967aba-0de6-11d0-a285-00aa003049e2;${sid})`,
];

const codes = (scan: StepScan): FindingCode[] => [...new Set(scan.findings.map((f) => f.code))].sort();

describe.skipIf(lab.skip)("a cloud sync gMSA as the connector account, against the lab", () => {
  let s: LabSettings;
  let admin: Client;
  let port: LdapDirectory;
  let root = "";
  // The default name plus this run's suffix (20 characters with the "$"), so parallel runs do not collide.
  const defaultSam = `provAgentgMSA${RUN}$`;
  const customSam = `cs-sync-${RUN}$`;
  const gmsa = { dn: "", sid: "" };
  const custom = { dn: "", sid: "" };
  const msol = { dn: "", sid: "" };
  const ou = { withGmsa: "", withMsol: "", without: "" };

  // Users with this run's own sAMAccountNames (the scenario helper derives them from the OU name, which would
  // collide between the OUs of this test and with parallel runs).
  async function addUsers(parent: string, tag: string, count: number): Promise<void> {
    for (let i = 1; i <= count; i++) {
      await admin.add(`CN=cs-user-${i},${parent}`, [
        new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
        new Attribute({ type: "sAMAccountName", values: [`cs${RUN}${tag}${i}`] }),
        new Attribute({
          type: "unicodePwd",
          values: [encodeUnicodePwd(readLabPassword(s.userPasswordFile))],
        }),
        new Attribute({ type: "userAccountControl", values: ["512"] }),
      ]);
    }
  }

  async function addGmsa(cn: string, sam: string): Promise<string> {
    const dn = `CN=${escapeDnValue(cn)},${root}`;
    await admin.add(dn, [
      new Attribute({ type: "objectClass", values: ["top", "msDS-GroupManagedServiceAccount"] }),
      new Attribute({ type: "sAMAccountName", values: [sam] }),
      new Attribute({ type: "dNSHostName", values: [`${cn}.${s.dnsDomain}`] }),
      new Attribute({ type: "msDS-ManagedPasswordInterval", values: ["30"] }),
      new Attribute({ type: "userAccountControl", values: ["4096"] }),
    ]);
    return dn;
  }

  beforeAll(async () => {
    s = requireSettings(lab);
    admin = await adminClient(s);
    root = (await createScenarioOu(admin, s, `cs-gmsa-${RUN}`, { users: 0 })).dn;
    gmsa.dn = await addGmsa(`provAgentgMSA${RUN}`, defaultSam);
    gmsa.sid = await readObjectSid(admin, gmsa.dn);
    custom.dn = await addGmsa(`cs-sync-${RUN}`, customSam);
    custom.sid = await readObjectSid(admin, custom.dn);
    msol.dn = `CN=MSOL_cs${RUN},${root}`;
    await admin.add(msol.dn, [
      new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
      new Attribute({ type: "sAMAccountName", values: [`MSOL_cs${RUN}`] }),
      new Attribute({ type: "unicodePwd", values: [encodeUnicodePwd(readLabPassword(s.userPasswordFile))] }),
      new Attribute({ type: "userAccountControl", values: ["512"] }),
    ]);
    msol.sid = await readObjectSid(admin, msol.dn);
    ou.withGmsa = (
      await createScenarioOu(admin, s, "WithGmsa", {
        users: 0,
        parent: root,
        extraAces: DELEGATION(gmsa.sid),
      })
    ).dn;
    ou.withMsol = (
      await createScenarioOu(admin, s, "WithMsol", {
        users: 0,
        parent: root,
        extraAces: DELEGATION(msol.sid),
      })
    ).dn;
    ou.without = (await createScenarioOu(admin, s, "Without", { users: 0, parent: root })).dn;
    await addUsers(ou.withGmsa, "g", 2);
    await addUsers(ou.withMsol, "m", 2);
    await addUsers(ou.without, "n", 2);
    port = await LdapDirectory.open(labWizardConnection(s));
  }, 180_000);

  afterAll(async () => {
    await port?.close();
    if (admin) {
      if (root) await removeTree(admin, root);
      await admin.unbind();
    }
  }, 120_000);

  const scan = (
    connector: string | null,
    scope: string,
    confirmed: string | null = null,
  ): Promise<StepScan> =>
    new DirectoryScanner(port, { connector, confirmedConnectorDn: confirmed, scope: [scope] }).run(
      "connector-permissions",
    );

  it("the lab holds a real msDS-GroupManagedServiceAccount object (computer-derived, Domain Computers)", async () => {
    const { searchEntries } = await admin.search(gmsa.dn, {
      scope: "base",
      attributes: ["objectClass", "objectCategory", "primaryGroupID"],
    });
    const entry = searchEntries[0];
    expect(entry?.objectClass).toEqual(
      expect.arrayContaining(["computer", "msDS-GroupManagedServiceAccount"]),
    );
    expect(String(entry?.objectCategory)).toMatch(/^CN=ms-DS-Group-Managed-Service-Account,/);
    expect(entry?.primaryGroupID).toBe("515");
  });

  it("discovery proposes the default provAgentgMSA account as a candidate, marked as a gMSA", async () => {
    const candidates = await port.connectorCandidates(s.baseDn);
    const found = candidates.find((c) => c.sid === gmsa.sid);
    expect(found?.sAMAccountName).toBe(defaultSam);
    expect(found?.name).toBe(`${s.netbiosDomain}\\${defaultSam}`);
    // A custom gMSA has no telling name: discovery does not guess it.
    expect(candidates.some((c) => c.sid === custom.sid)).toBe(false);
  });

  it("a custom gMSA is found when configured by name (with or without the $) or confirmed by DN", async () => {
    for (const name of [`${s.netbiosDomain}\\cs-sync-${RUN}`, customSam]) {
      const byName = await scan(name, ou.without);
      expect(byName.facts.connector).toMatchObject({ sid: custom.sid, how: "configured", gmsa: true });
    }
    const confirmed = await scan(null, ou.without, custom.dn);
    expect(confirmed.facts.connector).toMatchObject({ sid: custom.sid, how: "confirmed", gmsa: true });
    expect(confirmed.findings.some((f) => f.code === "connector-ambiguous")).toBe(false);
    // A confirmed DN that does not exist is said, not silently dropped.
    const wrong = await new DirectoryScanner(port, {
      connector: null,
      confirmedConnectorDn: `CN=no-such-${RUN},${root}`,
      scope: [ou.without],
    }).run("prerequisites");
    expect(wrong.facts.connector).toBeNull();
    expect(wrong.findings.find((f) => f.code === "connector-not-found")).toMatchObject({
      severity: "error",
      dn: `CN=no-such-${RUN},${root}`,
    });
    const malformed = await new DirectoryScanner(port, {
      connector: null,
      confirmedConnectorDn: "not a distinguished name ==,",
      scope: [ou.without],
    }).run("prerequisites");
    expect(malformed.findings.map((f) => f.code)).toContain("connector-not-found");
  });

  it("a gMSA with the delegation passes, without it fails, with the same codes as an MSOL_ account", async () => {
    const gmsaWith = await scan(gmsa.dn, ou.withGmsa);
    const msolWith = await scan(msol.dn, ou.withMsol);
    expect(gmsaWith.facts.connector?.gmsa).toBe(true);
    expect(msolWith.facts.connector?.gmsa).toBe(false);
    expect(scanVerdict(gmsaWith)).toBe("passed");
    expect(scanVerdict(msolWith)).toBe("passed");
    expect(codes(gmsaWith)).toEqual(codes(msolWith));
    expect(codes(gmsaWith)).not.toContain("missing-delegation");
    expect(gmsaWith.facts.users?.ready).toBe(2);
    expect(msolWith.facts.users?.ready).toBe(2);

    const gmsaWithout = await scan(gmsa.dn, ou.without);
    const msolWithout = await scan(msol.dn, ou.without);
    expect(scanVerdict(gmsaWithout)).toBe("failed");
    expect(scanVerdict(msolWithout)).toBe("failed");
    expect(codes(gmsaWithout)).toEqual(codes(msolWithout));
    expect(codes(gmsaWithout)).toContain("missing-delegation");
    expect(gmsaWithout.findings.filter((f) => f.code === "missing-delegation")).toHaveLength(2);

    // The MSOL_ account's delegation does nothing for the gMSA, and the other way round.
    expect(scanVerdict(await scan(gmsa.dn, ou.withMsol))).toBe("failed");
    expect(scanVerdict(await scan(msol.dn, ou.withGmsa))).toBe("failed");

    // The fix names the gMSA: dsacls for the OU (the cloud sync cmdlet only grants at domain roots).
    const fix = grantRemediation(gmsaWithout.facts, gmsaWithout.findings);
    expect(fix.find((f) => f.language === "cmd")?.script).toContain(
      `${s.netbiosDomain}\\${defaultSam}:CA;Reset Password;user`,
    );
  });
});
