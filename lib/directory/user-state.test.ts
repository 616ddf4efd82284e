import { describe, expect, it } from "vitest";
import { dateToFileTime } from "./dn";
import { ATTRTYP_UNICODE_PWD, encodeReplPropertyMetaData } from "./repl-metadata";
import { passwordLanding, userState } from "./user-state";

const DN = "CN=Test,OU=Staff,DC=contoso,DC=test";
const AT = new Date("2026-12-06T10:42:00Z");
const blob = (at: Date) =>
  encodeReplPropertyMetaData([{ attributeType: ATTRTYP_UNICODE_PWD, changedAt: at }]);

describe("userState: a user's password facts and account state from stored attributes", () => {
  it("reads pwdLastSet 0 on an ordinary account as a change due at the next logon", () => {
    const user = userState({
      dn: DN,
      pwdLastSet: "0",
      userAccountControl: 0x200,
      replPropertyMetaData: blob(AT),
    });
    expect(user).toMatchObject({
      passwordSetAt: AT,
      pwdLastSet: null,
      mustChangeAtNextLogon: true,
      neverExpires: false,
      disabled: false,
    });
  });

  it("does not read pwdLastSet 0 as a due change when DONT_EXPIRE_PASSWORD (0x10000) is set", () => {
    const user = userState({ dn: DN, pwdLastSet: "0", userAccountControl: 0x10200 });
    expect(user).toMatchObject({ mustChangeAtNextLogon: false, neverExpires: true });
  });

  it("reads a pwdLastSet date as no change due, and keeps the date", () => {
    const user = userState({ dn: DN, pwdLastSet: dateToFileTime(AT), userAccountControl: 0x200 });
    expect(user).toMatchObject({ mustChangeAtNextLogon: false, pwdLastSet: AT });
  });

  it("reads ACCOUNTDISABLE (0x2) as disabled", () => {
    expect(userState({ dn: DN, userAccountControl: 0x202 }).disabled).toBe(true);
  });

  it("reads lockout from msDS-User-Account-Control-Computed (LOCKOUT 0x10) before lockoutTime", () => {
    expect(userState({ dn: DN, userAccountControl: 0x200, computedUserAccountControl: 0x10 }).lockedOut).toBe(
      true,
    );
    // A lockoutTime left behind by an expired lockout does not count when the DC computes the state.
    expect(
      userState({ dn: DN, userAccountControl: 0x200, computedUserAccountControl: 0, lockoutTime: "1334" })
        .lockedOut,
    ).toBe(false);
    expect(userState({ dn: DN, userAccountControl: 0x200, lockoutTime: "1334" }).lockedOut).toBe(true);
    expect(userState({ dn: DN, userAccountControl: 0x200, lockoutTime: "0" }).lockedOut).toBe(false);
    expect(userState({ dn: DN, userAccountControl: 0x200 }).lockedOut).toBe(false);
    expect(userState({ dn: DN }).lockedOut).toBeNull();
  });

  it("says why the password time is unknown: no metadata, no unicodePwd stamp, or an unreadable blob", () => {
    expect(userState({ dn: DN }).passwordSetAtError).toMatch(/returned no replPropertyMetaData/);
    expect(
      userState({ dn: DN, replPropertyMetaData: encodeReplPropertyMetaData([]) }).passwordSetAtError,
    ).toMatch(/no unicodePwd stamp/);
    const garbage = userState({ dn: DN, replPropertyMetaData: new Uint8Array([9, 9, 9]) });
    expect(garbage.passwordSetAt).toBeNull();
    expect(garbage.passwordSetAtError).toMatch(/shorter than the 16-byte header/);
  });

  it("leaves facts it cannot read as null rather than guessing", () => {
    expect(userState({ dn: DN })).toMatchObject({
      mustChangeAtNextLogon: null,
      disabled: null,
      neverExpires: null,
      adminCount: null,
    });
  });
});

describe("passwordLanding", () => {
  const user = (at: Date | null, extra = {}) =>
    userState({
      dn: DN,
      pwdLastSet: "0",
      userAccountControl: 0x200,
      replPropertyMetaData: at ? blob(at) : null,
      ...extra,
    });

  it("landed when unicodePwd changed at or after --since, less the skew", () => {
    expect(passwordLanding(user(AT), AT, 0)).toEqual({
      landed: true,
      at: AT,
      mustChangeAtNextLogon: true,
      passwordNeverExpires: false,
    });
    expect(passwordLanding(user(AT), new Date(AT.getTime() + 60_000), 60_000).landed).toBe(true);
    expect(passwordLanding(user(AT), new Date(AT.getTime() + 61_000), 60_000).landed).toBe(false);
  });

  it("not landed without a stamp", () => {
    expect(passwordLanding(user(null), AT, 0)).toMatchObject({ landed: false, at: null });
  });
});
