// The end-to-end test's pre-flight: before the wizard replaces a password, it looks at the chosen user in the cloud
// and on-premises and says, one sentence per fact, whether the test can prove anything with this user. A refusal
// stops the reset: resetting a user that AD DS will refuse by design only produces a failure that says nothing about
// the writeback set-up. Pure: facts in, sentences out.

import { type OnPremisesUser } from "@/lib/directory/port";
import { type SyncedUser } from "@/lib/tenant/port";

/** ok: fine; note: allowed, worth knowing; refuse: the reset would prove nothing; unknown: could not be checked. */
export type PreflightOutcome = "ok" | "note" | "refuse" | "unknown";

export interface PreflightCheck {
  code: string;
  outcome: PreflightOutcome;
  message: string;
}

export interface PreflightFacts {
  user: SyncedUser;
  /**
   * The user on-premises: the record, null when the directory the wizard reads has no user with that SID, or a
   * sentence saying why it could not be read (no connection, the directory unreachable).
   */
  onPremises: OnPremisesUser | null | { unavailable: string };
}

export interface Preflight {
  canReset: boolean;
  checks: PreflightCheck[];
}

export function preflightTestUser(facts: PreflightFacts): Preflight {
  const { user } = facts;
  const checks: PreflightCheck[] = [];
  const add = (code: string, outcome: PreflightOutcome, message: string) =>
    checks.push({ code, outcome, message });
  const done = () => ({ canReset: !checks.some((c) => c.outcome === "refuse"), checks });

  if (!user.onPremisesSyncEnabled) {
    add(
      "cloud-only",
      "refuse",
      `${user.userPrincipalName} is a cloud-only user: its password lives in the cloud only, so there is nothing to write back. Choose a user synchronised from Active Directory.`,
    );
    return done();
  }
  if (!user.onPremisesSecurityIdentifier) {
    add(
      "no-on-premises-sid",
      "refuse",
      `Microsoft Graph shows ${user.userPrincipalName} as synchronised but gives no on-premises SID (onPremisesSecurityIdentifier), so the wizard could not find the user in Active Directory to see the password arrive. Choose another synchronised user.`,
    );
    return done();
  }
  add(
    "synced",
    "ok",
    `${user.userPrincipalName} is synchronised from Active Directory (SID ${user.onPremisesSecurityIdentifier}).`,
  );

  const onPremises = facts.onPremises;
  if (onPremises !== null && "unavailable" in onPremises) {
    add(
      "on-premises-unchecked",
      "unknown",
      `The wizard could not look at the user in Active Directory (${onPremises.unavailable}), so it cannot say beforehand whether the account is enabled, unlocked and unprotected; the test will still show whether the password arrives.`,
    );
    return done();
  }
  if (onPremises === null) {
    add(
      "not-found-on-premises",
      "refuse",
      `No user with SID ${user.onPremisesSecurityIdentifier} is in the directory the wizard reads, so the wizard could not see the new password arrive. Check that the directory connection covers this user's domain, or choose a user from a domain it reads.`,
    );
    return done();
  }
  add("found-on-premises", "ok", `Found in Active Directory as ${onPremises.dn}.`);

  // ms-fact: disabled-or-locked-refused
  if (onPremises.disabled === true) {
    add(
      "disabled",
      "refuse",
      "The account is disabled in Active Directory, and writeback does not reset disabled accounts (Connect logs event 33005). Enable it first, or choose another user.",
    );
  } else if (onPremises.disabled === false) {
    add("enabled", "ok", "The account is enabled in Active Directory.");
  } else {
    add("enabled-unknown", "unknown", "Whether the account is enabled could not be read.");
  }

  if (onPremises.lockedOut === true) {
    add(
      "locked-out",
      "refuse",
      "The account is locked out in Active Directory, and writeback does not reset locked-out accounts (Connect logs event 33006). Unlock it first, or choose another user.",
    );
  } else if (onPremises.lockedOut === false) {
    add("not-locked-out", "ok", "The account is not locked out.");
  } else {
    add("locked-out-unknown", "unknown", "Whether the account is locked out could not be read.");
  }

  // ms-fact: protected-accounts-not-written-back
  if (onPremises.adminCount === 1) {
    add(
      "protected-account",
      "refuse",
      "The account is protected in Active Directory (adminCount=1, a member or former member of an admin group). Writeback never resets protected accounts, by design (Connect logs event 33004), so this test would fail whatever the set-up. Choose an ordinary user.",
    );
  } else {
    add("not-protected", "ok", "The account is not a protected (admin) account.");
  }

  // ms-fact: never-expires-skips-forced-change
  if (onPremises.neverExpires === true) {
    add(
      "password-never-expires",
      "note",
      "The account has “Password never expires”. The test still works, but Active Directory will not ask this user for a new password at the next sign-in, as it does for other users after an admin reset.",
    );
  }
  return done();
}

/** The refusals in one sentence, for the 422 that stops the reset. */
export function refusalSentence(preflight: Preflight): string {
  const refused = preflight.checks.filter((c) => c.outcome === "refuse").map((c) => c.message);
  return `The wizard did not reset the password. ${refused.join(" ")}`;
}
