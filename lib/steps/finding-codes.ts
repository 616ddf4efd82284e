// The codes of directory findings and the finding's shape, as the API sends them and the browser filters by them.
// The checks define the same list (lib/directory/checks/types.ts); lib/verify/finding-codes.test.ts keeps the two
// equal. Pure constants, no zod: the browser imports this module.

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
