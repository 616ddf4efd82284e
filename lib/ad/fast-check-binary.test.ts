import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { effectiveRights, networkLogonToken } from "./access-check";
import { SdParseError, UnknownObjectClassError } from "./errors";
import { effectiveRightsFromBinary, prepareToken } from "./fast-check-binary";
import { computeChildSecurityDescriptor } from "./inheritance";
import { parseSddl } from "./sddl";
import { parseSecurityDescriptor, serializeSecurityDescriptor } from "./security-descriptor";
import {
  arbBinarySd,
  arbCheckSd,
  CHECK_CLASSES,
  CONNECTOR_GROUP_SID,
  CONNECTOR_SID,
  OTHER_SID,
  TEST_DOMAIN_SID,
} from "./test-arbitraries";
import { domainRootSddl, userExplicitSddl, writebackDelegation } from "./test-vectors";

const token = networkLogonToken(CONNECTOR_SID, [CONNECTOR_GROUP_SID]);
const prepared = prepareToken(token);

describe("effectiveRightsFromBinary", () => {
  it("decides a realistic delegated user like the object path", () => {
    const dom = { domainSid: TEST_DOMAIN_SID };
    const root = parseSddl(domainRootSddl(writebackDelegation(CONNECTOR_GROUP_SID)), dom);
    const user = computeChildSecurityDescriptor(root, parseSddl(userExplicitSddl(), dom), {
      objectClass: "user",
      isContainer: true,
    });
    const bytes = serializeSecurityDescriptor(user);
    expect(effectiveRightsFromBinary(bytes, prepared, "user")).toEqual({
      resetPassword: true,
      changePassword: true,
      writeLockoutTime: true,
      writePwdLastSet: true,
      unexpirePassword: false,
    });
    expect(effectiveRightsFromBinary(bytes, prepareToken(networkLogonToken(OTHER_SID, [])), "user")).toEqual(
      effectiveRights(user, networkLogonToken(OTHER_SID, []), "user"),
    );
    expect(
      effectiveRightsFromBinary(serializeSecurityDescriptor(root), prepared, "domainDNS").unexpirePassword,
    ).toBe(true);
  });

  it("refuses an unknown class like the object path", () => {
    expect(() =>
      effectiveRightsFromBinary(serializeSecurityDescriptor(parseSddl("D:")), prepared, "nope"),
    ).toThrow(UnknownObjectClassError);
  });

  it("agrees with parse + effectiveRights on random descriptors (property)", () => {
    const arb = fc.tuple(
      arbCheckSd,
      fc.constantFrom(...CHECK_CLASSES),
      fc.subarray([CONNECTOR_GROUP_SID, OTHER_SID]),
    );
    fc.assert(
      fc.property(arb, ([sd, objectClass, groups]) => {
        const t = networkLogonToken(CONNECTOR_SID, groups);
        const bytes = serializeSecurityDescriptor(sd);
        expect(effectiveRightsFromBinary(bytes, prepareToken(t), objectClass)).toEqual(
          effectiveRights(parseSecurityDescriptor(bytes), t, objectClass),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees on arbitrary binary descriptors too (odd control bits, raw ACEs, application data)", () => {
    fc.assert(
      fc.property(arbBinarySd, fc.constantFrom(...CHECK_CLASSES), (sd, objectClass) => {
        const bytes = serializeSecurityDescriptor(sd);
        expect(effectiveRightsFromBinary(bytes, prepared, objectClass)).toEqual(
          effectiveRights(parseSecurityDescriptor(bytes), token, objectClass),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("on damaged bytes gives SdParseError or, when the full parser accepts them, the same answer", () => {
    const arb = fc.tuple(
      arbCheckSd,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
    );
    fc.assert(
      fc.property(arb, ([sd, edits, cut]) => {
        const b = serializeSecurityDescriptor(sd).slice();
        for (const [at, v] of edits) b[at % b.length] = v;
        const bytes = b.subarray(0, Math.max(0, b.length - (cut % 8)));
        let fast: unknown;
        try {
          fast = effectiveRightsFromBinary(bytes, prepared, "user");
        } catch (e) {
          if (!(e instanceof SdParseError)) throw e;
          fast = "error";
        }
        let full: unknown;
        try {
          full = effectiveRights(parseSecurityDescriptor(bytes), token, "user");
        } catch (e) {
          if (!(e instanceof SdParseError)) throw e;
          full = "error";
        }
        // The fast path validates only what it reads, so it may answer where the full parser refuses.
        if (full !== "error") expect(fast).toEqual(full);
      }),
      { numRuns: 3000 },
    );
  });
});
