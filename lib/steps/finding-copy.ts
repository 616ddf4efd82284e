// What each finding means for a person: how serious it is, a plain title, what it does to writeback and what the
// wizard can do about it. Keyed by the finding's stable code; the checks keep their own detailed sentence (the
// finding's message), this table adds the words around it. Pure data: the browser imports it.

import { FINDING_CODES, type FindingCode } from "./finding-codes";
import { type Finding } from "./types";

/** Shown with an icon and this word, never by colour alone. */
export type FindingSeverity = "blocking" | "warning" | "information";

/** What the wizard itself can do about a finding, offered as a button beside it. */
export type FindingAction = "apply-fix" | "apply-revoke" | "confirm-connector";

export interface FindingCopy {
  severity: FindingSeverity;
  /** A plain title, sentence case, no code. */
  title: string;
  /** A few words for a group's line: "10 users under OU=Legacy: inheritance disabled". */
  short: string;
  /** What it means for password writeback, in one sentence. */
  meaning: string;
  action?: FindingAction;
}

export const SEVERITY_WORDS: Record<FindingSeverity, string> = {
  blocking: "Blocking",
  warning: "Warning",
  information: "Information",
};

/** The copy of the directory checks' codes: every code of finding-codes.ts has one (a test holds this). */
export const DIRECTORY_FINDING_COPY: Record<FindingCode, FindingCopy> = {
  "connector-not-found": {
    severity: "blocking",
    title: "Connector account not found",
    short: "connector account not found",
    meaning:
      "The wizard cannot tell which account writes passwords back, so it cannot check that account's permissions.",
  },
  "connector-ambiguous": {
    severity: "blocking",
    title: "Several possible connector accounts",
    short: "several possible connector accounts",
    meaning: "The permission checks need to know which one Connect uses; pick it on this page.",
    action: "confirm-connector",
  },
  "connector-unconfirmed": {
    severity: "blocking",
    title: "Connector account not confirmed yet",
    short: "connector account not confirmed",
    meaning:
      "The wizard found one likely account; until you confirm it, the permission checks may be judging the wrong account.",
    action: "confirm-connector",
  },
  "missing-delegation": {
    severity: "blocking",
    title: "Connector lacks the writeback permissions",
    short: "connector lacks the writeback permissions",
    meaning: "A password reset in the cloud for these users fails when Connect tries to write it back.",
    action: "apply-fix",
  },
  "denied-by-ace": {
    severity: "blocking",
    title: "A deny entry blocks the connector",
    short: "deny entry blocks the connector",
    meaning: "A deny entry wins over the delegation, so writeback for these users fails until it is removed.",
  },
  "inheritance-disabled": {
    severity: "blocking",
    title: "Permission inheritance is disabled",
    short: "inheritance disabled",
    meaning:
      "The delegation made higher up does not reach these users, so their password resets cannot be written back.",
    action: "apply-fix",
  },
  // ms-fact: protected-accounts-not-written-back
  "protected-account": {
    severity: "warning",
    title: "Protected admin account",
    short: "protected admin accounts",
    meaning: "Writeback to these accounts fails by design; keep them out of self-service password reset.",
  },
  "orphaned-admincount": {
    severity: "blocking",
    title: "Former admin account still marked as protected",
    short: "former admin accounts still protected",
    meaning: "The account kept its admin-era permissions, so the connector cannot write its password back.",
    action: "apply-fix",
  },
  "sd-unreadable": {
    severity: "warning",
    title: "Permissions could not be read",
    short: "permissions unreadable",
    meaning: "The wizard cannot tell whether writeback works for these objects.",
  },
  // ms-fact: unexpire-password-tutorial-entry
  "unexpire-missing": {
    severity: "blocking",
    title: "Connector lacks Unexpire Password on the domain",
    short: "Unexpire Password missing",
    meaning:
      "Microsoft's tutorial asks for this right on the domain object; without it the connector's rights are incomplete.",
    action: "apply-fix",
  },
  // ms-fact: unexpire-password-tutorial-entry
  "unexpire-from-other-entry": {
    severity: "information",
    title: "Unexpire Password comes from another entry",
    short: "Unexpire Password granted through another entry",
    meaning: "Writeback has what it needs; adding the connector's own entry is optional.",
  },
  "change-password-informational": {
    severity: "information",
    title: "Users can change their own password",
    short: "users can change their own password",
    meaning: "Nothing to do.",
  },
  "min-password-age": {
    severity: "blocking",
    title: "Minimum password age is above 0",
    short: "minimum password age above 0",
    meaning:
      "A reset from the cloud may be refused for a user whose password was set more recently than the minimum age.",
  },
  "fgpp-unreadable": {
    severity: "blocking",
    title: "Fine-grained password policies could not be read",
    short: "fine-grained policies unreadable",
    meaning: "The wizard cannot tell whether one of them sets a minimum password age that blocks resets.",
  },
  "fgpp-out-of-scope": {
    severity: "information",
    title: "Fine-grained policy outside the checked scope",
    short: "fine-grained policy outside the scope",
    meaning: "It applies to nobody the wizard checked; nothing to do for these users.",
  },
  // ms-fact: dc-policy-hints-control
  "dc-policy-hints-unsupported": {
    severity: "blocking",
    title: "Domain controller lacks the password-policy hints control",
    short: "domain controllers lack the password-policy hints control",
    meaning: "Every password written back through this domain controller fails.",
  },
  "dc-os-unknown": {
    severity: "warning",
    title: "Domain controller's operating system is not recognised",
    short: "domain controllers with an unrecognised operating system",
    meaning: "Its version says nothing about whether it supports writeback; the control check decides.",
  },
  "dc-os-old": {
    severity: "warning",
    title: "Domain controller runs an old Windows Server",
    short: "domain controllers on an old Windows Server",
    meaning: "Writeback may fail when Connect reaches it.",
  },
  "dc-controls-unread": {
    severity: "warning",
    title: "Domain controller's supported controls could not be read",
    short: "domain controllers not read",
    meaning: "The wizard cannot tell whether writeback through it works.",
  },
  "samserver-read": {
    severity: "information",
    title: "Connector can read the domain password policy",
    short: "connector reads the password policy",
    meaning: "Nothing to do.",
  },
  "pre-windows-2000-access": {
    severity: "information",
    title: "Pre-Windows 2000 Compatible Access includes Authenticated Users",
    short: "broad read access through Pre-Windows 2000 Compatible Access",
    meaning: "Nothing to do.",
  },
  "delegation-still-present": {
    severity: "blocking",
    title: "Writeback permissions are still delegated",
    short: "writeback permissions still delegated",
    meaning: "The connector can still reset these passwords; remove the entries to finish the clean-up.",
    action: "apply-revoke",
  },
  "rights-remain": {
    severity: "blocking",
    title: "Connector still holds writeback rights",
    short: "connector still holds writeback rights",
    meaning: "The connector can still reset these users' passwords from another entry.",
  },
};

/** Codes of the tenant checks and the run itself (not required to have copy; unknown codes fall back). */
const OTHER_COPY: Record<string, FindingCopy> = {
  "replication-window-passed": {
    severity: "blocking",
    title: "Still failing an hour after the change",
    short: "still failing after replication",
    meaning: "This is not replication delay: the findings below are real.",
  },
  "no-premium-licence": {
    severity: "blocking",
    title: "No Entra ID P1 or P2 licence",
    short: "no P1 or P2 licence",
    meaning: "Password writeback is not available without one.",
  },
  "no-admin-role": {
    severity: "blocking",
    title: "No suitable admin role is active",
    short: "no admin role",
    meaning: "The wizard cannot read the tenant settings it checks.",
  },
  "role-needed": {
    severity: "warning",
    title: "Your roles do not cover every step",
    short: "role needed",
    meaning: "Someone else will have to do some steps, or activate a role.",
  },
  "tenant-not-synced": {
    severity: "blocking",
    title: "Tenant does not synchronise from on-premises",
    short: "tenant not synchronised",
    meaning: "Writeback only works for users synchronised from Active Directory.",
  },
  "never-synced": {
    severity: "blocking",
    title: "Synchronisation has never completed",
    short: "never synchronised",
    meaning: "Writeback needs a working Connect or cloud sync installation.",
  },
  "sync-stale": {
    severity: "warning",
    title: "Synchronisation is behind",
    short: "synchronisation behind",
    meaning: "Writeback relies on the sync service running.",
  },
  "sspr-readiness": {
    severity: "information",
    title: "How many users can use self-service password reset",
    short: "SSPR readiness",
    meaning: "Only users in scope and registered can reset their password themselves.",
  },
  "no-automatic-check": {
    severity: "information",
    title: "No automatic check for this step here",
    short: "no automatic check",
    meaning: "A person who did the step can record it by name below.",
  },
  "sign-in-needed": {
    severity: "information",
    title: "Sign in to check the tenant",
    short: "sign-in needed",
    meaning: "The tenant part of the check needs your Microsoft Entra sign-in.",
  },
  "writeback-disabled-since": {
    severity: "blocking",
    title: "Password writeback was turned off",
    short: "writeback turned off",
    meaning: "Password resets in the cloud stay in the cloud.",
  },
  "still-written-back": {
    severity: "blocking",
    title: "Resets are still written back",
    short: "resets still written back",
    meaning: "Writeback is not switched off yet.",
  },
  "written-back-after-disable": {
    severity: "blocking",
    title: "Another Connect server still writes passwords back",
    short: "another Connect server still writes back",
    meaning: "Turning writeback off on one server was not enough.",
  },
  "password-landed": {
    severity: "information",
    title: "The new password reached Active Directory",
    short: "password written back",
    meaning: "Writeback works end to end for this user.",
  },
};

function fromFindingSeverity(severity: Finding["severity"]): FindingSeverity | null {
  return severity === "error"
    ? "blocking"
    : severity === "warning"
      ? "warning"
      : severity === "info"
        ? "information"
        : null;
}

/**
 * The copy for one finding. The check's own severity wins over the table's (one code may be an error for one account
 * and a note for another); an unknown code gets a neutral title from its own sentence.
 */
export function findingCopy(finding: Pick<Finding, "code" | "severity" | "message">): FindingCopy {
  const known =
    (DIRECTORY_FINDING_COPY as Record<string, FindingCopy | undefined>)[finding.code] ??
    OTHER_COPY[finding.code];
  const severity = fromFindingSeverity(finding.severity) ?? known?.severity ?? "information";
  if (known) return { ...known, severity };
  const first = finding.message.split(/(?<=\.)\s/)[0] ?? finding.message;
  return { severity, title: first.replace(/\.$/, ""), short: finding.code.replace(/-/g, " "), meaning: "" };
}

/** Codes of finding-codes.ts that lack copy (a test keeps this empty). */
export function codesWithoutCopy(): string[] {
  return FINDING_CODES.filter((c) => !(c in DIRECTORY_FINDING_COPY));
}

export const SEVERITY_RANK: Record<FindingSeverity, number> = { blocking: 0, warning: 1, information: 2 };
