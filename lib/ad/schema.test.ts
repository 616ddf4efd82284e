import { describe, expect, it } from "vitest";
import {
  ATTRIBUTES,
  CLASS_COMPUTER,
  CLASS_USER,
  classGuid,
  CONTROL_ACCESS_RIGHTS,
  describeGuid,
  LOCKOUT_TIME,
  NETWORK_LOGON_SIDS,
  OBJECT_CLASSES,
  PASSWORD_RIGHTS,
  PROPERTY_SETS,
  PWD_LAST_SET,
  RIGHT_DISPLAY_NAMES,
  USER_ACCOUNT_RESTRICTIONS,
} from "./schema";
import { UnknownObjectClassError } from "./errors";
import { isGuid } from "./guid";

describe("catalogue", () => {
  it("holds well-formed, unique, lower-case GUIDs", () => {
    const guids = [...CONTROL_ACCESS_RIGHTS, ...PROPERTY_SETS, ...ATTRIBUTES, ...OBJECT_CLASSES].map(
      (x) => x.guid,
    );
    for (const g of guids) expect(isGuid(g) && g === g.toLowerCase()).toBe(true);
    expect(new Set(guids).size).toBe(guids.length);
  });

  it("puts pwdLastSet in User-Account-Restrictions and lockoutTime in no property set (DOMAIN.md)", () => {
    expect(ATTRIBUTES.find((a) => a.guid === PWD_LAST_SET)?.propertySet).toBe(USER_ACCOUNT_RESTRICTIONS);
    expect(ATTRIBUTES.find((a) => a.guid === LOCKOUT_TIME)?.propertySet).toBeNull();
    expect(PASSWORD_RIGHTS.find((r) => r.name === "writePwdLastSet")?.objectTypePath).toEqual([
      USER_ACCOUNT_RESTRICTIONS,
      PWD_LAST_SET,
    ]);
  });

  it("names rights for people", () => {
    expect(RIGHT_DISPLAY_NAMES).toEqual({
      resetPassword: "Reset Password",
      changePassword: "Change Password",
      writeLockoutTime: "Write lockoutTime",
      writePwdLastSet: "Write pwdLastSet",
      unexpirePassword: "Unexpire Password",
    });
    expect(describeGuid("00299570-246D-11D0-A768-00AA006E0529")).toBe("Reset Password");
    expect(describeGuid(USER_ACCOUNT_RESTRICTIONS)).toBe("property set User-Account-Restrictions");
  });

  it("resolves classes by lDAPDisplayName (any case) or GUID", () => {
    expect(classGuid("user")).toBe(CLASS_USER);
    expect(classGuid("Computer")).toBe(CLASS_COMPUTER);
    expect(classGuid(CLASS_USER.toUpperCase())).toBe(CLASS_USER);
    expect(() => classGuid("printQueue")).toThrow(UnknownObjectClassError);
  });

  it("lists the network-logon SIDs", () => {
    expect(NETWORK_LOGON_SIDS).toEqual(["S-1-1-0", "S-1-5-11", "S-1-5-2", "S-1-5-15"]);
  });
});
