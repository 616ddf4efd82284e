import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SdFormatError, SdParseError } from "./errors";
import { formatAce, formatRights, formatSddl, parseSddl } from "./sddl";
import {
  parseSecurityDescriptor,
  SE_DACL_AUTO_INHERITED,
  SE_DACL_PRESENT,
  SE_DACL_PROTECTED,
  SE_SACL_AUTO_INHERITED,
  SE_SACL_PRESENT,
  SE_SACL_PROTECTED,
  SE_SELF_RELATIVE,
  serializeSecurityDescriptor,
} from "./security-descriptor";
import { arbSddlSd, TEST_DOMAIN_SID } from "./test-arbitraries";

const DOM = TEST_DOMAIN_SID;

function parseError(text: string, opts: { domainSid?: string } = {}): SdParseError {
  try {
    parseSddl(text, opts);
  } catch (e) {
    if (e instanceof SdParseError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseSddl / formatSddl: vectors", () => {
  // Windows' own canonical forms (pairs Samba's test-suite recorded from ConvertStringSecurityDescriptor…).
  const canonical = [
    "D:(A;;GA;;;SY)",
    "D:(A;;GA;;;RU)",
    "D:(A;;0x401200a0;;;LG)",
    "D:S:",
    "D:PS:",
    "D:(A;;GA;;;RS)",
    "S:(AU;SA;CR;;;WD)(AU;SA;CR;;;WD)",
    "S:(OU;CISA;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;WD)(OU;CISA;WP;f30e3bbf-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;WD)",
    "D:(A;;GA;;;S-1-3-4294967295-3-4)",
    "D:(A;;GA;;;S-1-5-21-1-2-3-513)",
    "O:S-1-2-512D:",
    "D:PARAI(A;;GA;;;SY)",
    "D:P(A;;GA;;;LG)(A;;GX;;;AA)",
    "D:(A;;FA;;;WD)",
    "D:(A;;CCDCLCSWRPWPDTLOCR;;;WD)",
    "D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)",
  ];
  it.each(canonical)("%s is printed back unchanged", (text) => {
    expect(formatSddl(parseSddl(text, { domainSid: DOM }), { domainSid: DOM })).toBe(text);
  });

  it("prints rights in Windows order", () => {
    const sd = parseSddl("D:(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)", { domainSid: DOM });
    expect(formatSddl(sd, { domainSid: DOM })).toBe("D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)");
    expect(sd.dacl?.aces[0]).toMatchObject({ mask: 0xf01ff });
  });

  it("reads the Microsoft delegation ACE", () => {
    const sd = parseSddl(
      `D:(OA;CIIO;CR;00299570-246D-11D0-A768-00AA006E0529;bf967aba-0de6-11d0-a285-00aa003049e2;${DOM}-1105)`,
    );
    expect(sd.control).toBe(SE_SELF_RELATIVE | SE_DACL_PRESENT);
    expect(sd.dacl).toEqual({
      revision: 4,
      aces: [
        {
          type: 5,
          flags: 0x0a,
          mask: 0x100,
          sid: `${DOM}-1105`,
          objectType: "00299570-246d-11d0-a768-00aa006e0529",
          inheritedObjectType: "bf967aba-0de6-11d0-a285-00aa003049e2",
        },
      ],
    });
  });

  it("resolves domain-relative aliases with the domain SID, and prints them back", () => {
    const sd = parseSddl("O:DAG:DUD:(A;;RP;;;EA)(A;;RP;;;LA)", { domainSid: DOM });
    expect(sd.owner).toBe(`${DOM}-512`);
    expect(sd.group).toBe(`${DOM}-513`);
    expect(sd.dacl?.aces.map((a) => ("sid" in a ? a.sid : ""))).toEqual([`${DOM}-519`, `${DOM}-500`]);
    expect(formatSddl(sd, { domainSid: DOM })).toBe("O:DAG:DUD:(A;;RP;;;EA)(A;;RP;;;LA)");
    expect(formatSddl(sd)).toBe(`O:${DOM}-512G:${DOM}-513D:(A;;RP;;;${DOM}-519)(A;;RP;;;${DOM}-500)`);
  });

  it("needs the domain SID for a domain-relative alias, and says where", () => {
    const e = parseError("O:BAG:BAD:(A;;RP;;;DU)");
    expect(e.kind).toBe("sddl");
    expect(e.offset).toBe(19);
    expect(e.message).toMatch(/DU is domain-relative.*domainSid/);
  });

  it("reads SID strings in upper and lower case, and SIDs ending just before D:", () => {
    expect(parseSddl("O:s-1-5-21-1-2-3-512D:").owner).toBe("S-1-5-21-1-2-3-512");
    expect(parseSddl("O:S-1-0x0000FFFFFFFF-7G:S-1-5-18").owner).toBe("S-1-4294967295-7");
    expect(parseSddl("O:S-1-0x0001000000FFD:").owner).toBe("S-1-0x0001000000FF");
  });

  it("reads numeric rights in hex, octal and decimal", () => {
    const masks = (t: string): number[] =>
      parseSddl(t).dacl?.aces.map((a) => ("mask" in a ? (a.mask ?? 0) : 0)) ?? [];
    expect(masks("D:(A;;0x1F01FF;;;WD)(A;;0400;;;WD)(A;;256;;;WD)(A;;0;;;WD)")).toEqual([
      0x1f01ff, 0o400, 256, 0,
    ]);
    expect(masks("D:(A;;FAKA;;;WD)(A;;GR;;;WD)")).toEqual([0x1f01ff | 0xf003f, 0x80000000]);
    expect(formatRights(0x1f01ff)).toBe("FA");
    expect(formatRights(0x100020)).toBe("0x100020");
    expect(formatRights(0x80000000)).toBe("GR");
    expect(formatRights(0)).toBe("0x0");
  });

  it("reads NO_ACCESS_CONTROL as a NULL DACL", () => {
    const sd = parseSddl("O:SYD:NO_ACCESS_CONTROL");
    expect(sd.dacl).toBeNull();
    expect(sd.control & SE_DACL_PRESENT).toBe(SE_DACL_PRESENT);
    expect(formatSddl(sd)).toBe("O:SYD:NO_ACCESS_CONTROL");
  });

  it("maps ACL flags of D: and S: to their own control bits", () => {
    const sd = parseSddl("D:PAI(A;;RP;;;WD)S:PAI(AU;SAFA;WP;;;WD)");
    expect(sd.control).toBe(
      SE_SELF_RELATIVE |
        SE_DACL_PRESENT |
        SE_DACL_PROTECTED |
        SE_DACL_AUTO_INHERITED |
        SE_SACL_PRESENT |
        SE_SACL_PROTECTED |
        SE_SACL_AUTO_INHERITED,
    );
    expect(sd.sacl?.aces[0]).toEqual({ type: 2, flags: 0xc0, mask: 0x20, sid: "S-1-1-0" });
    expect(formatSddl(sd)).toBe("D:PAI(A;;RP;;;WD)S:PAI(AU;SAFA;WP;;;WD)");
  });

  it("accepts sections in any order and prints them O G D S", () => {
    expect(formatSddl(parseSddl("D:(A;;RP;;;WD)G:SYO:BA"))).toBe("O:BAG:SYD:(A;;RP;;;WD)");
  });

  it("prints ACE flags in Windows order", () => {
    expect(formatSddl(parseSddl("D:(A;IDIOCIOI;RP;;;WD)"))).toBe("D:(A;OICIIOID;RP;;;WD)");
  });

  it("refuses to print what SDDL cannot carry", () => {
    expect(() => formatAce({ type: 0x11, flags: 0, raw: new Uint8Array(12) })).toThrow(SdFormatError);
    expect(() => formatAce({ type: 0, flags: 0x20, mask: 1, sid: "S-1-1-0" })).toThrow(SdFormatError);
  });

  const errors: [string, string, number, RegExp][] = [
    ["unknown right", "D:(A;;XX;;;WD)", 6, /unknown right "XX"/],
    ["unknown alias", "D:(A;;GA;;;ZZ)", 11, /SID/],
    ["unknown ACE type", "D:(Q;;GA;;;WD)", 3, /unknown ACE type "Q"/],
    ["unsupported ACE type", "S:(ML;;NW;;;LW)", 3, /ML is not supported/],
    ["unknown flag", "D:(A;XY;GA;;;WD)", 5, /unknown ACE flag "XY"/],
    ["bad section", "X:(A;;GA;;;WD)", 0, /"O:", "G:", "D:" or "S:"/],
    ["ACE not closed", "D:(A;;GA;;;WD", 2, /not closed/],
    ["too few fields", "D:(A;;GA;;WD)", 2, /5 fields/],
    ["conditional ACE", 'D:(XA;;FX;;;WD;(@User.Title=="PM"))', 2, /conditional/],
    ["section twice", "O:BAO:BA", 4, /twice/],
    ["bad GUID", "D:(OA;;CR;00299570;;WD)", 10, /bad object GUID/],
    [
      "GUID on a plain ACE",
      "D:(A;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD)",
      9,
      /cannot carry object GUIDs/,
    ],
    ["mask over 32 bits", "D:(A;;0x1FFFFFFFF;;;WD)", 6, /numeric rights/],
    ["garbage after SID", "D:(A;;GA;;;WDX)", 13, /after the ACE's SID/],
    ["garbage at the end", "O:BAx", 4, /"O:", "G:", "D:" or "S:"/],
    ["bad SID", "O:S-1-", 2, /SID/],
  ];
  it.each(errors)("rejects %s at the right position", (_name, text, offset, message) => {
    const e = parseError(text);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
  });
});

describe("SDDL round trips (property)", () => {
  it("parseSddl(formatSddl(sd)) equals sd", () => {
    fc.assert(
      fc.property(arbSddlSd, (sd) => {
        expect(parseSddl(formatSddl(sd))).toEqual(sd);
        expect(parseSddl(formatSddl(sd, { domainSid: DOM }), { domainSid: DOM })).toEqual(sd);
      }),
      { numRuns: 1000 },
    );
  });

  it("SDDL -> binary -> SDDL is stable", () => {
    fc.assert(
      fc.property(arbSddlSd, (sd) => {
        const text = formatSddl(sd, { domainSid: DOM });
        const viaBinary = parseSecurityDescriptor(
          serializeSecurityDescriptor(parseSddl(text, { domainSid: DOM })),
        );
        expect(formatSddl(viaBinary, { domainSid: DOM })).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("SDDL parser fuzzing", () => {
  const onlySdParseError = (text: string): void => {
    try {
      parseSddl(text, { domainSid: DOM });
    } catch (e) {
      if (!(e instanceof SdParseError)) throw e;
      expect(e.offset === undefined || (e.offset >= 0 && e.offset <= text.length)).toBe(true);
    }
  };
  const sddlChars = fc.constantFrom(
    ..."OGDSAPIRNOCXUL();:-0123456789abcdefxS ".split(""),
    "D:",
    "(A;",
    ";;;",
    "WD)",
    "S-1-5-21-",
    "OA;CI",
    ")(",
    "NO_ACCESS_CONTROL",
  );

  it("random strings give a descriptor or SdParseError", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), onlySdParseError), { numRuns: 3000 });
  });

  it("SDDL-flavoured token soup gives a descriptor or SdParseError", () => {
    fc.assert(
      fc.property(
        fc.array(sddlChars, { maxLength: 80 }).map((a) => a.join("")),
        onlySdParseError,
      ),
      { numRuns: 5000 },
    );
  });

  it("mutated valid SDDL gives a descriptor or SdParseError", () => {
    const arb = fc.tuple(
      arbSddlSd,
      fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(arb, ([sd, edits]) => {
        let text = formatSddl(sd, { domainSid: DOM });
        for (const [at, s] of edits) {
          const i = text.length === 0 ? 0 : at % text.length;
          text = text.slice(0, i) + s + text.slice(i + 1);
        }
        onlySdParseError(text);
      }),
      { numRuns: 3000 },
    );
  });
});
