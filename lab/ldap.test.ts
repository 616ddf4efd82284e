import { BerWriter } from "ldapts";
import { describe, expect, it } from "vitest";

import { encodeUnicodePwd, escapeDnValue, escapeFilterValue, SdFlagsControl } from "./ldap";

describe("lab ldap helpers", () => {
  it("encodes the SD flags control as SEQUENCE { INTEGER 7 }, critical", () => {
    const control = new SdFlagsControl();
    const writer = new BerWriter();
    control.write(writer);
    const hex = writer.buffer.toString("hex");
    // controlValue OCTET STRING (04 05) wrapping 30 03 02 01 07
    expect(hex.endsWith("0405300302010" + "7")).toBe(true);
    expect(control.critical).toBe(true);
    expect(control.type).toBe("1.2.840.113556.1.4.801");
  });

  it("escapes DN values (RFC 4514) and filter values (RFC 4515)", () => {
    expect(escapeDnValue("Smith, John")).toBe("Smith\\, John");
    expect(escapeDnValue(" #lead")).toBe("\\ #lead");
    expect(escapeDnValue('a+b=c<d>;"e\\')).toBe('a\\+b\\=c\\<d\\>\\;\\"e\\\\');
    expect(escapeDnValue("trail ")).toBe("trail\\ ");
    expect(escapeFilterValue("a*(b)\\c")).toBe("a\\2a\\28b\\29\\5cc");
  });

  it("wraps unicodePwd in quotes, UTF-16LE", () => {
    expect(encodeUnicodePwd("Ab1!").toString("hex")).toBe(Buffer.from('"Ab1!"', "utf16le").toString("hex"));
  });
});
