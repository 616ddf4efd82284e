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

// The codes of the Connect server's evidence (lib/verify/verdicts/connect.ts), with their short labels for the
// evidence panel. lib/verify/verdicts/connect.test.ts fails when the verdicts emit a code missing here.
export const CONNECT_FINDING_CODES = [
  "connect-writeback-off",
  "connect-writeback-still-on",
  "connect-writeback-unread",
  "adsync-not-installed",
  "adsync-stopped",
  "writeback-service-stopped",
  "connect-version-old",
  "connect-version-unknown",
  "writeback-heartbeat-missing",
  "service-bus-unreachable",
  "tls12-not-enforced",
  "dotnet-too-old",
  "connect-on-domain-controller",
  "restrict-remote-sam",
  "writeback-event-errors",
  "connect-evidence-stale",
  "connect-connector-accounts",
] as const;

export type ConnectFindingCode = (typeof CONNECT_FINDING_CODES)[number];

export const CONNECT_CODE_LABELS: Record<ConnectFindingCode, string> = {
  "connect-writeback-off": "writeback off on the Connect server",
  "connect-writeback-still-on": "writeback still on",
  "connect-writeback-unread": "writeback setting not read",
  "adsync-not-installed": "ADSync service missing",
  "adsync-stopped": "ADSync service stopped",
  "writeback-service-stopped": "writeback service stopped",
  "connect-version-old": "Connect too old",
  "connect-version-unknown": "Connect version unknown",
  "writeback-heartbeat-missing": "no recent heartbeat",
  "service-bus-unreachable": "Service Bus unreachable",
  "tls12-not-enforced": "TLS 1.2 not enforced",
  "dotnet-too-old": ".NET Framework too old",
  "connect-on-domain-controller": "Connect on a domain controller",
  "restrict-remote-sam": "RestrictRemoteSam set",
  "writeback-event-errors": "writeback errors",
  "connect-evidence-stale": "evidence older than 24 hours",
  "connect-connector-accounts": "connector accounts",
};
