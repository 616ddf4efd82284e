// Exports of the full finding list (the UI's download buttons and the CLI).

import { type DirectoryFinding } from "./checks/types";

function csvCell(value: string): string {
  // RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function findingsToCsv(findings: readonly DirectoryFinding[]): string {
  const header = ["code", "severity", "dn", "anchor", "reason", "remediation"];
  const rows = findings.map((f) =>
    [f.code, f.severity, f.dn, f.anchor ?? "", f.reason, f.remediation].map(csvCell).join(","),
  );
  return `${[header.join(","), ...rows].join("\r\n")}\r\n`;
}
