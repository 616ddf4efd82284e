import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CONNECT_EVIDENCE_MAX_BYTES,
  ConnectEvidenceError,
  parseConnectEvidence,
  parseConnectEvidenceText,
} from "./evidence-schema";

const SAMPLE = readFileSync(join(__dirname, "samples/connect-evidence.sample.json"), "utf8");

function refused(text: string): ConnectEvidenceError {
  try {
    parseConnectEvidenceText(text);
  } catch (error) {
    if (error instanceof ConnectEvidenceError) return error;
    throw error;
  }
  throw new Error("the file was accepted");
}

function edited(change: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(SAMPLE) as Record<string, unknown>;
  change(o);
  return JSON.stringify(o);
}

describe("the Connect evidence parser", () => {
  it("reads the committed sample, with a byte-order mark too (Windows PowerShell writes one)", () => {
    expect(parseConnectEvidenceText(SAMPLE).ComputerName).toBe("SYNC01");
    expect(parseConnectEvidenceText(`\uFEFF${SAMPLE}`).Connectors).toHaveLength(2);
  });

  it("keeps unknown fields and ignores them", () => {
    const parsed = parseConnectEvidenceText(edited((o) => (o.SomethingNew = { a: 1 })));
    expect((parsed as Record<string, unknown>).SomethingNew).toEqual({ a: 1 });
  });

  it("refuses a file that is not JSON", () => {
    const error = refused("Get-ADSyncConnector : The term is not recognized");
    expect(error.message).toMatch(/not JSON/);
  });

  it("refuses another format version, naming format", () => {
    const error = refused(edited((o) => (o.format = "sspr-writeback-connect/2")));
    expect(error.fields).toEqual(["format"]);
    expect(error.message).toMatch(/sspr-writeback-connect\/2.*not sspr-writeback-connect\/1/);
    expect(refused(edited((o) => (o.format = "sspr-writeback-snapshot/1"))).fields).toEqual(["format"]);
    expect(refused(edited((o) => delete o.format)).message).toMatch(/format is missing/);
  });

  it("refuses a missing field, naming its path", () => {
    const error = refused(edited((o) => delete o.PasswordResetConfiguration));
    expect(error.fields).toEqual(["PasswordResetConfiguration"]);
    expect(error.message).toContain("PasswordResetConfiguration");
  });

  it("refuses a mistyped field, naming its path", () => {
    const error = refused(
      edited((o) => ((o.ServiceBus as { TcpTestSucceeded: unknown }[])[1]!.TcpTestSucceeded = "yes")),
    );
    expect(error.fields).toEqual(["ServiceBus[1].TcpTestSucceeded"]);
    const when = refused(edited((o) => (o.collectedAt = "yesterday")));
    expect(when.fields).toEqual(["collectedAt"]);
  });

  it("refuses an event list of a million entries by its length, naming the list, without reading each entry", () => {
    const value = JSON.parse(SAMPLE) as { Events: { Summary: unknown[] } };
    value.Events.Summary = Array.from({ length: 1_000_000 }, () => ({ Id: "not even an event" }));
    const started = Date.now();
    let error: unknown = null;
    try {
      parseConnectEvidence(value);
    } catch (e) {
      error = e;
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(ConnectEvidenceError);
    expect((error as ConnectEvidenceError).fields).toEqual(["Events.Summary"]);
    expect((error as ConnectEvidenceError).message).toMatch(
      /Events\.Summary holds 1000000 entries; at most 500/,
    );
    // As uploaded text, a million entries is over the size limit before it is parsed at all.
    const text = JSON.stringify(value);
    expect(refused(text).message).toMatch(/larger than/);
    // Just over the cap and under the size limit: refused by its length.
    const capped = refused(
      edited((o) => ((o.Events as { RecentErrors: unknown[] }).RecentErrors = new Array(201).fill(0))),
    );
    expect(capped.fields).toEqual(["Events.RecentErrors"]);
  });

  it("refuses a file over the size limit", () => {
    const error = refused(edited((o) => (o.padding = "x".repeat(CONNECT_EVIDENCE_MAX_BYTES))));
    expect(error.message).toMatch(/larger than the 524288-byte limit/);
  });
});
