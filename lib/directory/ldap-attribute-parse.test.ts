// The scan's faster attribute parse (ldap-adapter.ts, issue #5) must give exactly what ldapts's own gives.

import { Attribute, BerReader, BerWriter } from "ldapts";
import { describe, expect, it } from "vitest";
import { ATTRIBUTE_PARSE } from "./ldap-adapter";

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
    expect(ATTRIBUTE_PARSE.installed).toBe(true);
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
