import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  ACCESS_DENIED_OBJECT_ACE_TYPE,
  aceToSddl,
  guidFromBytes,
  guidToBytes,
  type LabAce,
  parseLabSd,
  SE_DACL_PROTECTED,
  serializeLabSd,
  sidFromBytes,
  sidToBytes,
} from "./sd-codec";

describe("lab sd-codec", () => {
  it("SIDs round-trip, including the 48-bit authority", () => {
    for (const sid of [
      "S-1-1-0",
      "S-1-5-11",
      "S-1-5-21-1344941190-1360528147-2979615484-1106",
      "S-1-5-32-544",
      "S-1-16-12288",
    ]) {
      expect(sidFromBytes(sidToBytes(sid)).sid).toBe(sid);
    }
  });

  it("GUIDs use the mixed-endian layout (MS-DTYP 2.3.4.2)", () => {
    const bytes = guidToBytes("00299570-246d-11d0-a768-00aa006e0529");
    expect(Buffer.from(bytes).toString("hex")).toBe("709529006d24d011a76800aa006e0529");
    expect(guidFromBytes(bytes)).toBe("00299570-246d-11d0-a768-00aa006e0529");
  });

  const guid = fc.uuid().map((u) => u.toLowerCase());
  const sid = fc
    .tuple(
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 5 }),
    )
    .map(([a, subs]) => ["S-1", String(a % 1000), ...subs.map(String)].join("-"));
  const ace: fc.Arbitrary<LabAce> = fc.oneof(
    fc.record({
      kind: fc.constant("basic" as const),
      type: fc.constant(ACCESS_ALLOWED_ACE_TYPE),
      flags: fc.integer({ min: 0, max: 0x1f }),
      mask: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      sid,
    }),
    fc.record(
      {
        kind: fc.constant("object" as const),
        type: fc.constantFrom(ACCESS_ALLOWED_OBJECT_ACE_TYPE, ACCESS_DENIED_OBJECT_ACE_TYPE),
        flags: fc.integer({ min: 0, max: 0x1f }),
        mask: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        objectType: guid,
        inheritedObjectType: guid,
        sid,
      },
      { requiredKeys: ["kind", "type", "flags", "mask", "sid"] },
    ),
  );

  it("descriptors round-trip through bytes (property)", () => {
    fc.assert(
      fc.property(fc.array(ace, { maxLength: 6 }), sid, fc.boolean(), (aces, owner, protect) => {
        const sd = {
          revision: 1,
          control: 0x8004 | (protect ? SE_DACL_PROTECTED : 0),
          owner: sidToBytes(owner),
          dacl: { revision: 4, aces },
        };
        const bytes = serializeLabSd(sd);
        const back = parseLabSd(bytes);
        expect(back.dacl?.aces.map(aceToSddl)).toEqual(aces.map(aceToSddl));
        expect(Buffer.from(serializeLabSd(back)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it("prints ACEs in SDDL shape", () => {
    const a: LabAce = {
      kind: "object",
      type: ACCESS_ALLOWED_OBJECT_ACE_TYPE,
      flags: 0x0a,
      mask: 0x100,
      objectType: "00299570-246d-11d0-a768-00aa006e0529",
      inheritedObjectType: "bf967aba-0de6-11d0-a285-00aa003049e2",
      sid: "S-1-5-11",
    };
    expect(aceToSddl(a)).toBe(
      "(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-11)",
    );
  });
});
