import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { previewChanges } from "../apply";
import { planGrant } from "../changes";
import { type FindingCode } from "../checks/types";
import { DirectoryScanner, type ScanSettings, type StepScan } from "../scan";
import { parseSnapshotText } from "../snapshot";
import {
  MAX_SANDBOX_DIRECTORIES,
  SandboxDirectory,
  sandboxDirectory,
  sandboxSnapshot,
} from "./sandbox-directory";

const FIXTURE = path.join(__dirname, "contoso-snapshot.json");
const text = readFileSync(FIXTURE, "utf8");

function settings(dir: SandboxDirectory): ScanSettings {
  return { connector: null, confirmedConnectorDn: dir.snapshot.connector?.dn ?? null, scope: [] };
}

async function scan(dir: SandboxDirectory, stepId: "connector-permissions" | "password-policy") {
  return new DirectoryScanner(dir.port(), settings(dir)).run(stepId);
}

const codes = (s: StepScan): Set<FindingCode> => new Set(s.findings.map((f) => f.code));

/** One round of the wizard's fix: plan from the current findings, preview, apply. */
async function applyGrant(dir: SandboxDirectory): Promise<void> {
  const before = await scan(dir, "connector-permissions");
  const connector = before.facts.connector!;
  const domainSid = before.facts.domains[0]!.sid;
  const previews = await previewChanges(dir.port(), planGrant(before.findings), connector.sid, domainSid);
  dir.applyChanges(
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
    expect(perms.status).toBe("failed");
    const found = codes(perms);
    for (const code of ["missing-delegation", "protected-account", "orphaned-admincount"] as const)
      expect(found).toContain(code);
    const policy = await scan(dir, "password-policy");
    expect(policy.status).toBe("failed");
    expect(codes(policy)).toContain("min-password-age");
  });

  it("passes after the wizard's fixes (delegation, then the blocked OU), the protected account still reported", async () => {
    const dir = new SandboxDirectory();
    await applyGrant(dir);
    const second = await scan(dir, "connector-permissions");
    expect(second.status).toBe("failed");
    expect(codes(second)).toEqual(
      new Set(["inheritance-disabled", "protected-account", "change-password-informational"]),
    );
    await applyGrant(dir);
    const after = await scan(dir, "connector-permissions");
    expect(after.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(after.status).toBe("passed");
    expect(codes(after)).toContain("protected-account");
  });

  it("keeps each run's changes to its own copy", async () => {
    const a = sandboxDirectory(`test-a-${Math.random()}`);
    const b = sandboxDirectory(`test-b-${Math.random()}`);
    await applyGrant(a);
    await applyGrant(a);
    expect((await scan(a, "connector-permissions")).status).toBe("passed");
    expect((await scan(b, "connector-permissions")).status).toBe("failed");
    expect(sandboxSnapshot()).not.toBe(sandboxSnapshot());
    expect((await scan(new SandboxDirectory(), "connector-permissions")).status).toBe("failed");
  });

  it("returns the same copy for a key and forgets the least recently used beyond the bound", () => {
    const key = `test-same-${Math.random()}`;
    const first = sandboxDirectory(key);
    expect(sandboxDirectory(key)).toBe(first);
    for (let i = 0; i < MAX_SANDBOX_DIRECTORIES; i++) sandboxDirectory(`test-fill-${i}-${Math.random()}`);
    expect(sandboxDirectory(key)).not.toBe(first);
  });

  it("moves pwdLastSet of a user found by SID through the port", async () => {
    const dir = new SandboxDirectory();
    const terry = dir.userByName("Terry Test")!;
    const before = await dir.port().findUserBySid(terry.sid!);
    expect(before?.dn).toBe(terry.dn);
    const at = new Date(Date.now() + 3600_000);
    expect(before?.pwdLastSet?.getTime() ?? 0).toBeLessThan(at.getTime());
    expect(dir.passwordSet(terry.sid!, at)).toBe(true);
    expect((await dir.port().findUserBySid(terry.sid!.toLowerCase()))?.pwdLastSet?.toISOString()).toBe(
      at.toISOString(),
    );
    expect(await dir.port().findUserBySid("S-1-5-21-1-2-3-999")).toBeNull();
  });
});
