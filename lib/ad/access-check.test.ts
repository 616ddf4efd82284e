import { describe, expect, it } from "vitest";
import { checkRights, effectiveRights, networkLogonToken, RIGHT_NAMES, type RightName } from "./access-check";
import { CLASS_USER, LOCKOUT_TIME, PWD_LAST_SET, RESET_PASSWORD, USER_ACCOUNT_RESTRICTIONS } from "./schema";
import { UnknownObjectClassError } from "./errors";
import { computeChildSecurityDescriptor } from "./inheritance";
import { parseSddl } from "./sddl";
import { CONNECTOR_GROUP_SID, CONNECTOR_SID, OTHER_SID, TEST_DOMAIN_SID } from "./test-arbitraries";
import { domainRootSddl, userExplicitSddl, writebackDelegation } from "./test-vectors";

const DOM = TEST_DOMAIN_SID;
const token = networkLogonToken(CONNECTOR_SID, [CONNECTOR_GROUP_SID]);
const USER = CLASS_USER;

function rights(dacl: string, objectClass = "user", t = token): Record<RightName, boolean> {
  return effectiveRights(parseSddl(`O:DAG:DU${dacl}`, { domainSid: DOM }), t, objectClass);
}

const NONE: Record<RightName, boolean> = {
  resetPassword: false,
  changePassword: false,
  writeLockoutTime: false,
  writePwdLastSet: false,
  unexpirePassword: false,
};

describe("networkLogonToken", () => {
  it("adds the four network-logon SIDs and canonicalises", () => {
    const t = networkLogonToken(CONNECTOR_SID.toLowerCase(), [CONNECTOR_GROUP_SID]);
    expect(t.principal).toBe(CONNECTOR_SID);
    expect([...t.sids].sort()).toEqual(
      [CONNECTOR_SID, CONNECTOR_GROUP_SID, "S-1-1-0", "S-1-5-11", "S-1-5-15", "S-1-5-2"].sort(),
    );
  });
  it("rejects a malformed SID", () => {
    expect(() => networkLogonToken("S-1-5-x", [])).toThrow(/not a SID/);
  });
  it("exports the five right names", () => {
    expect(RIGHT_NAMES).toEqual([
      "resetPassword",
      "changePassword",
      "writeLockoutTime",
      "writePwdLastSet",
      "unexpirePassword",
    ]);
  });
});

describe("checkRights: the writeback delegation", () => {
  // Microsoft's three ACEs on the domain root, as a user below it inherits them (MS-DTYP 2.5.3.4).
  const root = parseSddl(domainRootSddl(writebackDelegation(CONNECTOR_SID)), { domainSid: DOM });
  const user = computeChildSecurityDescriptor(root, parseSddl(userExplicitSddl(), { domainSid: DOM }), {
    objectClass: "user",
    isContainer: true,
  });

  it("grants Reset Password, lockoutTime and pwdLastSet on a user below, and explains each", () => {
    const d = checkRights(user, token, "user", { domainSid: DOM });
    expect(d.resetPassword.granted).toBe(true);
    expect(d.resetPassword.decidingAce?.sddl).toBe(`(OA;CIID;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})`);
    expect(d.resetPassword.decidingAce?.effect).toBe("allow");
    expect(d.resetPassword.reason).toMatch(
      /^granted by ACE \d+ .*object type Reset Password, trustee: the account itself/,
    );
    expect(d.writeLockoutTime.decidingAce?.sddl).toBe(
      `(OA;CIID;WP;${LOCKOUT_TIME};${USER};${CONNECTOR_SID})`,
    );
    expect(d.writePwdLastSet.decidingAce?.sddl).toBe(`(OA;CIID;WP;${PWD_LAST_SET};${USER};${CONNECTOR_SID})`);
    // The default user DACL lets Everyone change a password (the old one must be known).
    expect(d.changePassword).toMatchObject({
      granted: true,
      decidingAce: { sddl: "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)" },
    });
    expect(user.dacl?.aces.indexOf(user.dacl.aces[d.resetPassword.decidingAce?.index ?? -1]!)).toBe(
      d.resetPassword.decidingAce?.index,
    );
  });

  it("gives nothing to an unrelated account", () => {
    const other = networkLogonToken(OTHER_SID, []);
    const d = checkRights(user, other, "user");
    expect(d.resetPassword).toEqual({ granted: false, decidingAce: null, reason: "no ACE grants it" });
    expect(d.writeLockoutTime.granted).toBe(false);
  });

  it("grants Unexpire Password on the domain object to Authenticated Users by default", () => {
    const d = checkRights(root, networkLogonToken(OTHER_SID, []), "domainDNS", { domainSid: DOM });
    expect(d.unexpirePassword.granted).toBe(true);
    expect(d.unexpirePassword.decidingAce?.sddl).toBe("(OA;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;AU)");
    // The delegation ACEs are inherit-only on the root itself.
    expect(d.resetPassword.granted).toBe(false);
  });

  it("does not reach computer or inetOrgPerson objects (InheritedObjectType is the exact class)", () => {
    for (const objectClass of ["computer", "inetOrgPerson"]) {
      const child = computeChildSecurityDescriptor(root, parseSddl("O:DAG:DUD:", { domainSid: DOM }), {
        objectClass,
        isContainer: true,
      });
      expect(effectiveRights(child, token, objectClass)).toMatchObject({
        resetPassword: false,
        writeLockoutTime: false,
        writePwdLastSet: false,
      });
    }
    // An ACE that sits on the object without INHERIT_ONLY applies whatever class its InheritedObjectType names:
    // the check ignores that field (MS-DTYP 2.5.3.2; confirmed against Samba by the differential suite).
    expect(rights(`D:(OA;;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})`, "computer").resetPassword).toBe(
      true,
    );
    expect(
      rights(`D:(OA;CIIO;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})`, "computer").resetPassword,
    ).toBe(false);
  });

  it("is blocked by a protected user DACL", () => {
    const blocked = computeChildSecurityDescriptor(
      root,
      parseSddl(userExplicitSddl("", "P"), { domainSid: DOM }),
      { objectClass: "user", isContainer: true },
    );
    expect(effectiveRights(blocked, token, "user")).toMatchObject({
      resetPassword: false,
      writeLockoutTime: false,
      writePwdLastSet: false,
    });
  });
});

describe("checkRights: access-check rules (MS-DTYP 2.5.3.2, MS-ADTS 5.1.3.3.3/4)", () => {
  const reset = `(OA;;CR;${RESET_PASSWORD};;${CONNECTOR_SID})`;

  it("a deny before the allow wins, and is named", () => {
    const sd = parseSddl(`D:(OD;;CR;${RESET_PASSWORD};;${CONNECTOR_SID})${reset}`);
    const d = checkRights(sd, token, "user");
    expect(d.resetPassword).toMatchObject({ granted: false, decidingAce: { index: 0, effect: "deny" } });
    expect(d.resetPassword.reason).toMatch(/^denied by ACE 0/);
  });

  it("an allow before the deny wins", () => {
    expect(rights(`D:${reset}(OD;;CR;${RESET_PASSWORD};;${CONNECTOR_SID})`).resetPassword).toBe(true);
  });

  it("a deny for another right does not matter", () => {
    expect(rights(`D:(OD;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;${CONNECTOR_SID})${reset}`)).toMatchObject(
      { resetPassword: true, changePassword: false },
    );
  });

  it("WP on the User-Account-Restrictions property set grants pwdLastSet, not lockoutTime", () => {
    expect(rights(`D:(OA;;WP;${USER_ACCOUNT_RESTRICTIONS};;${CONNECTOR_SID})`)).toEqual({
      ...NONE,
      writePwdLastSet: true,
    });
  });

  it("a deny on the property set beats a later allow on pwdLastSet", () => {
    const r = rights(
      `D:(OD;;WP;${USER_ACCOUNT_RESTRICTIONS};;${CONNECTOR_SID})(OA;;WP;${PWD_LAST_SET};;${CONNECTOR_SID})`,
    );
    expect(r.writePwdLastSet).toBe(false);
  });

  it("a deny on lockoutTime leaves pwdLastSet alone", () => {
    expect(rights(`D:(OD;;WP;${LOCKOUT_TIME};;WD)(A;;WP;;;${CONNECTOR_SID})`)).toEqual({
      ...NONE,
      writePwdLastSet: true,
    });
  });

  it("WP without an object type grants both attribute writes, but no control access right", () => {
    expect(rights(`D:(A;;WP;;;${CONNECTOR_SID})`)).toEqual({
      ...NONE,
      writeLockoutTime: true,
      writePwdLastSet: true,
    });
  });

  it("an object ACE naming the object's own class covers every property and right of it", () => {
    expect(rights(`D:(OA;;CRWP;${USER};;${CONNECTOR_SID})`)).toEqual({
      resetPassword: true,
      changePassword: true,
      writeLockoutTime: true,
      writePwdLastSet: true,
      unexpirePassword: true,
    });
    expect(rights(`D:(OA;;CRWP;${USER};;${CONNECTOR_SID})`, "computer")).toEqual(NONE);
  });

  it("CR without an object type grants every control access right (Windows; Samba 4.17 also grants writes)", () => {
    expect(rights(`D:(OA;CIID;CR;;${USER};${CONNECTOR_SID})`)).toEqual({
      ...NONE,
      resetPassword: true,
      changePassword: true,
      unexpirePassword: true,
    });
  });

  it("GENERIC_ALL maps to all DS rights; GENERIC_WRITE to WP only", () => {
    expect(rights(`D:(A;;GA;;;${CONNECTOR_SID})`)).toEqual({
      resetPassword: true,
      changePassword: true,
      writeLockoutTime: true,
      writePwdLastSet: true,
      unexpirePassword: true,
    });
    expect(rights(`D:(A;;GW;;;${CONNECTOR_SID})`)).toEqual({
      ...NONE,
      writeLockoutTime: true,
      writePwdLastSet: true,
    });
    expect(rights(`D:(A;;GRGX;;;${CONNECTOR_SID})`)).toEqual(NONE);
    expect(rights(`D:(D;;GA;;;${CONNECTOR_SID})(A;;GA;;;${CONNECTOR_SID})`)).toEqual(NONE);
  });

  it("skips inherit-only ACEs on the object itself", () => {
    expect(rights(`D:(OA;CIIO;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})`)).toEqual(NONE);
    expect(rights(`D:(OD;CIIO;CR;${RESET_PASSWORD};;${CONNECTOR_SID})${reset}`).resetPassword).toBe(true);
  });

  it("counts group membership and the network-logon SIDs, not unrelated groups", () => {
    expect(rights(`D:(OA;;CR;${RESET_PASSWORD};;${CONNECTOR_GROUP_SID})`).resetPassword).toBe(true);
    expect(rights(`D:(OA;;CR;${RESET_PASSWORD};;${OTHER_SID})`).resetPassword).toBe(false);
    for (const alias of ["WD", "AU", "NU", "S-1-5-15"])
      expect(rights(`D:(OA;;CR;${RESET_PASSWORD};;${alias})`).resetPassword).toBe(true);
    expect(rights(`D:(OA;;CR;${RESET_PASSWORD};;BA)`).resetPassword).toBe(false);
  });

  it("matches PRINCIPAL_SELF only with the object's SID", () => {
    const sd = parseSddl("D:(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)");
    expect(effectiveRights(sd, token, "user").changePassword).toBe(false);
    expect(effectiveRights(sd, token, "user", { selfSid: CONNECTOR_SID }).changePassword).toBe(true);
    expect(effectiveRights(sd, token, "user", { selfSid: OTHER_SID }).changePassword).toBe(false);
  });

  it("grants everything without a DACL and nothing with an empty one", () => {
    const all = {
      resetPassword: true,
      changePassword: true,
      writeLockoutTime: true,
      writePwdLastSet: true,
      unexpirePassword: true,
    };
    expect(effectiveRights(parseSddl("O:SYD:NO_ACCESS_CONTROL"), token, "user")).toEqual(all);
    expect(effectiveRights(parseSddl("O:SY"), token, "user")).toEqual(all);
    expect(checkRights(parseSddl("O:SY"), token, "user").resetPassword.reason).toMatch(/no DACL/);
    expect(effectiveRights(parseSddl("O:SYD:"), token, "user")).toEqual(NONE);
  });

  it("ignores ownership (the owner gets only READ_CONTROL and WRITE_DAC)", () => {
    expect(effectiveRights(parseSddl(`O:${CONNECTOR_SID}D:`), token, "user")).toEqual(NONE);
  });

  it("ignores audit ACEs in a DACL and unknown ACE types", () => {
    const sd = parseSddl(`D:(AU;SA;CR;;;${CONNECTOR_SID})`);
    sd.dacl?.aces.push({ type: 0x0b, flags: 0, raw: new Uint8Array(40) });
    expect(effectiveRights(sd, token, "user")).toEqual(NONE);
  });

  it("accepts a class GUID, and refuses an unknown class name", () => {
    expect(
      rights(`D:(OA;CIID;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})`, USER.toUpperCase()).resetPassword,
    ).toBe(true);
    expect(() => rights("D:", "printQueue")).toThrow(UnknownObjectClassError);
  });
});
