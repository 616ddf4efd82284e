// Issue 15, fault suite: the domain controller goes away in the middle of a scan. The lab's Samba DC is shared and
// must keep running, so the test puts a TCP relay it controls between the wizard and the DC's LDAPS port and cuts
// that instead — once by closing every connection (the DC stopped), once by going silent (the DC hangs) — half way
// through a scan it first measured in full. The scan must end with a DirectoryError that says so, within the
// configured timeout, and leave nothing behind.

import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labWizardConnection, type LabSettings } from "@/lab/settings";
import { integrationLab, requireSettings } from "@/lab/test-support";
import { DirectoryError } from "./errors";
import { LdapDirectory } from "./ldap-adapter";
import { DirectoryScanner } from "./scan";

const lab = integrationLab();

/** A loopback relay to the DC that counts what the DC sent and can be cut. */
class Relay {
  private server = net.createServer((client) => this.accept(client));
  private sockets: net.Socket[] = [];
  /** Bytes from the DC to the wizard so far. */
  fromDc = 0;
  /** When set: once this many bytes came from the DC, cut (close everything) or go silent. */
  cutAt: { bytes: number; how: "close" | "silent" } | null = null;
  cut = false;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  private accept(client: net.Socket): void {
    if (this.cut) return void client.destroy();
    const dc = net.connect(this.target);
    this.sockets.push(client, dc);
    client.on("data", (chunk) => {
      if (!this.cut) dc.write(chunk);
    });
    dc.on("data", (chunk) => {
      if (this.cut) return;
      this.fromDc += chunk.length;
      client.write(chunk);
      if (this.cutAt && this.fromDc >= this.cutAt.bytes) this.doCut(this.cutAt.how);
    });
    for (const socket of [client, dc]) socket.on("error", () => undefined);
    client.on("close", () => dc.destroy());
    dc.on("close", () => {
      if (!this.cut) client.destroy();
    });
  }

  private doCut(how: "close" | "silent"): void {
    this.cut = true;
    // Silent: the connections stay open but nothing more is relayed either way.
    if (how === "close") for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe.skipIf(lab.skip)("the domain controller stopped mid-scan", () => {
  let s: LabSettings;
  let fullScanBytes = 0;
  const relays: Relay[] = [];

  async function relay(): Promise<{ relay: Relay; url: string }> {
    const dc = new URL(s.url);
    const r = new Relay({ host: dc.hostname, port: Number(dc.port || 636) });
    relays.push(r);
    return { relay: r, url: `ldaps://127.0.0.1:${await r.listen()}` };
  }

  async function scanThrough(url: string, operationTimeoutMs: number) {
    const port = await LdapDirectory.open(
      labWizardConnection(s, { url, connectTimeoutMs: 3000, operationTimeoutMs }),
    );
    try {
      return await new DirectoryScanner(port, {
        connector: s.connector.dn,
        confirmedConnectorDn: null,
        scope: [],
      }).run("connector-permissions");
    } finally {
      await port.close().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    s = requireSettings(lab);
    // The whole scan once, through a relay that is never cut: how many bytes the DC sends for it.
    const { relay: measuring, url } = await relay();
    const scan = await scanThrough(url, 60_000);
    expect(scan.facts.users?.total ?? 0).toBeGreaterThan(0);
    fullScanBytes = measuring.fromDc;
    expect(fullScanBytes).toBeGreaterThan(10_000);
  });

  afterAll(async () => {
    for (const r of relays) await r.close();
  });

  it("connections closed half way: a DirectoryError saying the DC could not be reached, at once", async () => {
    const { relay: r, url } = await relay();
    r.cutAt = { bytes: Math.floor(fullScanBytes / 2), how: "close" };
    const started = Date.now();
    const error = await scanThrough(url, 10_000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(r.cut).toBe(true);
    expect(error).toBeInstanceOf(DirectoryError);
    expect(["unreachable", "timeout", "protocol"]).toContain((error as DirectoryError).kind);
    expect((error as DirectoryError).message).toMatch(/domain controller|127\.0\.0\.1|connection/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it(
    "the DC goes silent half way: a timeout DirectoryError within the operation timeout",
    { timeout: 30_000 },
    async () => {
      const { relay: r, url } = await relay();
      r.cutAt = { bytes: Math.floor(fullScanBytes / 2), how: "silent" };
      const started = Date.now();
      const error = await scanThrough(url, 3_000).then(
        () => null,
        (e: unknown) => e,
      );
      const elapsed = Date.now() - started;
      expect(r.cut).toBe(true);
      expect(error).toBeInstanceOf(DirectoryError);
      expect((error as DirectoryError).kind).toBe("timeout");
      expect((error as DirectoryError).message).toMatch(/within 3000 ms/);
      expect(elapsed).toBeLessThan(3_000 + 8_000);
    },
  );
});
