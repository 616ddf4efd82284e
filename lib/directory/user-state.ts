// A user's password facts and account state from the attributes a DC stores, the same way for LDAP, a snapshot and
// the sandbox: when the password landed (replPropertyMetaData), whether a change is due at the next sign-in
// (pwdLastSet), and the userAccountControl bits the end-to-end test's pre-flight needs. Pure.

import { fileTimeToDate } from "./dn";
import { DirectoryError } from "./errors";
import { type OnPremisesUser } from "./port";
import { passwordSetAt } from "./repl-metadata";

// ms-fact: uac-account-disable
export const UF_ACCOUNTDISABLE = 0x2;
// ms-fact: uac-computed-lockout
/** In msDS-User-Account-Control-Computed: the stored userAccountControl no longer carries LOCKOUT. */
export const UF_LOCKOUT = 0x10;
// ms-fact: uac-dont-expire-password
export const UF_DONT_EXPIRE_PASSWD = 0x10000;

/** The attributes findUserBySid asks for. */
export const USER_STATE_ATTRIBUTES = [
  "sAMAccountName",
  "objectSid",
  "pwdLastSet",
  "userAccountControl",
  "msDS-User-Account-Control-Computed",
  "lockoutTime",
  "adminCount",
  "replPropertyMetaData",
] as const;

export interface RawUserState {
  dn: string;
  sAMAccountName?: string | null;
  sid?: string | null;
  /** replPropertyMetaData as returned; null or undefined when the server sent none. */
  replPropertyMetaData?: Uint8Array | null;
  /** pwdLastSet as FILETIME ticks (a decimal string). */
  pwdLastSet?: string | null;
  userAccountControl?: number | null;
  /** msDS-User-Account-Control-Computed, when the server computes it. */
  computedUserAccountControl?: number | null;
  lockoutTime?: string | null;
  adminCount?: number | null;
}

export function userState(raw: RawUserState): OnPremisesUser {
  let at: Date | null = null;
  let atError: string | undefined;
  if (raw.replPropertyMetaData) {
    try {
      at = passwordSetAt(raw.replPropertyMetaData);
      if (!at) atError = "the replication metadata holds no unicodePwd stamp (the password was never set)";
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      atError = error.message;
    }
  } else {
    atError = "the domain controller returned no replPropertyMetaData for this user";
  }
  const uac = raw.userAccountControl ?? null;
  const neverExpires = uac === null ? null : (uac & UF_DONT_EXPIRE_PASSWD) !== 0;
  const ticks = raw.pwdLastSet ?? null;
  const pwdLastSetKnown = ticks !== null && /^-?\d+$/.test(ticks);
  // ms-fact: pwdlastset-zero-must-change
  // pwdLastSet 0 forces a change at the next logon, except where DONT_EXPIRE_PASSWORD is set.
  const mustChangeAtNextLogon = !pwdLastSetKnown ? null : ticks === "0" && neverExpires !== true;
  const computed = raw.computedUserAccountControl ?? null;
  const lockedOut =
    computed !== null
      ? (computed & UF_LOCKOUT) !== 0
      : raw.lockoutTime === undefined || raw.lockoutTime === null
        ? uac === null
          ? null
          : false
        : raw.lockoutTime !== "0";
  return {
    dn: raw.dn,
    sAMAccountName: raw.sAMAccountName ?? null,
    sid: raw.sid ?? null,
    passwordSetAt: at,
    ...(atError ? { passwordSetAtError: atError } : {}),
    pwdLastSet: fileTimeToDate(ticks),
    mustChangeAtNextLogon,
    disabled: uac === null ? null : (uac & UF_ACCOUNTDISABLE) !== 0,
    lockedOut,
    neverExpires,
    adminCount: raw.adminCount ?? null,
  };
}

/** What `password-landed` and the end-to-end verdict decide: did the password itself change at or after `since`? */
export interface PasswordLanding {
  landed: boolean;
  /** When the password was set (unicodePwd's originating change), when known. */
  at: Date | null;
  mustChangeAtNextLogon: boolean;
  passwordNeverExpires: boolean;
}

/**
 * The password landed when unicodePwd's originating change time is at or after `since`, less `skewMs` for clocks
 * that disagree (this server, Graph, the DC). pwdLastSet is not the judge: an admin reset sets it to 0.
 */
export function passwordLanding(user: OnPremisesUser, since: Date, skewMs: number): PasswordLanding {
  const at = user.passwordSetAt;
  return {
    landed: at !== null && at.getTime() >= since.getTime() - skewMs,
    at,
    mustChangeAtNextLogon: user.mustChangeAtNextLogon === true,
    passwordNeverExpires: user.neverExpires === true,
  };
}
