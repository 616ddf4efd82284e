import { describe, expect, it } from "vitest";
import { scanVerdict } from "@/lib/verify/verdicts/directory";
import { parseSddl } from "@/lib/ad/sddl";
import { applyToDescriptor, diffSddl, planGrant, planRevoke, writebackAces } from "./changes";
import { decideConnector } from "./checks/connector";
import { protectedMemberships } from "./checks/user-rights";
import { findingsToCsv } from "./export";
import {
  grantRemediation,
  psQuote,
  cmdQuote,
  revokeRemediation,
} from "@/lib/verify/verdicts/directory-remediation";
import { DirectoryScanner, type ScanSettings } from "./scan";
import { SnapshotDirectory } from "./snapshot";
import {
  compactFindings,
  nextRecheck,
  RECHECK_ATTEMPTS,
  toAutomaticResult,
} from "@/lib/verify/verdicts/directory";
import { FIXTURE_CONNECTOR_SID, FIXTURE_DOMAIN_SID, fixtureSnapshot } from "./testing/fixture";

const settings: ScanSettings = { connector: null, confirmedConnectorDn: null, scope: [] };
const scan = (step: Parameters<DirectoryScanner["run"]>[0], s: Partial<ScanSettings> = {}) =>
  new DirectoryScanner(new SnapshotDirectory(fixtureSnapshot()), { ...settings, ...s }).run(step);
const byDn = (findings: { dn: string; code: string }[]) =>
  Object.fromEntries(findings.map((f) => [f.dn.split(",")[0], f.code]));

describe("connector-permissions on the fixture", () => {
  it("explains every blocked user and summarises", async () => {
    const result = await scan("connector-permissions");
    expect(byDn(result.findings.filter((f) => f.dn.startsWith("CN=")))).toMatchObject({
      "CN=Cleo Costa": "inheritance-disabled",
      "CN=Dev Dubois": "inheritance-disabled",
      "CN=Eli Evans": "denied-by-ace",
      "CN=Priya Admin": "protected-account",
      "CN=Omar Former": "orphaned-admincount",
      "CN=Fay Fischer": "inheritance-disabled",
    });
    const legacy = result.findings.find((f) => f.dn.startsWith("CN=Cleo"));
    expect(legacy?.reason).toBe(
      "Inheritance is disabled on OU=Legacy, so the delegation on the domain root never reaches this user (missing: Reset Password, Write lockoutTime, Write pwdLastSet).",
    );
    expect(legacy?.anchor).toBe("OU=Legacy,DC=contoso,DC=com");
    expect(result.findings.find((f) => f.dn.startsWith("CN=Fay"))?.reason).toMatch(/disabled on this user/);
    expect(result.findings.find((f) => f.dn.startsWith("CN=Eli"))?.reason).toMatch(
      /Reset Password is denied by ACE 0 \(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;S-1-5-21-1000-2000-3000-1200\)/,
    );
    expect(result.summary).toBe(
      "2 of 8 users ready; 6 blocked: 2 inheritance disabled at OU=Legacy, 1 denied by ACE, 1 protected, 1 orphaned adminCount, 1 inheritance disabled.",
    );
    expect(scanVerdict(result)).toBe("failed");
  });

  it("a narrower scope leaves the others out", async () => {
    const result = await scan("connector-permissions", { scope: ["OU=Legacy,DC=contoso,DC=com"] });
    expect(result.facts.users).toEqual({ total: 2, ready: 0, changePassword: 0 });
  });

  it("compacts per-object findings for the run and keeps the full list for export", async () => {
    const result = await scan("connector-permissions");
    const compact = compactFindings(result);
    expect(compact[0]?.severity).toBe("error");
    expect(compact.some((f) => f.code === "protected-account" && f.target?.startsWith("CN=Priya"))).toBe(
      true,
    );
    const csv = findingsToCsv(result.findings);
    expect(csv.split("\r\n")[0]).toBe("code,severity,dn,anchor,reason,remediation");
    expect(csv).toContain('"CN=Cleo Costa,OU=Legacy,DC=contoso,DC=com"');
  });

  it("remediation scripts carry the admin's values", async () => {
    const result = await scan("connector-permissions");
    const scripts = grantRemediation(result.facts, result.findings);
    const text = scripts.map((s) => s.script).join("\n");
    expect(text).toContain(
      "Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName 'MSOL_ab12cd34ef56' -ADConnectorAccountDomain 'contoso.com' -ADobjectDN 'OU=Legacy,DC=contoso,DC=com'",
    );
    expect(text).toContain("$acl.SetAccessRuleProtection($false, $true)");
    expect(text).toContain(
      "Set-ADUser -Identity 'CN=Omar Former,OU=Staff,DC=contoso,DC=com' -Clear adminCount",
    );
    // Protected accounts are explained, never "fixed".
    const protectedScript = scripts.find((s) => s.title.startsWith("Protected accounts"));
    expect(protectedScript?.language).toBe("text");
    expect(
      scripts.filter((s) => s.language === "powershell").some((s) => s.script.includes("Priya Admin")),
    ).toBe(false);
    expect(planGrant(result.findings).some((c) => c.dn.includes("Priya"))).toBe(false);
  });
});

describe("the other steps on the fixture", () => {
  it("prerequisites: an old Windows DC and a missing policy-hints control; the connector needs confirming", async () => {
    const result = await scan("prerequisites");
    const codes = result.findings.map((f) => `${f.code}:${f.dn.split(",")[0]}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "dc-os-old:CN=DC02",
        "dc-policy-hints-unsupported:CN=DC02",
        "connector-unconfirmed:CN=MSOL_ab12cd34ef56",
      ]),
    );
    expect(codes).not.toContain("dc-policy-hints-unsupported:CN=DC01");
    const confirmed = await scan("prerequisites", {
      confirmedConnectorDn: "cn=msol_ab12cd34ef56,cn=users,dc=contoso,dc=com",
    });
    expect(confirmed.findings.map((f) => f.code)).not.toContain("connector-unconfirmed");
  });

  it("password policy: domain and fine-grained minimum ages", async () => {
    const result = await scan("password-policy");
    expect(result.findings.map((f) => [f.code, f.severity, f.dn.split(",")[0]])).toEqual([
      ["min-password-age", "error", "DC=contoso"],
      ["min-password-age", "error", "CN=Strict"],
    ]);
  });

  it("revoke: the root still carries the delegation; the plan removes exactly the three entries", async () => {
    const result = await scan("revoke-connector-permissions");
    expect(result.findings.map((f) => f.code)).toContain("delegation-still-present");
    const plan = planRevoke(result.findings);
    expect(plan).toEqual([{ kind: "remove-delegation", dn: "DC=contoso,DC=com", why: expect.any(String) }]);
    const root = parseSddl(fixtureSnapshot().domains[0]!.sd, { domainSid: FIXTURE_DOMAIN_SID });
    const change = applyToDescriptor(plan[0]!, root, FIXTURE_CONNECTOR_SID, null, "domainDNS");
    expect(change?.write.dacl?.aces).toHaveLength((root.dacl?.aces.length ?? 0) - 3);
    const diff = diffSddl(root, change!.predicted, FIXTURE_DOMAIN_SID);
    expect(diff.lines.filter((l) => l.startsWith("- "))).toHaveLength(3);
    expect(diff.lines.filter((l) => l.startsWith("+ "))).toHaveLength(0);
    expect(revokeRemediation(result.facts, result.findings)[0]?.script).toContain("RemoveAccessRuleSpecific");
  });
});

describe("changes", () => {
  it("adds the three entries once, after explicit denies", () => {
    const ou = parseSddl("O:DAG:DAD:(D;;WP;;;WD)(A;;RPLCLORC;;;AU)", { domainSid: FIXTURE_DOMAIN_SID });
    const first = applyToDescriptor(
      { kind: "add-delegation", dn: "OU=x", why: "" },
      ou,
      FIXTURE_CONNECTOR_SID,
      null,
      "organizationalUnit",
    );
    expect(first?.write.dacl?.aces.map((a) => a.type)).toEqual([1, 5, 5, 5, 0]);
    expect(
      applyToDescriptor(
        { kind: "add-delegation", dn: "OU=x", why: "" },
        first!.write,
        FIXTURE_CONNECTOR_SID,
        null,
        "organizationalUnit",
      ),
    ).toBeNull();
    expect(writebackAces(FIXTURE_CONNECTOR_SID).every((a) => a.flags === 0x0a)).toBe(true);
  });

  it("re-enabling inheritance predicts the inherited entries", () => {
    const parent = parseSddl(
      `O:DAG:DAD:AI(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;${FIXTURE_CONNECTOR_SID})`,
      { domainSid: FIXTURE_DOMAIN_SID },
    );
    const ou = parseSddl("O:DAG:DAD:PAI(A;;RPLCLORC;;;AU)", { domainSid: FIXTURE_DOMAIN_SID });
    const change = applyToDescriptor(
      { kind: "enable-inheritance", dn: "OU=x", why: "" },
      ou,
      FIXTURE_CONNECTOR_SID,
      parent,
      "organizationalUnit",
    );
    const diff = diffSddl(ou, change!.predicted, FIXTURE_DOMAIN_SID);
    // Owner and group stay: only the DACL flags change, each header part on its own line.
    expect(diff.lines.slice(0, 4)).toEqual(["  O:DA", "  G:DA", "- D:PAI", "+ D:AI"]);
    expect(diff.lines.some((l) => l.startsWith("+ (OA;CIIOID;CR;00299570"))).toBe(true);
  });
});

describe("pieces", () => {
  it("re-checks back off from 30 s to the one-hour window", () => {
    const t0 = new Date("2026-11-25T10:00:00Z");
    const at = (ms: number) => nextRecheck(t0, new Date(t0.getTime() + ms))?.nextCheckAt;
    expect(at(0)).toBe("2026-11-25T10:00:30.000Z");
    expect(at(31_000)).toBe("2026-11-25T10:01:00.000Z");
    expect(at(5 * 60_000)).toBe("2026-11-25T10:08:00.000Z");
    expect(at(40 * 60_000)).toBe("2026-11-25T11:00:00.000Z");
    expect(nextRecheck(t0, new Date(t0.getTime() + 3_600_000))).toBeNull();
  });

  it("numbers the re-checks: 30 s, 1, 2, 4, 8, 16, 32 min, then the deadline (8 in all)", () => {
    const t0 = new Date("2026-11-25T10:00:00Z");
    const offsets: number[] = [];
    const attempts: number[] = [];
    // Walk the schedule the way the scheduler does: each check runs at the previous nextCheckAt.
    for (let now = t0; ;) {
      const s = nextRecheck(t0, now);
      if (!s) break;
      expect(s.attempts).toBe(RECHECK_ATTEMPTS);
      expect(s.deadline).toBe("2026-11-25T11:00:00.000Z");
      offsets.push((new Date(s.nextCheckAt).getTime() - t0.getTime()) / 1000);
      attempts.push(s.attempt);
      now = new Date(s.nextCheckAt);
    }
    expect(offsets).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600]);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(RECHECK_ATTEMPTS).toBe(8);
    // Capped by the deadline: never later than an hour after the change, and nothing before the change.
    expect(nextRecheck(t0, new Date(t0.getTime() + 59 * 60_000))?.nextCheckAt).toBe(
      "2026-11-25T11:00:00.000Z",
    );
    expect(nextRecheck(t0, new Date(t0.getTime() - 1))).toBeNull();
  });

  it("after the deadline a still-failing check is failed and says replication should have finished", async () => {
    const result = await scan("connector-permissions");
    const pending = [
      { stepId: "connector-permissions" as const, appliedAt: "2026-11-25T10:00:00Z", changes: [] },
    ];
    const late = toAutomaticResult(result, "verified", pending, new Date("2026-11-25T11:00:00Z"));
    expect(late.status).toBe("failed");
    expect(late.findings[0]).toMatchObject({ code: "replication-window-passed", severity: "error" });
    expect(late.findings[0]?.message).toMatch(/replication should have finished by now/);
    expect(late.evidence.recheck).toBeUndefined();
    // Within the window the same failure is waiting, without that finding.
    const early = toAutomaticResult(result, "verified", pending, new Date("2026-11-25T10:59:59Z"));
    expect(early.status).toBe("waiting");
    expect(early.evidence.recheck).toMatchObject({ attempt: 8, attempts: 8 });
    expect(early.findings.map((f) => f.code)).not.toContain("replication-window-passed");
  });

  it("a failing verified check after a fix is waiting, with the next re-check", async () => {
    const result = await scan("connector-permissions");
    const now = new Date("2026-11-25T10:05:00Z");
    const waiting = toAutomaticResult(
      result,
      "verified",
      [{ stepId: "connector-permissions", appliedAt: "2026-11-25T10:00:00Z", changes: [] }],
      now,
    );
    expect(waiting.status).toBe("waiting");
    expect(waiting.evidence.recheck).toMatchObject({ nextCheckAt: "2026-11-25T10:08:00.000Z" });
    expect(toAutomaticResult(result, "verified", [], now).status).toBe("failed");
    expect(toAutomaticResult(result, "evidence", [], now).confidence).toBe("evidence");
  });

  it("protected memberships by group and by account", () => {
    expect(protectedMemberships("S-1-5-21-1-2-3-500", [])).toEqual(["the built-in Administrator"]);
    expect(
      protectedMemberships("S-1-5-21-1-2-3-1200", [
        "S-1-5-21-9-9-9-519",
        "S-1-5-32-551",
        "S-1-5-21-1-2-3-513",
      ]),
    ).toEqual(["Enterprise Admins", "Backup Operators"]);
  });

  it("connector decision: configured, confirmed, ambiguous", () => {
    const a = {
      dn: "CN=MSOL_1,CN=Users,DC=x",
      sid: "S-1-5-21-1-2-3-1",
      sAMAccountName: "MSOL_1",
      name: "X\\MSOL_1",
      description: null,
      objectClass: [],
      tokenGroups: [],
    };
    const b = { ...a, dn: "CN=MSOL_2,CN=Users,DC=x", name: "X\\MSOL_2" };
    const base = {
      configuredName: null,
      configured: null,
      confirmedDn: null,
      domainDn: "DC=x",
      strict: true,
    };
    expect(decideConnector({ ...base, candidates: [a, b] }).findings[0]?.code).toBe("connector-ambiguous");
    expect(decideConnector({ ...base, candidates: [a, b], confirmedDn: b.dn }).account?.dn).toBe(b.dn);
    expect(decideConnector({ ...base, configuredName: "nobody", candidates: [] }).findings[0]?.code).toBe(
      "connector-not-found",
    );
  });

  it("quotes values for PowerShell and cmd", () => {
    expect(psQuote("O'Brien")).toBe("'O''Brien'");
    expect(cmdQuote('a"b')).toBe('"a""b"');
  });
});
