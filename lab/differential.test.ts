import { describe, expect, it } from "vitest";

import { caseAceToLabAce, caseName, generateCases, knownDivergences } from "./differential";
import { LAB_GUIDS } from "./guids";
import { ACCESS_ALLOWED_OBJECT_ACE_TYPE, type LabAce } from "./sd-codec";

const sids = {
  connector: "S-1-5-21-1-2-3-1106",
  connectorGroup: "S-1-5-21-1-2-3-1102",
  connectorParentGroup: "S-1-5-21-1-2-3-1103",
  unrelatedGroup: "S-1-5-21-1-2-3-1104",
};

describe("differential case generation", () => {
  it("is reproducible from the seed", () => {
    expect(generateCases(1234, 50).map(caseName)).toEqual(generateCases(1234, 50).map(caseName));
    expect(generateCases(1234, 50).map(caseName)).not.toEqual(generateCases(1235, 50).map(caseName));
  });

  it("covers every dimension the brief asks for", () => {
    const aces = generateCases(7, 300).flatMap((c) => c.aces);
    expect(new Set(aces.map((a) => a.objectType)).size).toBe(5);
    expect(new Set(aces.map((a) => a.inheritedObjectType)).size).toBe(3);
    expect(new Set(aces.map((a) => a.flags)).size).toBe(5);
    expect(new Set(aces.map((a) => a.principal)).size).toBe(6);
    expect(new Set(aces.map((a) => a.placement)).size).toBe(3);
    expect(new Set(aces.map((a) => a.allow)).size).toBe(2);
    const cases = generateCases(7, 300);
    expect(new Set(cases.map((c) => c.aces.length))).toEqual(new Set([1, 2, 3]));
    expect(cases.some((c) => c.protectedUser)).toBe(true);
  });

  it("builds Microsoft's delegation shape from a case ACE", () => {
    const ace = caseAceToLabAce(
      {
        allow: true,
        rights: "CR",
        objectType: "resetPassword",
        inheritedObjectType: "user",
        flags: "CIIO",
        principal: "connector",
        placement: "parent",
        forceObjectAce: false,
      },
      sids,
    );
    expect(ace).toEqual({
      kind: "object",
      type: ACCESS_ALLOWED_OBJECT_ACE_TYPE,
      flags: 0x0a,
      mask: 0x100,
      objectType: LAB_GUIDS.resetPassword,
      inheritedObjectType: LAB_GUIDS.userClass,
      sid: sids.connector,
    });
  });
});

describe("known Samba divergences", () => {
  const token = new Set([sids.connector, "S-1-5-11"]);
  const oa = (mask: number, objectType?: string, flags = 0, sid = sids.connector): LabAce => {
    const a: LabAce = {
      kind: "object",
      type: ACCESS_ALLOWED_OBJECT_ACE_TYPE,
      flags,
      mask,
      sid,
      inheritedObjectType: LAB_GUIDS.userClass,
    };
    if (objectType) a.objectType = objectType;
    return a;
  };

  it("flags OA with CR and no ObjectType (LAB.md) and OA with CR on an attribute", () => {
    expect(knownDivergences([oa(0x100)], token)).toEqual([
      "samba-object-ace-cr-without-objecttype-grants-writes",
    ]);
    expect(knownDivergences([oa(0x100, LAB_GUIDS.pwdLastSet)], token)).toEqual([
      "samba-object-ace-cr-on-attribute-grants-write",
    ]);
  });

  it("ignores the ACEs that cannot trigger them", () => {
    expect(knownDivergences([oa(0x100, LAB_GUIDS.resetPassword)], token)).toEqual([]); // an extended right
    expect(knownDivergences([oa(0x120)], token)).toEqual([]); // WP already granted
    expect(knownDivergences([oa(0x100, undefined, 0x0a)], token)).toEqual([]); // inherit-only
    expect(knownDivergences([oa(0x100, undefined, 0, sids.unrelatedGroup)], token)).toEqual([]); // not in the token
  });
});
