import { describe, expect, it } from "vitest";
import { type OnPremisesUser } from "@/lib/directory/port";
import { type SyncedUser } from "@/lib/tenant/port";
import { preflightTestUser, refusalSentence } from "./end-to-end-preflight";

const cloud = (overrides: Partial<SyncedUser> = {}): SyncedUser => ({
  id: "u1",
  userPrincipalName: "terry.test@contoso.com",
  displayName: "Terry Test",
  onPremisesSyncEnabled: true,
  onPremisesSecurityIdentifier: "S-1-5-21-1-2-3-1105",
  ...overrides,
});
const onPrem = (overrides: Partial<OnPremisesUser> = {}): OnPremisesUser => ({
  dn: "CN=Terry Test,DC=contoso,DC=test",
  sAMAccountName: "terry.test",
  sid: "S-1-5-21-1-2-3-1105",
  passwordSetAt: null,
  pwdLastSet: null,
  mustChangeAtNextLogon: false,
  disabled: false,
  lockedOut: false,
  neverExpires: false,
  adminCount: null,
  ...overrides,
});
const outcomes = (p: ReturnType<typeof preflightTestUser>) => p.checks.map((c) => `${c.code}:${c.outcome}`);

describe("preflightTestUser", () => {
  it("allows an ordinary, enabled, unlocked, unprotected synchronised user", () => {
    const p = preflightTestUser({ user: cloud(), onPremises: onPrem() });
    expect(p.canReset).toBe(true);
    expect(outcomes(p)).toEqual([
      "synced:ok",
      "found-on-premises:ok",
      "enabled:ok",
      "not-locked-out:ok",
      "not-protected:ok",
    ]);
  });

  it("refuses a cloud-only user and a synchronised user without an on-premises SID", () => {
    const cloudOnly = preflightTestUser({ user: cloud({ onPremisesSyncEnabled: false }), onPremises: null });
    expect(outcomes(cloudOnly)).toEqual(["cloud-only:refuse"]);
    const noSid = preflightTestUser({
      user: cloud({ onPremisesSecurityIdentifier: null }),
      onPremises: null,
    });
    expect(outcomes(noSid)).toEqual(["no-on-premises-sid:refuse"]);
    expect(refusalSentence(noSid)).toMatch(/^The wizard did not reset the password\. Microsoft Graph shows/);
  });

  it("refuses a user the directory does not hold", () => {
    const p = preflightTestUser({ user: cloud(), onPremises: null });
    expect(p.canReset).toBe(false);
    expect(p.checks.at(-1)?.message).toContain("No user with SID S-1-5-21-1-2-3-1105");
  });

  it("refuses disabled, locked-out and protected accounts, each with its own sentence", () => {
    const p = preflightTestUser({
      user: cloud(),
      onPremises: onPrem({ disabled: true, lockedOut: true, adminCount: 1 }),
    });
    expect(p.canReset).toBe(false);
    expect(outcomes(p)).toEqual([
      "synced:ok",
      "found-on-premises:ok",
      "disabled:refuse",
      "locked-out:refuse",
      "protected-account:refuse",
    ]);
    const sentence = refusalSentence(p);
    expect(sentence).toContain("33005");
    expect(sentence).toContain("33006");
    expect(sentence).toContain("33004");
  });

  it("allows a password that never expires with a note, and an unreadable directory with a notice", () => {
    const never = preflightTestUser({ user: cloud(), onPremises: onPrem({ neverExpires: true }) });
    expect(never.canReset).toBe(true);
    expect(outcomes(never).at(-1)).toBe("password-never-expires:note");
    const blind = preflightTestUser({
      user: cloud(),
      onPremises: { unavailable: "no directory connection is configured" },
    });
    expect(blind.canReset).toBe(true);
    expect(outcomes(blind)).toEqual(["synced:ok", "on-premises-unchecked:unknown"]);
    expect(blind.checks[1]?.message).toContain("(no directory connection is configured)");
  });

  it("says unknown, not ok, for account state it could not read", () => {
    const p = preflightTestUser({ user: cloud(), onPremises: onPrem({ disabled: null, lockedOut: null }) });
    expect(outcomes(p)).toContain("enabled-unknown:unknown");
    expect(outcomes(p)).toContain("locked-out-unknown:unknown");
    expect(p.canReset).toBe(true);
  });
});
