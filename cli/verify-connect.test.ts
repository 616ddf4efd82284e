import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixtureSnapshot } from "../lib/directory/testing/fixture";
import { run as collect } from "./collect-script";
import { run } from "./verify";

// `verify --connect-evidence`: the Connect server's checks in verify's report and JSON, with the wizard's codes.

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(""), err: () => err.join("") };
}

const dir = mkdtempSync(path.join(tmpdir(), "verify-connect-"));
const SAMPLE = readFileSync(
  path.join(__dirname, "../lib/connect/samples/connect-evidence.sample.json"),
  "utf8",
);
function evidence(name: string, change: (o: Record<string, unknown>) => void = () => {}): string {
  const o = JSON.parse(SAMPLE) as Record<string, unknown>;
  change(o);
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(o));
  return p;
}
type Report = {
  checks: { id: string; status: string; findings: { code: string; dn: string; message: string }[] }[];
};

afterEach(() => vi.restoreAllMocks());

describe("sspr-writeback verify --connect-evidence", () => {
  it("checks the Connect server alone: id connect-writeback, the wizard's codes, exit 0 with warnings", async () => {
    const io = capture();
    expect(await run(["--connect-evidence", evidence("ok.json"), "--json"])).toBe(0);
    const report = JSON.parse(io.out()) as Report;
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([["connect-writeback", "warning"]]);
    expect(report.checks[0]!.findings.map((f) => f.code)).toContain("writeback-event-errors");
  });

  it("exits 1 with adsync-stopped when the service is stopped, in the human report too", async () => {
    const io = capture();
    const file = evidence("stopped.json", (o) => ((o.Service as { Status: string }).Status = "Stopped"));
    expect(await run(["--connect-evidence", file])).toBe(1);
    expect(io.out()).toMatch(/\[FAIL\] connect-writeback: The Connect server SYNC01/);
    expect(io.out()).toMatch(/error\s+adsync-stopped/);
  });

  it("checks disable-connect-writeback with --flow cleanup", async () => {
    const io = capture();
    expect(await run(["--connect-evidence", evidence("on.json"), "--flow", "cleanup", "--json"])).toBe(1);
    const report = JSON.parse(io.out()) as Report;
    expect(report.checks[0]).toMatchObject({ id: "disable-connect-writeback", status: "failed" });
    expect(report.checks[0]!.findings.map((f) => f.code)).toContain("connect-writeback-still-on");
  });

  it("exits 2 naming the bad field of an invalid file", async () => {
    const io = capture();
    const file = evidence("bad.json", (o) => (o.format = "sspr-writeback-connect/9"));
    expect(await run(["--connect-evidence", file, "--json"])).toBe(2);
    const report = JSON.parse(io.out()) as Report & { checks: { summary: string }[] };
    expect(report.checks[0]).toMatchObject({ id: "connect-writeback", status: "unknown" });
    expect((report.checks[0] as unknown as { summary: string }).summary).toMatch(
      /format is "sspr-writeback-connect\/9"/,
    );
  });

  it("adds the Connect check after the directory checks of a snapshot", async () => {
    const io = capture();
    const snapshot = path.join(dir, "snapshot.json");
    writeFileSync(snapshot, JSON.stringify(fixtureSnapshot()));
    await run(["--snapshot", snapshot, "--connect-evidence", evidence("with.json"), "--json"]);
    const report = JSON.parse(io.out()) as Report;
    expect(report.checks.map((c) => c.id)).toEqual([
      "prerequisites",
      "connector-permissions",
      "password-policy",
      "connect-writeback",
    ]);
  });
});

describe("sspr-writeback collect-script --connect", () => {
  it("prints the Connect server collector; other arguments are refused", async () => {
    const io = capture();
    expect(await collect(["--connect"])).toBe(0);
    expect(io.out()).toContain("format = 'sspr-writeback-connect/1'");
    expect(io.out()).toContain("Import-Module ADSync");
    expect(await collect(["--nonsense"])).toBe(2);
  });
});
