import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SdParseError } from "./errors";
import { guidToBytes, readGuid } from "./guid";
import {
  parseSecurityDescriptor,
  SE_DACL_PRESENT,
  SE_SELF_RELATIVE,
  serializeSecurityDescriptor,
  type SecurityDescriptor,
} from "./security-descriptor";
import { readSid, sidToBytes } from "./sid";
import { arbBinarySd } from "./test-arbitraries";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// O:BAG:BAD:(A;;GA;;;WD), laid out by hand from MS-DTYP 2.4.6 / 2.4.5 / 2.4.4.2 / 2.4.2.
const SIMPLE = hex(`
  01 00 04 80  14 00 00 00  24 00 00 00  00 00 00 00  34 00 00 00
  01 02 00 00 00 00 00 05  20 00 00 00  20 02 00 00
  01 02 00 00 00 00 00 05  20 00 00 00  20 02 00 00
  02 00 1c 00  01 00 00 00
  00 00 14 00  00 00 00 10  01 01 00 00 00 00 00 01  00 00 00 00
`);

describe("GUID wire form (MS-DTYP 2.3.4)", () => {
  it("is mixed-endian: Data1..3 little-endian, Data4 as is", () => {
    expect(toHex(guidToBytes("bf967aba-0de6-11d0-a285-00aa003049e2"))).toBe(
      "ba7a96bfe60dd011a28500aa003049e2",
    );
    expect(readGuid(hex("ba7a96bfe60dd011a28500aa003049e2"), 0)).toBe("bf967aba-0de6-11d0-a285-00aa003049e2");
  });
  it("accepts upper case and prints lower case", () => {
    expect(readGuid(guidToBytes("00299570-246D-11D0-A768-00AA006E0529"), 0)).toBe(
      "00299570-246d-11d0-a768-00aa006e0529",
    );
  });
});

describe("SID binary form (MS-DTYP 2.4.2)", () => {
  it("encodes authority big-endian and sub-authorities little-endian", () => {
    expect(toHex(sidToBytes("S-1-5-21-1-2-3-512"))).toBe(
      "010500000000000515000000010000000200000003000000" + "00020000",
    );
  });
  it("prints authorities from 2^32 up in hex (MS-DTYP 2.4.2.1)", () => {
    const b = sidToBytes("S-1-0x00ffffffff01-7");
    expect(readSid(b, 0, b.length).sid).toBe("S-1-0x00FFFFFFFF01-7");
    expect(toHex(b.subarray(2, 8))).toBe("00ffffffff01");
    expect(readSid(sidToBytes("S-1-4294967295-3-4"), 0, 16).sid).toBe("S-1-4294967295-3-4");
  });
  it("rejects a count above 15 and a wrong revision", () => {
    expect(() => readSid(hex("0110000000000005"), 0, 8)).toThrow(SdParseError);
    expect(() => readSid(hex("0200000000000005"), 0, 8)).toThrow(/revision/);
  });
});

describe("parseSecurityDescriptor", () => {
  it("reads a hand-made descriptor", () => {
    const sd = parseSecurityDescriptor(SIMPLE);
    expect(sd).toEqual({
      revision: 1,
      sbz1: 0,
      control: SE_SELF_RELATIVE | SE_DACL_PRESENT,
      owner: "S-1-5-32-544",
      group: "S-1-5-32-544",
      sacl: null,
      dacl: { revision: 2, aces: [{ type: 0, flags: 0, mask: 0x10000000, sid: "S-1-1-0" }] },
    });
    expect(toHex(serializeSecurityDescriptor(sd))).toBe(toHex(SIMPLE));
  });

  it("reads object ACEs with both GUIDs", () => {
    const sd: SecurityDescriptor = {
      revision: 1,
      sbz1: 0,
      control: SE_SELF_RELATIVE | SE_DACL_PRESENT,
      owner: null,
      group: null,
      sacl: null,
      dacl: {
        revision: 4,
        aces: [
          {
            type: 5,
            flags: 0x0a,
            mask: 0x100,
            sid: "S-1-5-21-1-2-3-1105",
            objectType: "00299570-246d-11d0-a768-00aa006e0529",
            inheritedObjectType: "bf967aba-0de6-11d0-a285-00aa003049e2",
          },
        ],
      },
    };
    const bytes = serializeSecurityDescriptor(sd);
    // ACE: header, mask, flags=3, two GUIDs, SID of 5 sub-authorities: 4+4+4+32+28 = 72 bytes
    expect(bytes.length).toBe(20 + 8 + 72);
    expect(toHex(bytes.subarray(28, 40))).toBe("050a4800" + "00010000" + "03000000");
    expect(toHex(bytes.subarray(40, 56))).toBe("709529006d24d011a76800aa006e0529");
    expect(parseSecurityDescriptor(bytes)).toEqual(sd);
  });

  it("keeps unknown ACE types and application data byte for byte", () => {
    const sd: SecurityDescriptor = {
      revision: 1,
      sbz1: 0,
      control: SE_SELF_RELATIVE | SE_DACL_PRESENT,
      owner: null,
      group: null,
      sacl: null,
      dacl: {
        revision: 2,
        aces: [
          { type: 0x11, flags: 0, raw: hex("01000000 0101000000000010 00300000") }, // mandatory label
          { type: 0x09, flags: 0x02, raw: hex("ff0f1f00 010100000000000100000000 61727478 01020304") }, // callback
          { type: 0, flags: 0, mask: 1, sid: "S-1-1-0", applicationData: hex("deadbeef") },
        ],
      },
    };
    const bytes = serializeSecurityDescriptor(sd);
    const back = parseSecurityDescriptor(bytes);
    expect(back).toEqual(sd);
    expect(toHex(serializeSecurityDescriptor(back))).toBe(toHex(bytes));
  });

  it("round-trips Windows' component order (SACL, DACL, owner, group) byte for byte", () => {
    const sd = parseSecurityDescriptor(SIMPLE);
    const windows = hex(`
      01 00 04 80  30 00 00 00  40 00 00 00  00 00 00 00  14 00 00 00
      02 00 1c 00  01 00 00 00
      00 00 14 00  00 00 00 10  01 01 00 00 00 00 00 01  00 00 00 00
      01 02 00 00 00 00 00 05  20 00 00 00  20 02 00 00
      01 02 00 00 00 00 00 05  20 00 00 00  20 02 00 00
    `);
    const parsed = parseSecurityDescriptor(windows);
    expect(parsed).toEqual(sd);
    expect(toHex(serializeSecurityDescriptor(parsed))).toBe(toHex(windows));
    // A descriptor built without a layout hint uses MS-DTYP field order.
    expect(toHex(serializeSecurityDescriptor({ ...parsed }))).toBe(toHex(SIMPLE));
  });

  it("keeps ACL padding and reserved bytes", () => {
    const padded = hex(`
      01 00 04 80  00 00 00 00  00 00 00 00  00 00 00 00  14 00 00 00
      02 05 20 00  01 00 07 00
      00 00 14 00  00 00 00 10  01 01 00 00 00 00 00 01  00 00 00 00
      aa bb cc dd
    `);
    expect(toHex(serializeSecurityDescriptor(parseSecurityDescriptor(padded)))).toBe(toHex(padded));
  });

  it("reads SE_DACL_PRESENT with offset 0 as a NULL DACL", () => {
    const sd = parseSecurityDescriptor(hex("01000480" + "00".repeat(16)));
    expect(sd.dacl).toBeNull();
    expect(sd.control & SE_DACL_PRESENT).toBeTruthy();
  });

  const bad: [string, string, RegExp][] = [
    ["too short", "010004800000", /header is 20/],
    ["absolute format", "01000400" + "00".repeat(16), /self-relative/],
    ["owner offset into the header", "01000480" + "08000000" + "00".repeat(12), /outside/],
    ["owner offset past the end", "01000480" + "ff000000" + "00".repeat(12), /outside/],
    ["ACL size past the end", "01000480" + "00".repeat(12) + "14000000" + "0200ff000000" + "0000", /AclSize/],
    ["AceSize 0", "01000480" + "00".repeat(12) + "14000000" + "02000c0001000000" + "00000000", /AceSize 0/],
    [
      "AceCount larger than AclSize holds",
      "01000480" + "00".repeat(12) + "14000000" + "02000800ffff0000",
      /runs past AclSize/,
    ],
    [
      "SID past its ACE",
      "01000480" +
        "00".repeat(12) +
        "14000000" +
        "0200180001000000" +
        "00001000" +
        "00000010" +
        "0105000000000005",
      /SID/,
    ],
    [
      "object ACE with undefined flags",
      "01000480" +
        "00".repeat(12) +
        "14000000" +
        "0200200001000000" +
        "05001800" +
        "00010000" +
        "04000000" +
        "010100000000000100000000",
      /undefined bits/,
    ],
  ];
  it.each(bad)("rejects %s with SdParseError", (_name, bytes, message) => {
    let error: unknown;
    try {
      parseSecurityDescriptor(hex(bytes));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SdParseError);
    expect((error as SdParseError).kind).toBe("binary");
    expect((error as SdParseError).message).toMatch(message);
    expect(typeof (error as SdParseError).offset).toBe("number");
  });
});

describe("binary round trip (property)", () => {
  it("parse(serialize(sd)) equals sd, and serialize(parse(bytes)) equals bytes", () => {
    fc.assert(
      fc.property(arbBinarySd, (sd) => {
        const bytes = serializeSecurityDescriptor(sd);
        const parsed = parseSecurityDescriptor(bytes);
        expect(parsed).toEqual(sd);
        expect(toHex(serializeSecurityDescriptor(parsed))).toBe(toHex(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("binary parser fuzzing", () => {
  const onlySdParseError = (bytes: Uint8Array): void => {
    try {
      const sd = parseSecurityDescriptor(bytes);
      // Whatever parses must serialise again (maybe in a canonical layout).
      parseSecurityDescriptor(serializeSecurityDescriptor(sd));
    } catch (e) {
      if (!(e instanceof SdParseError)) throw e;
    }
  };

  it("random bytes give a descriptor or SdParseError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => onlySdParseError(bytes)),
      { numRuns: 5000 },
    );
  });

  it("random headers with plausible offsets (self-relative bit set) give a descriptor or SdParseError", () => {
    const arb = fc.tuple(
      fc.uint8Array({ minLength: 20, maxLength: 400 }),
      fc.array(fc.integer({ min: 0, max: 420 }), { minLength: 4, maxLength: 4 }),
    );
    fc.assert(
      fc.property(arb, ([body, offsets]) => {
        const b = body.slice();
        b[3] = (b[3] ?? 0) | 0x80;
        offsets.forEach((o, k) => {
          b[4 + 4 * k] = o & 0xff;
          b[5 + 4 * k] = o >> 8;
          b[6 + 4 * k] = 0;
          b[7 + 4 * k] = 0;
        });
        onlySdParseError(b);
      }),
      { numRuns: 3000 },
    );
  });

  it("mutated valid descriptors give a descriptor or SdParseError", () => {
    const arb = fc.tuple(
      arbBinarySd,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.nat(),
    );
    fc.assert(
      fc.property(arb, ([sd, edits, cut]) => {
        const b = serializeSecurityDescriptor(sd).slice();
        for (const [at, v] of edits) b[at % b.length] = v;
        onlySdParseError(b);
        onlySdParseError(b.subarray(0, cut % (b.length + 1)));
      }),
      { numRuns: 3000 },
    );
  });
});
