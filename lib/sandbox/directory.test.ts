import { readFileSync } from "node:fs";
import path from "node:path";
import { passwordSetAt } from "@/lib/directory/repl-metadata";
import { describe, expect, it } from "vitest";
import { scanVerdict } from "@/lib/verify/verdicts/directory";
import { previewChanges } from "@/lib/directory/preview";
import { planGrant, planRevoke } from "@/lib/directory/changes";
import { type FindingCode } from "@/lib/directory/checks/types";
import { DirectoryScanner, type ScanSettings, type StepScan } from "@/lib/directory/scan";
import { parseSnapshotText } from "@/lib/directory/snapshot";
import { SandboxDirectory, sandboxSnapshot } from "./directory";

const FIXTURE = path.join(__dirname, "contoso-snapshot.json");
const text = readFileSync(FIXTURE, "utf8");

function settings(dir: SandboxDirectory): ScanSettings {
  return { connector: null, confirmedConnectorDn: dir.snapshot.connector?.dn ?? null, scope: [] };
}

async function scan(
  dir: SandboxDirectory,
  stepId: "prerequisites" | "connector-permissions" | "password-policy" | "revoke-connector-permissions",
) {
  return new DirectoryScanner(dir.port(), settings(dir)).run(stepId);
}

const codes = (s: StepScan): Set<FindingCode> => new Set(s.findings.map((f) => f.code));

/** One round of the wizard's fix: plan from the current findings, preview, apply. */
async function applyGrant(dir: SandboxDirectory): Promise<void> {
  const before = await scan(dir, "connector-permissions");
  const connector = before.facts.connector!;
  const domainSid = before.facts.domains[0]!.sid;
  const previews = await previewChanges(dir.port(), planGrant(before.findings), connector.sid, domainSid);
  await dir.applyChanges(
    previews.filter((p) => p.diff !== null || p.change.kind === "clear-admincount"),
    connector.sid,
    domainSid,
  );
}

describe("the sandbox fixture", () => {
  it("validates with the snapshot schema", () => {
    const snapshot = parseSnapshotText(text);
    expect(snapshot.format).toBe("sspr-writeback-snapshot/1");
    expect(snapshot.domains[0]!.users.length).toBeGreaterThan(40);
  });

  it("holds no password or secret", () => {
    expect(text).not.toMatch(
      /unicodePwd|userPassword|password"\s*:|secret|supplementalCredentials|dBCSPwd|ntPwd/i,
    );
    expect(text).not.toMatch(/BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/);
    // Nothing that looks like the lab's generated passwords (long mixed-class tokens) outside SIDs, GUIDs and SDDL.
    const values = [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    const suspicious = values.filter(
      (v) =>
        v.length >= 16 &&
        !/[=,(\\]|^S-1-|^-?\d+$|^\d{4}-\d\d-\d\dT|^[a-zA-Z]+\d*[a-zA-Z]*$/.test(v) &&
        /[a-z]/.test(v) &&
        /\d/.test(v) &&
        /[A-Z]/.test(v),
    );
    expect(suspicious).toEqual([]);
  });

  it("names the sandbox tenant's synchronised users", () => {
    const dir = new SandboxDirectory();
    for (const name of [
      "Terry Test",
      "Sam Sales",
      "Pat Protected",
      "Morgan Marketing",
      "Robin Research",
      "Taylor Temp",
    ])
      expect(dir.userByName(name)?.sid).toMatch(/^S-1-5-21-/);
    expect(dir.userByName("Pat Protected")?.adminCount).toBe(1);
  });
});

describe("the sandbox directory", () => {
  it("fails connector-permissions with the seeded problems and min password age", async () => {
    const dir = new SandboxDirectory();
    const perms = await scan(dir, "connector-permissions");
    expect(scanVerdict(perms)).toBe("failed");
    const found = codes(perms);
    for (const code of ["missing-delegation", "protected-account", "orphaned-admincount"] as const)
      expect(found).toContain(code);
    const policy = await scan(dir, "password-policy");
    expect(scanVerdict(policy)).toBe("failed");
    expect(codes(policy)).toContain("min-password-age");
  });

  it("passes after the wizard's fixes (delegation, then the blocked OU), the protected account still reported", async () => {
    const dir = new SandboxDirectory();
    await applyGrant(dir);
    const second = await scan(dir, "connector-permissions");
    expect(scanVerdict(second)).toBe("failed");
    expect(codes(second)).toEqual(
      new Set(["inheritance-disabled", "protected-account", "change-password-informational"]),
    );
    await applyGrant(dir);
    const after = await scan(dir, "connector-permissions");
    expect(after.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(scanVerdict(after)).toBe("passed");
    expect(codes(after)).toContain("protected-account");
  });

  it("applies all or nothing: a change refused part-way leaves the copy as it was", async () => {
    const dir = new SandboxDirectory();
    const before = JSON.stringify(dir.snapshot);
    const scanned = await scan(dir, "connector-permissions");
    const connector = scanned.facts.connector!;
    const domainSid = scanned.facts.domains[0]!.sid;
    const previews = (
      await previewChanges(dir.port(), planGrant(scanned.findings), connector.sid, domainSid)
    ).filter((p) => p.diff !== null);
    expect(previews.length).toBeGreaterThan(1);
    // The last object changed after the preview was made (its fingerprint no longer matches).
    const stale = previews.map((p, i) =>
      i === previews.length - 1 ? { ...p, beforeHash: "0".repeat(32) } : p,
    );
    await expect(dir.applyChanges(stale, connector.sid, domainSid)).rejects.toThrow(
      /changed after the preview/,
    );
    expect(JSON.stringify(dir.snapshot)).toBe(before);
    // The same plan, unchanged, applies.
    expect(
      (await dir.applyChanges(previews, connector.sid, domainSid)).every((a) => a.result === "applied"),
    ).toBe(true);
    expect(JSON.stringify(dir.snapshot)).not.toBe(before);
  });

  it("keeps each run's changes to its own copy", async () => {
    const a = new SandboxDirectory();
    const b = new SandboxDirectory();
    await applyGrant(a);
    await applyGrant(a);
    expect(scanVerdict(await scan(a, "connector-permissions"))).toBe("passed");
    expect(scanVerdict(await scan(b, "connector-permissions"))).toBe("failed");
    expect(sandboxSnapshot()).not.toBe(sandboxSnapshot());
    expect(scanVerdict(await scan(new SandboxDirectory(), "connector-permissions"))).toBe("failed");
  });

  it("keeps a fix and the hidden policies through storing and loading", async () => {
    const dir = new SandboxDirectory();
    await applyGrant(dir);
    await applyGrant(dir);
    dir.setMinimumPasswordAgeToZero();
    const back = SandboxDirectory.fromState(JSON.parse(JSON.stringify(dir.toState())));
    expect(back.snapshot).toEqual(dir.snapshot);
    expect(back.grantPasswordSettingsRead().changed).toBe(dir.grantPasswordSettingsRead().changed);
    expect(scanVerdict(await scan(back, "connector-permissions"))).toBe("passed");
  });

  it("stamps unicodePwd of a user found by SID, read back through the port as over LDAP", async () => {
    const dir = new SandboxDirectory();
    const terry = dir.userByName("Terry Test")!;
    const before = await dir.port().findUserBySid(terry.sid!);
    expect(before?.dn).toBe(terry.dn);
    expect(before?.passwordSetAt).toBeNull();
    const at = new Date("2026-12-06T10:42:00Z");
    // A self-service reset: the password lands and pwdLastSet is the time it was set.
    expect(dir.passwordSet(terry.sid!, at)).toBe(true);
    const after = await dir.port().findUserBySid(terry.sid!.toLowerCase());
    expect(after).toMatchObject({ passwordSetAt: at, pwdLastSet: at, mustChangeAtNextLogon: false });
    // The snapshot keeps the stamp as a DC's replPropertyMetaData, parsed by the LDAP adapter's parser.
    const stored = dir.snapshot.domains[0]!.users.find((u) => u.sid === terry.sid)!;
    expect(passwordSetAt(new Uint8Array(Buffer.from(String(stored.replPropertyMetaData), "base64")))).toEqual(
      at,
    );
    expect(await dir.port().findUserBySid("S-1-5-21-1-2-3-999")).toBeNull();
  });

  it("an admin reset leaves pwdLastSet at 0 (change at next sign-in) unless the password never expires", async () => {
    const dir = new SandboxDirectory();
    const terry = dir.userByName("Terry Test")!;
    const at = new Date("2026-12-06T10:42:00Z");
    dir.passwordSet(terry.sid!, at, { mustChange: true });
    expect(await dir.port().findUserBySid(terry.sid!)).toMatchObject({
      passwordSetAt: at,
      pwdLastSet: null,
      mustChangeAtNextLogon: true,
      neverExpires: false,
    });
    const stored = dir.snapshot.domains[0]!.users.find((u) => u.sid === terry.sid)!;
    expect(stored.pwdLastSet).toBe("0");
    stored.userAccountControl = 0x200 | 0x10000;
    const later = new Date("2026-12-06T11:00:00Z");
    dir.passwordSet(terry.sid!, later, { mustChange: true });
    expect(await dir.port().findUserBySid(terry.sid!)).toMatchObject({
      passwordSetAt: later,
      pwdLastSet: later,
      mustChangeAtNextLogon: false,
      neverExpires: true,
    });
  });
});

describe("the sandbox directory controls (the admin's part outside the wizard)", () => {
  it("upgrading the domain controllers clears the policy-hints failure the Samba export has", async () => {
    const dir = new SandboxDirectory();
    const before = await scan(dir, "prerequisites");
    expect(codes(before)).toContain("dc-policy-hints-unsupported");
    expect(dir.describeState().domainControllers).toEqual([
      expect.objectContaining({ name: "vm.contoso.test", policyHints: false }),
    ]);
    const change = dir.upgradeDomainControllers();
    expect(change.changed).toBe(1);
    expect(change.message).toMatch(/1 domain controller was upgraded to Windows Server 2022/);
    const after = await scan(dir, "prerequisites");
    expect(codes(after)).not.toContain("dc-policy-hints-unsupported");
    expect(codes(after)).not.toContain("dc-os-unknown");
    expect(codes(after)).not.toContain("dc-os-old");
    // The control is offered where a collector or LDAP would read it: the DC's and the domain's rootDSE lists.
    const domain = dir.snapshot.domains[0]!;
    expect(domain.rootDse.supportedControl).toContain("1.2.840.113556.1.4.2239");
    expect(domain.domainControllers[0]!.supportedControl).toContain("1.2.840.113556.1.4.2239");
    expect(dir.describeState().domainControllers[0]).toMatchObject({
      operatingSystem: "Windows Server 2022 Datacenter 10.0 (20348)",
      policyHints: true,
    });
    // A second press changes nothing and says so.
    expect(dir.upgradeDomainControllers()).toMatchObject({ changed: 0 });
    expect(domain.rootDse.supportedControl.filter((c) => c === "1.2.840.113556.1.4.2239")).toHaveLength(1);
  });

  it("an unreadable fine-grained policy keeps password-policy from passing, and the scan says which one", async () => {
    const dir = new SandboxDirectory();
    expect(dir.describeState().minimumPasswordAge[0]).toMatchObject({ age: "1 day" });
    expect(dir.describeState().unreadablePolicies).toEqual(["CN=Lab Sales PSO"]);
    const change = dir.setMinimumPasswordAgeToZero();
    // The domain policy and the policy the wizard cannot read: a domain admin changes both.
    expect(change.changed).toBe(2);
    expect(change.message).toMatch(/cannot read/);
    const after = await scan(dir, "password-policy");
    expect(scanVerdict(after)).toBe("failed");
    expect(codes(after)).not.toContain("min-password-age");
    const unreadable = after.findings.find((f) => f.code === "fgpp-unreadable")!;
    expect(unreadable.severity).toBe("error");
    expect(unreadable.dn).toMatch(/^CN=Lab Sales PSO,/);
    expect(unreadable.remediation).toMatch(/Grant the wizard's account Read on CN=Lab Sales PSO/);
    expect(unreadable.remediation).toMatch(/Get-ADFineGrainedPasswordPolicy/);
    expect(after.summary).toMatch(/could not be read \(CN=Lab Sales PSO\)/);
    expect(after.summary).not.toMatch(/No password policy keeps/);
    expect(dir.snapshot.domains[0]!.minPwdAge).toBe("0");
    expect(dir.setMinimumPasswordAgeToZero().changed).toBe(0);
  });

  it("once the wizard may read the Password Settings Container, the policy's real settings decide", async () => {
    const dir = new SandboxDirectory();
    // Read granted first: the lab's one-day policy for the Sales group shows, and fails the step by itself.
    expect(dir.grantPasswordSettingsRead().changed).toBe(1);
    expect(dir.describeState().unreadablePolicies).toEqual([]);
    const readable = await scan(dir, "password-policy");
    const pso = readable.findings.find((f) => /^CN=Lab Sales PSO,/.test(f.dn))!;
    expect([pso.code, pso.severity]).toEqual(["min-password-age", "error"]);
    expect(pso.reason).toMatch(/CN=Sales Strict Passwords/);
    dir.setMinimumPasswordAgeToZero();
    const after = await scan(dir, "password-policy");
    expect(scanVerdict(after)).toBe("passed");
    expect(after.summary).toBe("No password policy keeps a second reset from working.");
    expect(dir.grantPasswordSettingsRead().changed).toBe(0);
  });

  it("the order does not matter: ages set to 0 first, read granted after, passes", async () => {
    const dir = new SandboxDirectory();
    dir.setMinimumPasswordAgeToZero();
    dir.grantPasswordSettingsRead();
    expect(dir.describeState().minimumPasswordAge.map((p) => p.age)).toEqual(["0 days", "0 days"]);
    expect(scanVerdict(await scan(dir, "password-policy"))).toBe("passed");
    dir.restore();
    expect(dir.describeState().unreadablePolicies).toEqual(["CN=Lab Sales PSO"]);
  });

  it("sets a readable fine-grained policy's minimum age to 0 as well", async () => {
    const dir = new SandboxDirectory();
    const pso = dir.snapshot.domains[0]!.passwordSettingsObjects![0]!;
    pso.minPwdAge = "-1728000000000";
    pso.appliesTo = ["CN=Sales Strict Passwords,OU=Groups,DC=contoso,DC=test"];
    expect(dir.setMinimumPasswordAgeToZero().changed).toBe(2);
    expect(pso.minPwdAge).toBe("0");
    expect(dir.describeState().minimumPasswordAge.map((p) => p.age)).toEqual(["0 days", "0 days"]);
  });

  it("the delegation the enable flow leaves is found by revoke, and the wizard's revoke removes it", async () => {
    const dir = new SandboxDirectory();
    expect(scanVerdict(await scan(dir, "revoke-connector-permissions"))).toBe("passed");
    const change = await dir.delegateToConnector();
    expect(change.changed).toBeGreaterThan(0);
    const leftover = await scan(dir, "revoke-connector-permissions");
    expect(scanVerdict(leftover)).toBe("failed");
    expect(codes(leftover)).toContain("delegation-still-present");
    const connector = leftover.facts.connector!;
    const domainSid = leftover.facts.domains[0]!.sid;
    const previews = await previewChanges(
      dir.port(),
      planRevoke(leftover.findings),
      connector.sid,
      domainSid,
    );
    await dir.applyChanges(
      previews.filter((p) => p.diff !== null),
      connector.sid,
      domainSid,
    );
    expect(scanVerdict(await scan(dir, "revoke-connector-permissions"))).toBe("passed");
  });

  it("restores the built-in snapshot in place, so the run's tenant keeps writing to the same object", async () => {
    const dir = new SandboxDirectory();
    dir.setMinimumPasswordAgeToZero();
    dir.upgradeDomainControllers();
    await applyGrant(dir);
    dir.restore();
    expect(dir.snapshot).toEqual(sandboxSnapshot());
    expect(scanVerdict(await scan(dir, "password-policy"))).toBe("failed");
    expect(scanVerdict(await scan(dir, "connector-permissions"))).toBe("failed");
  });
});
