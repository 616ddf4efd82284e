import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixtureSnapshot } from "../lib/directory/testing/fixture";
import { run as collect } from "./collect-script";
import { parseVerifyArgs, run } from "./verify";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(""), err: () => err.join("") };
}

const dir = mkdtempSync(path.join(tmpdir(), "verify-cli-"));
function file(name: string, body: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof body === "string" ? body : JSON.stringify(body));
  return p;
}

afterEach(() => vi.restoreAllMocks());

describe("sspr-writeback verify", () => {
  it("prints the checks as JSON and exits 1 when something is wrong", async () => {
    const io = capture();
    const code = await run(["--snapshot", file("fixture.json", fixtureSnapshot()), "--json"]);
    expect(code).toBe(1);
    const parsed = JSON.parse(io.out()) as {
      checks: { id: string; status: string; findings: { code: string; dn: string; message: string }[] }[];
    };
    expect(parsed.checks.map((c) => [c.id, c.status])).toEqual([
      ["prerequisites", "failed"],
      ["connector-permissions", "failed"],
      ["password-policy", "failed"],
    ]);
    expect(Object.keys(parsed.checks[1]!.findings[0]!).sort()).toEqual(["code", "dn", "message"]);
  });

  it("exits 0 when every check passes (warnings allowed), with readable text", async () => {
    const clean = fixtureSnapshot();
    const d = clean.domains[0]!;
    d.users = d.users.filter((u) => u.dn.includes("OU=Staff") && !/Eli|Omar|Fay/.test(u.dn));
    d.minPwdAge = "0";
    d.passwordSettingsObjects = [];
    const io = capture();
    const code = await run([
      "--snapshot",
      file("clean.json", clean),
      "--flow",
      "enable",
      "--connector",
      "CONTOSO\\MSOL_ab12cd34ef56",
    ]);
    const text = io.out();
    expect(text).toMatch(/\[WARN\] connector-permissions: 2 of 3 users ready; 1 blocked: 1 protected\./);
    expect(text).toMatch(/\[FAIL\] prerequisites/); // DC02 is too old
    expect(code).toBe(1);
    d.domainControllers = d.domainControllers.filter((dc) => dc.dn.startsWith("CN=DC01"));
    const io2 = capture();
    expect(
      await run(["--snapshot", file("clean2.json", clean), "--connector", "CONTOSO\\MSOL_ab12cd34ef56"]),
    ).toBe(0);
    expect(io2.out()).toMatch(/\[WARN\] connector-permissions/);
  });

  it("exits 2 on a malformed snapshot, naming the field", async () => {
    const bad = fixtureSnapshot() as unknown as { domains: { users: { sd: string }[] }[] };
    bad.domains[0]!.users[1]!.sd = "not sddl";
    const io = capture();
    expect(await run(["--snapshot", file("bad.json", bad)])).toBe(2);
    expect(io.err()).toMatch(/domains\[0\]\.users\[1\]\.sd/);
  });

  it("refuses bad options with exit 2 and never takes a password on the command line", async () => {
    const io = capture();
    expect(await run(["--ldap-url", "http://dc01"])).toBe(2);
    expect(io.err()).toMatch(/--ldap-url must be ldaps/);
    expect(() => parseVerifyArgs(["--ldap-url", "ldaps://dc01", "--bind-dn", "x"])).toThrow(
      /--bind-password-file is required/,
    );
    expect(() => parseVerifyArgs(["--bind-password", "secret"])).toThrow();
    expect(await run(["--snapshot", "x.json", "--domains", "contoso.com, CONTOSO"])).toBe(2);
    expect(io.err()).toMatch(/--domains The domain list names "CONTOSO", which is not a DNS domain name/);
    expect(parseVerifyArgs(["--snapshot", "x.json", "--domains", "all"]).domains).toBe("all");
  });

  it("could-not-check over LDAP is exit 2 with the reason", async () => {
    const io = capture();
    const pw = file("pw", "x\n");
    expect(
      await run([
        "--ldap-url",
        "ldaps://127.0.0.1:1",
        "--bind-dn",
        "CN=x",
        "--bind-password-file",
        pw,
        "--connect-timeout",
        "2000",
      ]),
    ).toBe(2);
    expect(io.err()).toMatch(/^Could not check: Cannot reach the domain controller at 127\.0\.0\.1:1/);
  });
});

describe("sspr-writeback collect-script", () => {
  it("prints a read-only collector that writes the snapshot format", async () => {
    const io = capture();
    expect(await collect([])).toBe(0);
    const script = io.out();
    expect(script).toContain("format = 'sspr-writeback-snapshot/2'");
    expect(script).toContain("sds = $sdTable.ToArray()");
    expect(script).toContain("System.IO.Compression.GZipStream");
    expect(script).toContain("Import-Module ActiveDirectory");
    expect(script).not.toMatch(/\b(Set|New|Remove|Add)-AD/);
  });
});
