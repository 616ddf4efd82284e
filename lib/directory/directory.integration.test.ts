// The directory checks against the Samba lab (LAB.md): every finding code from a seeded scenario, a clean scenario
// with none, apply -> pass -> revoke -> fail, LDAP and snapshot verdicts equal, TLS that never falls back, and an
// unreachable DC that ends within the configured timeout. Scenarios live under a per-run OU with a per-run test
// connector account, and everything shared that a test touches is restored (lab/scenarios.ts).

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import { Attribute, Change, type Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanVerdict } from "@/lib/verify/verdicts/directory";
import { escapeDnValue, encodeUnicodePwd, readObjectSid } from "@/lab/ldap";
import { adminClient, createScenarioOu, removeTree, withExtraAce } from "@/lab/scenarios";
import { labWizardConnection, readLabPassword, type LabSettings } from "@/lab/settings";
import { integrationLab, requireSettings } from "@/lab/test-support";
import { openLdapWriter } from "./ldap-writer";
import { previewChanges } from "./preview";
import { applyChanges as applyWith } from "./writer";
import { planGrant, planRevoke } from "./changes";
import { type FindingCode } from "./checks/types";
import { DirectoryError } from "./errors";
import { exportSnapshot } from "./export-snapshot";
import { LdapDirectory, type LdapConnectionConfig } from "./ldap-adapter";
import { type DirectoryPort } from "./port";
import { DirectoryScanner, type DirectoryStepId, type ScanSettings, type StepScan } from "./scan";
import { parseSnapshot, SnapshotDirectory } from "./snapshot";

const lab = integrationLab();

const RUN = randomBytes(3).toString("hex");
const DELEGATION = (sid: string): string[] => [
  `(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;${sid})`,
  `(OA;CIIO;WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;bf967aba-0de6-11d0-a285-00aa003049e2;${sid})`,
  `(OA;CIIO;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;bf967aba-0de6-11d0-a285-00aa003049e2;${sid})`,
];

function wizardConfig(s: LabSettings, overrides: Partial<LdapConnectionConfig> = {}): LdapConnectionConfig {
  return labWizardConnection(s, overrides);
}

const codes = (scan: StepScan): Set<FindingCode> => new Set(scan.findings.map((f) => f.code));

describe.skipIf(lab.skip)("directory checks against the lab", () => {
  let s: LabSettings;
  let admin: Client;
  let port: DirectoryPort;
  const P = { root: "", clean: "", deleg: "", legacy: "", nodeleg: "", denied: "", groupDeleg: "" };
  let connectorDn = "";
  let connectorSid = "";
  const special = { protectedUser: "", orphan: "", selfProtected: "", unreadable: "" };

  async function addUser(
    parent: string,
    cn: string,
    extra: Attribute[] = [],
    sam = `i5${RUN}${randomBytes(2).toString("hex")}`,
  ): Promise<string> {
    const dn = `CN=${escapeDnValue(cn)},${parent}`;
    await admin.add(dn, [
      new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
      new Attribute({ type: "sAMAccountName", values: [sam] }),
      new Attribute({ type: "unicodePwd", values: [encodeUnicodePwd(readLabPassword(s.userPasswordFile))] }),
      new Attribute({ type: "userAccountControl", values: ["512"] }),
      ...extra,
    ]);
    return dn;
  }

  function scanner(settings: Partial<ScanSettings>, onPort: DirectoryPort = port): DirectoryScanner {
    return new DirectoryScanner(onPort, {
      connector: connectorDn,
      confirmedConnectorDn: null,
      scope: [P.root],
      ...settings,
    });
  }

  beforeAll(async () => {
    s = requireSettings(lab);
    admin = await adminClient(s);
    const root = await createScenarioOu(admin, s, `i5-${RUN}`, { users: 0 });
    P.root = root.dn;
    connectorDn = await addUser(P.root, `i5-connector-${RUN}`, [
      new Attribute({ type: "description", values: ["wizard test connector"] }),
    ]);
    connectorSid = await readObjectSid(admin, connectorDn);
    P.clean = (
      await createScenarioOu(admin, s, "Clean", {
        users: 2,
        parent: P.root,
        extraAces: DELEGATION(connectorSid),
      })
    ).dn;
    P.deleg = (
      await createScenarioOu(admin, s, "Deleg", {
        users: 1,
        parent: P.root,
        extraAces: DELEGATION(connectorSid),
      })
    ).dn;
    P.legacy = (
      await createScenarioOu(admin, s, "Legacy", {
        users: 3,
        parent: P.deleg,
        protect: true,
        dropSid: connectorSid,
      })
    ).dn;
    P.nodeleg = (await createScenarioOu(admin, s, "Nodeleg", { users: 2, parent: P.root })).dn;
    P.denied = (
      await createScenarioOu(admin, s, "Denied", {
        users: 1,
        parent: P.root,
        extraAces: [
          ...DELEGATION(connectorSid),
          `(OD;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;${connectorSid})`,
        ],
      })
    ).dn;
    // Protected: adminCount=1 and a member of Print Operators (a protected group; less privileged than Domain Admins).
    special.protectedUser = await addUser(P.clean, `i5-printop-${RUN}`);
    await admin.modify(
      `CN=Print Operators,CN=Builtin,${s.baseDn}`,
      new Change({
        operation: "add",
        modification: new Attribute({ type: "member", values: [special.protectedUser] }),
      }),
    );
    await admin.modify(
      special.protectedUser,
      new Change({
        operation: "replace",
        modification: new Attribute({ type: "adminCount", values: ["1"] }),
      }),
    );
    // Orphan: adminCount=1, no protected group, protected DACL without the delegation.
    special.orphan = await addUser(P.clean, `i5-orphan-${RUN}`);
    await admin.modify(
      special.orphan,
      new Change({
        operation: "replace",
        modification: new Attribute({ type: "adminCount", values: ["1"] }),
      }),
    );
    await protectUser(special.orphan);
    special.selfProtected = await addUser(P.clean, `i5-selfprotected-${RUN}`);
    await protectUser(special.selfProtected);
    special.unreadable = await addUser(P.nodeleg, `i5-unreadable-${RUN}`);
    await withExtraAce(admin, s, special.unreadable, `(D;;RC;;;${s.wizard.sid})`);
    port = await LdapDirectory.open(wizardConfig(s));
  }, 180_000);

  async function protectUser(dn: string): Promise<void> {
    const { readDaclSddl, writeDaclSddl } = await import("@/lab/scenarios");
    const sddl = await readDaclSddl(admin, s, dn);
    // Convert the inherited entries to explicit ones, drop the connector's, and protect (as ADUC "Disable inheritance").
    const body = sddl.replace(/^D:[A-Z]*/, "");
    const aces = (body.match(/\([^()]*\)/g) ?? [])
      .filter((a) => !a.includes(connectorSid))
      .map((a) => a.replace(/^\(([A-Z]+);([A-Z]*)ID([A-Z]*);/, "($1;$2$3;"));
    await writeDaclSddl(admin, s, dn, `D:P${aces.join("")}`);
  }

  afterAll(async () => {
    await port?.close();
    if (admin) {
      await removeTree(admin, P.root);
      await admin.unbind();
    }
  }, 120_000);

  it("a clean scenario produces no per-user finding, and Change Password is reported for information", async () => {
    const scan = await scanner({ scope: [P.clean.replace(/^/, "")] }).run("connector-permissions");
    const userCodes = scan.findings.filter(
      (f) => f.dn !== special.protectedUser && f.dn !== special.orphan && f.dn !== special.selfProtected,
    );
    expect(userCodes.filter((f) => f.severity !== "info")).toEqual([]);
    expect(codes(scan)).toContain("change-password-informational");
    expect(scan.facts.users?.ready).toBeGreaterThanOrEqual(2);
  });

  it("reports every per-user code with its reason", async () => {
    const scan = await scanner({}).run("connector-permissions");
    const byDn = new Map(scan.findings.map((f) => [f.dn.toLowerCase(), f]));
    const get = (dn: string) => byDn.get(dn.toLowerCase());
    expect(get(special.protectedUser)?.code).toBe("protected-account");
    expect(get(special.protectedUser)?.reason).toMatch(/Print Operators/);
    expect(get(special.orphan)?.code).toBe("orphaned-admincount");
    expect(get(special.selfProtected)?.code).toBe("inheritance-disabled");
    expect(get(special.selfProtected)?.reason).toMatch(/disabled on this user/);
    expect(get(special.unreadable)?.code).toBe("sd-unreadable");
    const legacy = scan.findings.filter(
      (f) => f.code === "inheritance-disabled" && f.anchor?.toLowerCase() === P.legacy.toLowerCase(),
    );
    expect(legacy).toHaveLength(3);
    expect(legacy[0]?.reason).toMatch(
      /Inheritance is disabled on OU=Legacy, so the delegation on OU=Deleg never reaches this user/,
    );
    const missing = scan.findings.filter((f) => f.code === "missing-delegation");
    expect(missing.map((f) => f.dn).sort()).toEqual(
      expect.arrayContaining([expect.stringContaining("Nodeleg-user-1")]),
    );
    expect(missing.every((f) => f.anchor?.toLowerCase() === P.root.toLowerCase())).toBe(true);
    const denied = scan.findings.filter((f) => f.code === "denied-by-ace");
    expect(denied).toHaveLength(1);
    expect(denied[0]?.reason).toMatch(/Reset Password is denied by ACE \d+ \(OD;/);
    expect(scanVerdict(scan)).toBe("failed");
    expect(scan.summary).toMatch(
      /^\d+ of \d+ users ready; \d+ blocked: .*3 inheritance disabled at OU=Legacy/,
    );
  });

  it("unexpire-missing: a deny of Unexpire Password on the domain object", async () => {
    const restore = await withExtraAce(
      admin,
      s,
      s.baseDn,
      `(OD;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;${connectorSid})`,
    );
    try {
      const fresh = await LdapDirectory.open(wizardConfig(s));
      try {
        const scan = await scanner({ scope: [P.clean] }, fresh).run("connector-permissions");
        const f = scan.findings.find((x) => x.code === "unexpire-missing");
        expect(f?.dn).toBe(s.baseDn);
        expect(f?.reason).toMatch(/denied by ACE/);
      } finally {
        await fresh.close();
      }
    } finally {
      await restore();
    }
    const after = await scanner({ scope: [P.clean] }).run("connector-permissions");
    expect(codes(after)).not.toContain("unexpire-missing");
  }, 120_000);

  it("prerequisites: Samba's missing policy-hints control and unknown OS are findings, not hidden", async () => {
    const scan = await scanner({}).run("prerequisites");
    expect(codes(scan)).toEqual(
      new Set(["dc-policy-hints-unsupported", "dc-os-unknown", "samserver-read", "pre-windows-2000-access"]),
    );
    expect(scanVerdict(scan)).toBe("failed");
  });

  it("connector discovery: not found, unconfirmed, ambiguous", async () => {
    const missing = await new DirectoryScanner(port, {
      connector: `no-such-account-${RUN}`,
      confirmedConnectorDn: null,
      scope: [P.clean],
    }).run("prerequisites");
    expect(codes(missing)).toContain("connector-not-found");
    const unconfirmed = await new DirectoryScanner(port, {
      connector: null,
      confirmedConnectorDn: null,
      scope: [P.clean],
    }).run("prerequisites");
    expect(unconfirmed.findings.find((f) => f.code === "connector-unconfirmed")?.severity).toBe("error");
    const confirmed = await new DirectoryScanner(port, {
      connector: null,
      confirmedConnectorDn: s.connector.dn,
      scope: [P.clean],
    }).run("prerequisites");
    expect(codes(confirmed)).not.toContain("connector-unconfirmed");
    const second = await addUser(P.root, `MSOL_i5${RUN}`, [], `MSOL_i5${RUN}`);
    try {
      const ambiguous = await new DirectoryScanner(port, {
        connector: null,
        confirmedConnectorDn: null,
        scope: [P.clean],
      }).run("prerequisites");
      expect(codes(ambiguous)).toContain("connector-ambiguous");
    } finally {
      await admin.del(second);
    }
  });

  it("password policy: the domain's minimum age, an unreadable policy, then a readable one in and out of scope", async () => {
    const unreadable = await scanner({ scope: [] }).run("password-policy");
    expect(unreadable.findings.find((f) => f.code === "min-password-age")?.dn).toBe(s.baseDn);
    expect(codes(unreadable)).toContain("fgpp-unreadable");
    const container = `CN=Password Settings Container,CN=System,${s.baseDn}`;
    const restore = await withExtraAce(admin, s, container, `(A;CI;RPLCLORC;;;${s.wizard.sid})`);
    try {
      const fresh = await LdapDirectory.open(wizardConfig(s));
      try {
        const inScope = await new DirectoryScanner(fresh, {
          connector: connectorDn,
          confirmedConnectorDn: null,
          scope: [],
        }).run("password-policy");
        const pso = inScope.findings.find((f) => f.dn === s.seed.passwordSettings.dn);
        expect(pso?.code).toBe("min-password-age");
        expect(pso?.severity).toBe("error");
        expect(pso?.reason).toMatch(/5 in-scope users/);
        const outOfScope = await new DirectoryScanner(fresh, {
          connector: connectorDn,
          confirmedConnectorDn: null,
          scope: [P.clean],
        }).run("password-policy");
        expect(outOfScope.findings.find((f) => f.dn === s.seed.passwordSettings.dn)?.code).toBe(
          "fgpp-out-of-scope",
        );
      } finally {
        await fresh.close();
      }
    } finally {
      await restore();
    }
  }, 120_000);

  it("revoke check: delegation still present, then rights that remain through a group", async () => {
    const present = await scanner({ scope: [P.clean] }).run("revoke-connector-permissions");
    expect(present.findings.find((f) => f.code === "delegation-still-present")?.dn.toLowerCase()).toBe(
      P.clean.toLowerCase(),
    );
    const groupDn = `CN=${escapeDnValue(`i5-group-${RUN}`)},${P.root}`;
    await admin.add(groupDn, {
      objectClass: ["top", "group"],
      sAMAccountName: `i5g${RUN}`,
      groupType: "-2147483646",
      member: [connectorDn],
    });
    const groupSid = await readObjectSid(admin, groupDn);
    P.groupDeleg = (
      await createScenarioOu(admin, s, "GroupDeleg", {
        users: 1,
        parent: P.root,
        extraAces: DELEGATION(groupSid),
      })
    ).dn;
    const fresh = await LdapDirectory.open(wizardConfig(s));
    try {
      const viaGroup = await new DirectoryScanner(fresh, {
        connector: connectorDn,
        confirmedConnectorDn: null,
        scope: [P.groupDeleg],
      }).run("revoke-connector-permissions");
      expect(codes(viaGroup)).toEqual(new Set(["rights-remain"]));
      expect(scanVerdict(viaGroup)).toBe("passed");
    } finally {
      await fresh.close();
    }
  });

  it("apply -> pass -> revoke -> fail, with the exact SDDL change shown first", async () => {
    const scope = { scope: [P.nodeleg] };
    const before = await scanner(scope).run("connector-permissions");
    expect(scanVerdict(before)).toBe("failed");
    const full = planGrant(before.findings.filter((f) => f.code !== "sd-unreadable"));
    // The lab's domain root grants Unexpire Password through Authenticated Users: the connector's own entry is
    // offered, optional and last; the required plan is the delegation.
    expect(full.filter((c) => c.optional).map((c) => c.kind)).toEqual(["add-unexpire"]);
    const plan = full.filter((c) => !c.optional);
    expect(plan).toEqual([{ kind: "add-delegation", dn: P.nodeleg, why: expect.any(String) }]);
    const previews = await previewChanges(port, plan, connectorSid, s.domainSid);
    const added = previews[0]?.diff?.lines.filter((l) => l.startsWith("+ ")) ?? [];
    expect(added).toHaveLength(3);
    expect(added.join("\n")).toContain("00299570-246d-11d0-a768-00aa006e0529");
    expect(previews[0]?.summary).toMatch(
      /^Adds 3 permissions for \S+: Reset password, Write lockoutTime, Write pwdLastSet on descendant user objects of OU=/,
    );
    const privileged = wizardConfig(s, {
      bindDn: s.admin.dn,
      password: readLabPassword(s.admin.passwordFile),
    });
    expect(await applyWith(await openLdapWriter(privileged), previews, connectorSid, s.domainSid)).toEqual([
      { kind: "add-delegation", dn: P.nodeleg, result: "applied" },
    ]);
    const after = await scanner(scope).run("connector-permissions");
    expect(after.findings.filter((f) => f.code === "missing-delegation")).toEqual([]);
    const revokeCheck = await scanner(scope).run("revoke-connector-permissions");
    const revokePlan = planRevoke(revokeCheck.findings);
    expect(revokePlan.map((c) => c.kind)).toEqual(["remove-delegation"]);
    const revokePreview = await previewChanges(port, revokePlan, connectorSid, s.domainSid);
    expect(revokePreview[0]?.diff?.lines.filter((l) => l.startsWith("- "))).toHaveLength(3);
    expect(revokePreview[0]?.diff?.lines.filter((l) => l.startsWith("+ "))).toHaveLength(0);
    await applyWith(await openLdapWriter(privileged), revokePreview, connectorSid, s.domainSid);
    expect(scanVerdict(await scanner(scope).run("revoke-connector-permissions"))).toBe("passed");
    const failedAgain = await scanner(scope).run("connector-permissions");
    expect(failedAgain.findings.filter((f) => f.code === "missing-delegation").length).toBeGreaterThanOrEqual(
      2,
    );
  }, 120_000);

  it("re-enabling inheritance on the blocking OU (from the wizard) makes its users ready", async () => {
    const scope = { scope: [P.deleg] };
    const before = await scanner(scope).run("connector-permissions");
    const plan = planGrant(before.findings).filter((c) => !c.optional);
    expect(plan.map((c) => [c.kind, c.dn])).toEqual([["enable-inheritance", P.legacy]]);
    const previews = await previewChanges(port, plan, connectorSid, s.domainSid);
    expect(previews[0]?.diff?.lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^- D:PAI?$/), expect.stringMatching(/^\+ D:AI?$/)]),
    );
    const privileged = wizardConfig(s, {
      bindDn: s.admin.dn,
      password: readLabPassword(s.admin.passwordFile),
    });
    await applyWith(await openLdapWriter(privileged), previews, connectorSid, s.domainSid);
    const after = await scanner(scope).run("connector-permissions");
    expect(after.findings.filter((f) => f.severity === "error")).toEqual([]);
    // A second apply of the same preview is refused: the descriptor changed since it was made.
    await expect(
      applyWith(await openLdapWriter(privileged), previews, connectorSid, s.domainSid),
    ).rejects.toMatchObject({
      kind: "conflict",
    });
  }, 120_000);

  it("the lab exported to a snapshot gives the same verdicts as LDAP", async () => {
    const snapshot = parseSnapshot(
      JSON.parse(JSON.stringify(await exportSnapshot(port, { connector: connectorDn, scope: [P.root] }))),
    );
    const fromSnapshot = new SnapshotDirectory(snapshot);
    const steps: DirectoryStepId[] = [
      "prerequisites",
      "connector-permissions",
      "password-policy",
      "revoke-connector-permissions",
    ];
    for (const step of steps) {
      const live = await scanner({}).run(step);
      const offline = await scanner({}, fromSnapshot).run(step);
      const key = (scan: StepScan) =>
        scan.findings
          .map((f) => `${f.code}|${f.severity}|${f.dn.toLowerCase()}|${(f.anchor ?? "").toLowerCase()}`)
          .sort();
      // The snapshot holds no group memberships, so a policy's in-scope count is unknown there (and said so).
      const comparable = (scan: StepScan) =>
        key(scan).filter((k) => !k.startsWith("fgpp-") && !k.startsWith("min-password-age|"));
      expect({ step, status: scanVerdict(offline), findings: comparable(offline) }).toEqual({
        step,
        status: scanVerdict(live),
        findings: comparable(live),
      });
      expect(offline.summary).toBe(live.summary);
    }
  }, 120_000);
});

describe.skipIf(lab.skip)("connection safety against the lab", () => {
  let s: LabSettings;
  beforeAll(() => {
    s = requireSettings(lab);
  });

  it("a wrong CA fails with a TLS error naming the problem, and nothing falls back", async () => {
    const error = await LdapDirectory.open(
      wizardConfig(s, { caPem: [readFileSync("/etc/ssl/certs/ca-certificates.crt", "utf8")] }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).kind).toBe("tls");
    expect((error as DirectoryError).message).toMatch(/not issued by the configured CA|self-signed/);
  });

  it("a certificate that does not name the host fails (no server name given for 127.0.0.1)", async () => {
    const { serverName: _unused, ...rest } = wizardConfig(s);
    const error = await LdapDirectory.open(rest).catch((e: unknown) => e);
    expect((error as DirectoryError).kind).toBe("tls");
    expect((error as DirectoryError).message).toMatch(/does not name the host/);
  });

  it("StartTLS on ldap:// works, and a bad password is a credentials error", async () => {
    const url = s.url.replace(/^ldaps:/, "ldap:").replace(/:636$/, ":389");
    const ok = await LdapDirectory.open(wizardConfig(s, { url }));
    expect(ok.describe()).toMatch(/^LDAP with StartTLS/);
    expect((await ok.domains())[0]?.dn).toBe(s.baseDn);
    await ok.close();
    const bad = await LdapDirectory.open(wizardConfig(s, { password: "not-the-password" })).catch(
      (e: unknown) => e,
    );
    expect((bad as DirectoryError).kind).toBe("credentials");
    expect((bad as DirectoryError).message).not.toContain("not-the-password");
  });

  it("a closed port is reported as unreachable at once", async () => {
    const started = Date.now();
    const error = await LdapDirectory.open(
      wizardConfig(s, { url: "ldaps://127.0.0.1:1", connectTimeoutMs: 3000 }),
    ).catch((e: unknown) => e);
    expect((error as DirectoryError).kind).toBe("unreachable");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("a DC that accepts but never answers ends within the configured timeout", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      for (const url of [`ldaps://127.0.0.1:${port}`, `ldap://127.0.0.1:${port}`]) {
        const started = Date.now();
        const error = await LdapDirectory.open(wizardConfig(s, { url, connectTimeoutMs: 1500 })).catch(
          (e: unknown) => e,
        );
        const elapsed = Date.now() - started;
        expect((error as DirectoryError).kind).toBe("timeout");
        expect((error as DirectoryError).message).toMatch(/within 1500 ms/);
        expect(elapsed).toBeGreaterThanOrEqual(1400);
        expect(elapsed).toBeLessThan(4000);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
