import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ancestorsUpTo,
  escapeDnValue,
  escapeFilterValue,
  isWithin,
  normalizeDn,
  parentDn,
  rdnValue,
  splitDn,
} from "./dn";

describe("escapeFilterValue (RFC 4515 section 3)", () => {
  it.each([
    ["a*b", "a\\2ab"],
    ["(x)", "\\28x\\29"],
    ["back\\slash", "back\\5cslash"],
    ["nul\0", "nul\\00"],
    ["MSOL_ab12", "MSOL_ab12"],
    ["Zoë", "Zoë"],
  ])("%j -> %j", (input, expected) => expect(escapeFilterValue(input)).toBe(expected));

  it("never leaves a special character unescaped", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = escapeFilterValue(s);
        return !/[*()\0]/.test(out) && !/\\(?![0-9a-f]{2})/.test(out);
      }),
    );
  });
});

describe("escapeDnValue (RFC 4514 section 2.4)", () => {
  it.each([
    ["Smith, John", "Smith\\, John"],
    ["a+b", "a\\+b"],
    ['say "hi"', 'say \\"hi\\"'],
    ["<tag>;x=y", "\\<tag\\>\\;x\\=y"],
    ["back\\slash", "back\\\\slash"],
    ["#hash", "\\#hash"],
    ["mid#hash", "mid#hash"],
    [" lead", "\\ lead"],
    ["trail ", "trail\\ "],
    ["nul\0", "nul\\00"],
  ])("%j -> %j", (input, expected) => expect(escapeDnValue(input)).toBe(expected));

  it("round-trips through splitDn as one RDN", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        const dn = `CN=${escapeDnValue(value)},OU=Staff,DC=contoso,DC=com`;
        return splitDn(dn).length === 4;
      }),
    );
  });
});

describe("DN helpers", () => {
  const user = "CN=Smith\\, John,OU=Legacy,DC=Contoso,DC=com";
  it("splits at unescaped commas only and finds the parent", () => {
    expect(splitDn(user)).toEqual(["CN=Smith\\, John", "OU=Legacy", "DC=Contoso", "DC=com"]);
    expect(parentDn(user)).toBe("OU=Legacy,DC=Contoso,DC=com");
    expect(rdnValue(user)).toBe("Smith, John");
  });
  it("compares case-insensitively and tolerates spaces", () => {
    expect(normalizeDn("OU=Legacy, DC=contoso ,DC=COM")).toBe("ou=legacy,dc=contoso,dc=com");
    expect(isWithin(user, "dc=contoso,dc=com")).toBe(true);
    expect(isWithin("DC=contoso,DC=com", "OU=Legacy,DC=contoso,DC=com")).toBe(false);
    expect(isWithin("OU=LegacyX,DC=contoso,DC=com", "OU=Legacy,DC=contoso,DC=com")).toBe(false);
  });
  it("lists ancestors up to the domain root", () => {
    expect(ancestorsUpTo(user, "DC=contoso,DC=com")).toEqual([
      "OU=Legacy,DC=Contoso,DC=com",
      "DC=Contoso,DC=com",
    ]);
    expect(ancestorsUpTo("DC=contoso,DC=com", "DC=contoso,DC=com")).toEqual([]);
  });
});
