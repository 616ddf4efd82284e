// What every directory check produces: findings with a stable code, the object, the reason and what to do.
// The browser's copy of the codes is lib/steps/finding-codes.ts (the layers keep adapters and UI apart);
// lib/verify/finding-codes.test.ts keeps the two lists equal.

export const FINDING_CODES = [
  "connector-not-found",
  "connector-ambiguous",
  "connector-unconfirmed",
  "missing-delegation",
  "denied-by-ace",
  "inheritance-disabled",
  "protected-account",
  "orphaned-admincount",
  "sd-unreadable",
  "unexpire-missing",
  "unexpire-from-other-entry",
  "change-password-informational",
  "min-password-age",
  "fgpp-unreadable",
  "fgpp-out-of-scope",
  "dc-policy-hints-unsupported",
  "dc-os-unknown",
  "dc-os-old",
  "dc-controls-unread",
  "samserver-read",
  "pre-windows-2000-access",
  "delegation-still-present",
  "rights-remain",
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = "error" | "warning" | "info";

export interface DirectoryFinding {
  code: FindingCode;
  severity: Severity;
  /** The object concerned. */
  dn: string;
  /** Why, in one or two sentences. */
  reason: string;
  /** What to do about it. */
  remediation: string;
  /** The object that explains a group of findings (the OU with inheritance disabled, the scope root, …). */
  anchor?: string;
}

/** Short labels for summaries ("150 inheritance disabled at OU=Legacy"). */
export const CODE_LABELS: Record<FindingCode, string> = {
  "connector-not-found": "connector account not found",
  "connector-ambiguous": "several possible connector accounts",
  "connector-unconfirmed": "connector account not confirmed",
  "missing-delegation": "missing delegation",
  "denied-by-ace": "denied by ACE",
  "inheritance-disabled": "inheritance disabled",
  "protected-account": "protected",
  "orphaned-admincount": "orphaned adminCount",
  "sd-unreadable": "descriptor unreadable",
  "unexpire-missing": "Unexpire Password missing",
  "unexpire-from-other-entry": "Unexpire Password through another entry",
  "change-password-informational": "Change Password (informational)",
  "min-password-age": "minimum password age",
  "fgpp-unreadable": "fine-grained policy unreadable",
  "fgpp-out-of-scope": "fine-grained policy out of scope",
  "dc-policy-hints-unsupported": "no policy-hints control",
  "dc-os-unknown": "DC version unknown",
  "dc-os-old": "DC too old",
  "dc-controls-unread": "DC controls not read",
  "samserver-read": "samServer read access",
  "pre-windows-2000-access": "Pre-Windows 2000 Compatible Access",
  "delegation-still-present": "delegation still present",
  "rights-remain": "rights remain",
};
