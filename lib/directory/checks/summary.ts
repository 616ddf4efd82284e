// Verdict summaries ("9,812 of 10,000 users ready; 188 blocked: 150 inheritance disabled at OU=Legacy, 37 protected,
// 1 denied by ACE") and the grouping of per-object findings into the few a step result stores.

import { shortDn } from "../dn";
import { CODE_LABELS, type DirectoryFinding, type FindingCode } from "./types";

/** Codes reported once per user (the rest are per domain, DC or policy). */
export const USER_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>([
  "missing-delegation",
  "denied-by-ace",
  "inheritance-disabled",
  "protected-account",
  "orphaned-admincount",
  "sd-unreadable",
]);

export interface FindingGroup {
  code: FindingCode;
  severity: DirectoryFinding["severity"];
  /** The explaining object (OU with inheritance disabled, …) when the group has one. */
  anchor: string | null;
  count: number;
  sample: DirectoryFinding;
}

const fmt = (n: number): string => n.toLocaleString("en-US");

/** Groups user findings by code, and inheritance-disabled ones also by the OU that blocks. Largest first. */
export function groupFindings(findings: readonly DirectoryFinding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const anchor =
      f.code === "inheritance-disabled" && f.anchor && f.anchor !== f.dn
        ? f.anchor
        : f.code === "missing-delegation"
          ? (f.anchor ?? null)
          : null;
    const key = `${f.code}|${anchor ?? ""}|${f.severity}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { code: f.code, severity: f.severity, anchor, count: 1, sample: f });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export function usersSummary(
  total: number,
  ready: number,
  userFindings: readonly DirectoryFinding[],
): string {
  const blockedFindings = userFindings.filter(
    (f) => f.severity === "error" || f.code === "protected-account",
  );
  const blocked = total - ready;
  const head = `${fmt(ready)} of ${fmt(total)} user${total === 1 ? "" : "s"} ready`;
  if (blocked <= 0) return `${head}.`;
  const parts = groupFindings(blockedFindings).map(
    (g) =>
      `${fmt(g.count)} ${CODE_LABELS[g.code]}${g.code === "inheritance-disabled" && g.anchor ? ` at ${shortDn(g.anchor)}` : ""}`,
  );
  return `${head}; ${fmt(blocked)} blocked: ${parts.join(", ")}.`;
}

/** One sentence for a group of user findings. */
export function groupMessage(g: FindingGroup, domainDn: string | null): string {
  const n = fmt(g.count);
  const users = g.count === 1 ? "user" : "users";
  switch (g.code) {
    case "inheritance-disabled": {
      if (!g.anchor)
        return `${n} ${users} have inheritance disabled on their own account, so the delegation does not reach them.`;
      const holder = /the delegation on (.+?) never reaches/.exec(g.sample.reason)?.[1] ?? "the domain root";
      return `Inheritance is disabled on ${shortDn(g.anchor)}, so the delegation on ${holder} never reaches these ${n} ${users}.`;
    }
    case "missing-delegation":
      return `${n} ${users} ${g.anchor && domainDn && g.anchor !== domainDn ? `under ${shortDn(g.anchor)} ` : ""}lack the writeback rights: no entry grants the connector Reset Password, Write lockoutTime and Write pwdLastSet on them.`;
    case "protected-account":
      return `${n} protected ${g.count === 1 ? "account" : "accounts"} (adminCount=1, member of a protected group): writeback to them fails by design.`;
    case "orphaned-admincount":
      return `${n} ${users} kept adminCount=1 after leaving protected groups; clear adminCount and re-enable inheritance.`;
    case "denied-by-ace":
      return `${n} ${users} are denied a writeback right by a deny entry.`;
    case "sd-unreadable":
      return `${n} ${users} could not be judged: their security descriptors are not readable by the wizard's account.`;
    default:
      return g.sample.reason;
  }
}
