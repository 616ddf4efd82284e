import { afterEach, describe, expect, it, vi } from "vitest";
import { expectParsesAsPowerShell } from "@/lib/testing/powershell";
import { run } from "./collect-script";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(""), err: () => err.join("") };
}

afterEach(() => vi.restoreAllMocks());

describe("sspr-writeback collect-script --cloud-sync", () => {
  it("prints the provisioning agent collector, which parses and writes the cloud sync format", async () => {
    const io = capture();
    expect(await run(["--cloud-sync"])).toBe(0);
    const script = io.out();
    vi.restoreAllMocks();
    expect(script).toContain("format = 'sspr-writeback-cloud-sync/1'");
    expect(script).toContain("'AADConnectProvisioningAgent'");
    await expectParsesAsPowerShell(script, "collect-script --cloud-sync");
  });

  it("still prints the domain collector without arguments, and refuses unknown ones", async () => {
    const io = capture();
    expect(await run([])).toBe(0);
    expect(io.out()).toContain("format = 'sspr-writeback-snapshot/2'");
    expect(await run(["--connect-sync"])).toBe(2);
    expect(io.err()).toContain("--cloud-sync");
  });
});
