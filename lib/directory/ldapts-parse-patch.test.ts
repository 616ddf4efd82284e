// The scan's faster attribute parse (ldapts-parse-patch.ts) must give exactly what ldapts's own gives, and install
// only over the ldapts it was written for.

import { Attribute, BerReader, BerWriter } from "ldapts";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ATTRIBUTE_PARSE,
  installedLdaptsVersion,
  installLdaptsParsePatch,
  PATCHED_LDAPTS_VERSION,
  PATCHED_PARSE_SHA256,
} from "./ldapts-parse-patch";

function encode(type: string, values: (string | Buffer)[]): Buffer {
  const writer = new BerWriter();
  new Attribute({ type, values: values as Buffer[] }).write(writer);
  return writer.buffer;
}

function parseWith(parse: Attribute["parse"], bytes: Buffer): Attribute {
  const attribute = new Attribute();
  parse.call(attribute, new BerReader(bytes));
  return attribute;
}

const bin = (hex: string): Buffer => Buffer.from(hex.replace(/\s/g, ""), "hex");

const CASES: [string, string, (string | Buffer)[]][] = [
  ["ASCII", "userAccountControl", ["512"]],
  ["several text values", "objectClass", ["top", "person", "organizationalPerson", "user"]],
  ["multi-byte UTF-8", "displayName", ["Zoë Müller ✓", "😀 emoji"]],
  ["a byte-order mark", "description", ["\uFEFFwith BOM"]],
  ["a security descriptor", "nTSecurityDescriptor", [bin("0100048c 14000000 30000000 00000000 4c000000")]],
  ["a domain SID", "objectSid", [bin("010500000000000515000000f3a17a9021cc9e9e1d0ecdcc52040000")]],
  ["an overlong encoding", "description", [bin("c0af")]],
  ["an encoded surrogate", "description", [bin("eda080")]],
  ["a truncated sequence", "description", [bin("41e282")]],
  ["an empty value", "description", [Buffer.alloc(0)]],
  ["text and binary mixed", "otherAttr", ["text", bin("ff00fe"), "more"]],
  ["valid UTF-8 under ;binary", "userCertificate;binary", [Buffer.from("looks like text")]],
  ["no values", "member", []],
];

describe("ldapts attribute parse without thrown errors", () => {
  it("replaces ldapts 8.2's parse (a changed ldapts keeps its own; then look again)", () => {
    expect(installLdaptsParsePatch()).toEqual({ installed: true });
    expect(Attribute.prototype.parse).toBe(ATTRIBUTE_PARSE.withoutThrowing);
  });

  it.each(CASES)("gives the same type, values and buffers as ldapts for %s", (_, type, values) => {
    const bytes = encode(type, values);
    const theirs = parseWith(ATTRIBUTE_PARSE.original, bytes);
    const ours = parseWith(ATTRIBUTE_PARSE.withoutThrowing, bytes);
    expect(ours.type).toBe(theirs.type);
    expect(ours.values).toEqual(theirs.values);
    expect(ours.values.map((v) => Buffer.isBuffer(v))).toEqual(theirs.values.map((v) => Buffer.isBuffer(v)));
    expect(ours.parsedBuffers).toEqual(theirs.parsedBuffers);
  });

  it("agrees with ldapts on random bytes", () => {
    let seed = 0x5eed;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    for (let i = 0; i < 2000; i++) {
      const value = Buffer.alloc(next() % 12);
      // Mostly ASCII with some high bytes, so both valid and invalid UTF-8 occur.
      for (let j = 0; j < value.length; j++)
        value[j] = next() % 4 === 0 ? 0x80 + (next() % 0x80) : next() % 0x80;
      const bytes = encode("description", [value]);
      expect(parseWith(ATTRIBUTE_PARSE.withoutThrowing, bytes).values).toEqual(
        parseWith(ATTRIBUTE_PARSE.original, bytes).values,
      );
    }
  });
});

describe("installing the patch", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** A stand-in for Attribute.prototype carrying ldapts's own parse, so refusals leave the real one alone. */
  const fresh = () => ({ parse: ATTRIBUTE_PARSE.original });

  it("installs on the real ldapts, which is the version and the code it was written for", () => {
    expect(installedLdaptsVersion()).toBe(PATCHED_LDAPTS_VERSION);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const target = fresh();
    expect(installLdaptsParsePatch({ target })).toEqual({ installed: true });
    expect(target.parse).toBe(ATTRIBUTE_PARSE.withoutThrowing);
    // Idempotent.
    expect(installLdaptsParsePatch({ target })).toEqual({ installed: true });
    expect(installLdaptsParsePatch()).toEqual({ installed: true });
    expect(Attribute.prototype.parse).toBe(ATTRIBUTE_PARSE.withoutThrowing);
    expect(warn).not.toHaveBeenCalled();
  });

  it("refuses another ldapts version, and says so once", async () => {
    vi.resetModules();
    const patch = await import("./ldapts-parse-patch");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const target = fresh();
    const result = patch.installLdaptsParsePatch({ target, version: "8.2.1" });
    expect(result.installed).toBe(false);
    expect(target.parse).toBe(ATTRIBUTE_PARSE.original);
    expect(patch.installLdaptsParsePatch({ target, version: null }).installed).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]?.[0]);
    expect(line).not.toContain("\n");
    expect(line).toMatch(/patch not installed: ldapts is 8\.2\.1, the patch was written for 8\.2\.0/);
    expect(line).toMatch(/slower.*same/);
  });

  it("refuses a parse whose source text does not hash as expected, and says so once", async () => {
    vi.resetModules();
    const patch = await import("./ldapts-parse-patch");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const target = fresh();
    const wrongHash = PATCHED_PARSE_SHA256.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    const result = patch.installLdaptsParsePatch({ target, version: "8.2.0", expectedSha256: wrongHash });
    expect(result).toEqual({ installed: false, reason: expect.stringMatching(/SHA-256 differs/) });
    expect(target.parse).toBe(ATTRIBUTE_PARSE.original);
    // A parse that was changed (here: any other function) is refused by the real hash as well.
    const changed = { parse: function parse() {} as unknown as Attribute["parse"] };
    expect(patch.installLdaptsParsePatch({ target: changed, version: "8.2.0" }).installed).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/not the code the patch was written against/);
  });
});
