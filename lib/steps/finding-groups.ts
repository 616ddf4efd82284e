// Repeated findings, grouped for people: "10 users under OU=Legacy: inheritance disabled", with the list behind a
// disclosure, searchable and exportable. Pure: the step page and its tests call it.

import { findingCopy, SEVERITY_RANK, type FindingCopy, type FindingSeverity } from "./finding-copy";
import { type Finding } from "./types";

export interface FindingGroup {
  /** Stable across renders: code, severity and container. */
  key: string;
  code: string;
  severity: FindingSeverity;
  copy: FindingCopy;
  /** The container the group's objects sit in (full DN), when they share one. */
  container: string | null;
  findings: Finding[];
  /** "10 users under OU=Legacy: inheritance disabled"; for a single finding, its plain title. */
  title: string;
}

// Codes whose targets are user accounts (the rest are domains, containers, DCs, policies).
const USER_CODES = new Set([
  "missing-delegation",
  "denied-by-ace",
  "inheritance-disabled",
  "protected-account",
  "orphaned-admincount",
  "rights-remain",
]);

/** Splits a DN at its top-level commas (an escaped "\," stays inside its RDN). */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === "\\" && i + 1 < dn.length) {
      current += ch + dn[i + 1];
      i++;
    } else if (ch === ",") {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

const isDn = (s: string): boolean => /^[A-Za-z][\w-]*=/.test(s) && splitDn(s).length > 1;

/** The container of an object's DN ("CN=Ann,OU=Legacy,DC=x" -> "OU=Legacy,DC=x"); null for a domain or a non-DN. */
export function containerOf(target: string | undefined): string | null {
  if (!target || !isDn(target)) return null;
  const parts = splitDn(target);
  if (/^DC=/i.test(parts[0] ?? "")) return null;
  return parts.slice(1).join(",");
}

/** The deepest container holding both DNs ("OU=A,OU=Corp,DC=x" and "OU=B,OU=Corp,DC=x" -> "OU=Corp,DC=x"). */
export function commonAncestor(a: string, b: string): string {
  const x = splitDn(a).reverse();
  const y = splitDn(b).reverse();
  const shared: string[] = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i]!.toLowerCase() !== y[i]!.toLowerCase()) break;
    shared.push(x[i]!);
  }
  return shared.reverse().join(",");
}

/** The first RDN of a DN, for a short label ("OU=Legacy"). */
export function shortDn(dn: string): string {
  return splitDn(dn)[0] ?? dn;
}

function groupTitle(count: number, code: string, copy: FindingCopy, container: string | null): string {
  if (count === 1) return copy.title;
  const noun = USER_CODES.has(code) ? "users" : "objects";
  return `${count} ${noun}${container ? ` under ${shortDn(container)}` : ""}: ${copy.short}`;
}

/**
 * Groups findings of the same code and severity about objects inside the directory (not a domain itself), under
 * the deepest container they share; a finding alone stays a group of one. Blocking first, then warnings, then information; larger groups first within a severity; order of the
 * findings kept within a group.
 */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const finding of findings) {
    const copy = findingCopy(finding);
    const container = containerOf(finding.target);
    // Findings without a container (a domain, a message about the tenant) never merge: each is its own line.
    const key = container
      ? `${finding.code}|${copy.severity}`
      : `${finding.code}|${copy.severity}|${finding.target ?? ""}|${finding.message}`;
    const group = groups.get(key);
    if (group) {
      group.findings.push(finding);
      if (group.container && container) group.container = commonAncestor(group.container, container) || null;
    } else
      groups.set(key, {
        key,
        code: finding.code,
        severity: copy.severity,
        copy,
        container,
        findings: [finding],
        title: "",
      });
  }
  const out = [...groups.values()].map((g) => ({
    ...g,
    title: groupTitle(g.findings.length, g.code, g.copy, g.container),
  }));
  return out
    .map((g, i) => ({ g, i }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.g.severity] - SEVERITY_RANK[b.g.severity] ||
        b.g.findings.length - a.g.findings.length ||
        a.i - b.i,
    )
    .map(({ g }) => g);
}

/** The findings whose object, code or sentence contains the query (case-insensitive); all when it is blank. */
export function filterFindings(findings: readonly Finding[], query: string): Finding[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...findings];
  return findings.filter((f) =>
    [f.target ?? "", f.code, f.message].some((field) => field.toLowerCase().includes(q)),
  );
}

function csvCell(value: string): string {
  // A leading =, +, - or @ would be a formula in a spreadsheet (CSV injection): prefix a quote.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The findings as CSV (severity, code, title, object, details), with a header row; CRLF line ends (RFC 4180). */
export function findingsCsv(findings: readonly Finding[]): string {
  const rows = [["severity", "code", "title", "object", "details"]];
  for (const f of findings) {
    const copy = findingCopy(f);
    rows.push([copy.severity, f.code, copy.title, f.target ?? "", f.message]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
