// The lab itself, against the running DC: settings, TLS trust (and refusal), tokenGroups, and the
// seeded facts the wizard's checks rely on (delegation, inheritance disabled, protected accounts).

import { statSync } from "node:fs";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { LAB_GUIDS } from "./guids";
import {
  bindLdaps,
  createLdapsClient,
  LDAP_INSUFFICIENT_ACCESS,
  ldapResultCode,
  readSecurityDescriptor,
  readTokenGroups,
  unicodePwdReplace,
} from "./ldap";
import { aceToSddl, parseLabSd, SE_DACL_PROTECTED } from "./sd-codec";
import { generatePassword, writebackDelegationAces } from "./seed";
import { labLdapsOptions, loadLabSettings, readLabPassword } from "./settings";
import { integrationLab, requireSettings } from "./test-support";

const lab = integrationLab();

describe.skipIf(lab.skip)("lab DC", () => {
  const settings = lab.settings;
  type Client = Awaited<ReturnType<typeof bindLdaps>>;
  let admin: Client;
  let connector: Client;

  beforeAll(async () => {
    const s = requireSettings(lab);
    admin = await bindLdaps(labLdapsOptions(s), s.admin.dn, readLabPassword(s.admin.passwordFile));
    connector = await bindLdaps(
      labLdapsOptions(s),
      s.connector.dn,
      readLabPassword(s.connector.passwordFile),
    );
  });

  afterAll(async () => {
    await admin?.unbind();
    await connector?.unbind();
  });

  it("settings load and point at files that exist; password files are 0600", () => {
    const s = loadLabSettings(settings?.dir);
    expect(s.url).toBe("ldaps://127.0.0.1:636");
    expect(s.baseDn).toBe("DC=contoso,DC=test");
    expect(s.domainSid).toMatch(/^S-1-5-21-\d+-\d+-\d+$/);
    expect(s.connector.sAMAccountName).toMatch(/^MSOL_[0-9a-f]{12}$/);
    expect(s.connector.sid.startsWith(`${s.domainSid}-`)).toBe(true);
    for (const file of [
      s.admin.passwordFile,
      s.wizard.passwordFile,
      s.connector.passwordFile,
      s.userPasswordFile,
    ]) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
    expect(statSync(s.caFile).isFile()).toBe(true);
  });

  it("LDAPS verifies against the lab CA: the read-only wizard account binds and reads the rootDSE", async () => {
    const s = requireSettings(lab);
    const client = await bindLdaps(labLdapsOptions(s), s.wizard.dn, readLabPassword(s.wizard.passwordFile));
    try {
      const { searchEntries } = await client.search("", {
        scope: "base",
        filter: "(objectClass=*)",
        attributes: ["defaultNamingContext", "supportedControl"],
      });
      expect(searchEntries[0]?.defaultNamingContext).toBe(s.baseDn);
      // LAB.md: Samba has the SD flags control but not the policy-hints controls.
      const raw = searchEntries[0]?.supportedControl;
      const controls = (Array.isArray(raw) ? raw : [raw]).map(String);
      expect(controls).toContain("1.2.840.113556.1.4.801");
      expect(controls).not.toContain("1.2.840.113556.1.4.2239");
    } finally {
      await client.unbind();
    }
  });

  it("a CA that did not issue the DC certificate is refused (TLS error, no fallback)", async () => {
    const s = requireSettings(lab);
    // Any real CA that is not the lab's: the first of Node's bundled roots.
    const otherCa = tls.rootCertificates[0] ?? "";
    const client = createLdapsClient({
      url: s.url,
      ca: { pem: otherCa },
      serverName: s.serverName,
      timeoutMs: 5000,
    });
    const error = await client.bind(s.wizard.dn, readLabPassword(s.wizard.passwordFile)).then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.unbind().catch(() => undefined);
    expect(error, "bind must fail").toBeInstanceOf(Error);
    expect(ldapResultCode(error), "a TLS failure, not an LDAP answer").toBeUndefined();
    expect(String((error as NodeJS.ErrnoException).code ?? (error as Error).message)).toMatch(
      /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i,
    );
  });

  it("a server name the certificate does not carry is refused", async () => {
    const s = requireSettings(lab);
    const client = createLdapsClient({
      url: s.url,
      ca: { file: s.caFile },
      serverName: "dc.example.invalid",
      timeoutMs: 5000,
    });
    const error = await client.bind(s.wizard.dn, readLabPassword(s.wizard.passwordFile)).then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.unbind().catch(() => undefined);
    expect(ldapResultCode(error)).toBeUndefined();
    expect(String((error as NodeJS.ErrnoException | undefined)?.code ?? error)).toMatch(
      /ERR_TLS_CERT_ALTNAME_INVALID|altname/i,
    );
  });

  it("tokenGroups of the connector (base search, as itself) holds its direct and nested groups", async () => {
    const s = requireSettings(lab);
    const groups = await readTokenGroups(connector, s.connector.dn);
    expect(groups).toContain(s.seed.connectorGroup.sid);
    expect(groups).toContain(s.seed.connectorParentGroup.sid);
    expect(groups).toContain(`${s.domainSid}-513`); // Domain Users
    expect(groups).not.toContain(s.seed.unrelatedGroup.sid);
  });

  it("a non-admin reads DACLs with the SD flags control", async () => {
    const s = requireSettings(lab);
    const sd = parseLabSd(await readSecurityDescriptor(connector, s.seed.ous.corp));
    expect(sd.dacl?.aces.length).toBeGreaterThan(0);
  });

  it("the seed matches its scenario: delegation ACEs, Legacy OU protected, protected and orphaned admins", async () => {
    const s = requireSettings(lab);
    const root = parseLabSd(await readSecurityDescriptor(admin, s.baseDn));
    const rootAces = new Set((root.dacl?.aces ?? []).map(aceToSddl));
    const wanted = writebackDelegationAces(s.connector.sid).map(aceToSddl);
    for (const ace of wanted) expect(rootAces.has(ace), ace).toBe(s.scenario === "delegated");

    const legacy = parseLabSd(await readSecurityDescriptor(admin, s.seed.ous.legacy));
    expect(legacy.control & SE_DACL_PROTECTED).toBe(SE_DACL_PROTECTED);

    for (const dn of [s.seed.protectedAdminDn, s.seed.orphanedAdminDn]) {
      const { searchEntries } = await admin.search(dn, {
        scope: "base",
        filter: "(objectClass=user)",
        attributes: ["adminCount", "memberOf"],
      });
      expect(searchEntries[0]?.adminCount, dn).toBe("1");
      expect(parseLabSd(await readSecurityDescriptor(admin, dn)).control & SE_DACL_PROTECTED, dn).toBe(
        SE_DACL_PROTECTED,
      );
    }
    const orphan = await admin.search(s.seed.orphanedAdminDn, {
      scope: "base",
      filter: "(objectClass=user)",
      attributes: ["memberOf"],
    });
    expect(orphan.searchEntries[0]?.memberOf ?? []).toEqual([]);

    const pso = await admin.search(s.seed.passwordSettings.dn, {
      scope: "base",
      filter: "(objectClass=msDS-PasswordSettings)",
      attributes: ["msDS-PSOAppliesTo", "msDS-MinimumPasswordAge"],
    });
    expect(pso.searchEntries[0]?.["msDS-PSOAppliesTo"]).toBe(s.seed.passwordSettings.appliesTo);
  });

  it.runIf(settings?.scenario === "delegated")(
    "delegated: the connector resets a Corp user but not a Legacy user nor the protected admin",
    async () => {
      const s = requireSettings(lab);
      const people = await admin.search(s.seed.ous.staff, {
        scope: "one",
        filter: "(&(objectClass=user)(!(adminCount=1)))",
        attributes: ["cn"],
        sizeLimit: 1,
      });
      const legacy = await admin.search(s.seed.ous.legacy, {
        scope: "one",
        filter: "(objectClass=user)",
        attributes: ["cn"],
        sizeLimit: 1,
      });
      const corpUser = people.searchEntries[0]?.dn;
      const legacyUser = legacy.searchEntries[0]?.dn;
      if (!corpUser || !legacyUser) throw new Error("seeded users missing");
      await connector.modify(corpUser, unicodePwdReplace(generatePassword()));
      for (const dn of [legacyUser, s.seed.protectedAdminDn]) {
        const code = await connector.modify(dn, unicodePwdReplace(generatePassword())).then(
          () => 0,
          (e: unknown) => ldapResultCode(e),
        );
        expect(code, dn).toBe(LDAP_INSUFFICIENT_ACCESS);
      }
      // Unexpire Password on the domain object: Authenticated Users holds it by default (DOMAIN.md).
      const rootAces = (parseLabSd(await readSecurityDescriptor(connector, s.baseDn)).dacl?.aces ?? []).map(
        aceToSddl,
      );
      expect(rootAces).toContain(`(OA;;CR;${LAB_GUIDS.unexpirePassword};;S-1-5-11)`);
    },
  );
});
