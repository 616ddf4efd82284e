// Changes the wizard can make itself (ARCHITECTURE.md: "apply from the wizard with a one-time privileged
// credential"): planned from a scan, previewed as an exact SDDL before/after, applied by apply.ts. Pure.
//
// What is written is the object's explicit DACL (inherited entries are recomputed by the DC from the parent, as it
// does for any nTSecurityDescriptor write with the SD flags control set to DACL, MS-ADTS 3.1.1.3.4.1.11 / 7.1.3).
// The preview shows the predicted full DACL, inherited entries included, computed with lib/ad's inheritance rules.

import { CLASS_USER, LOCKOUT_TIME, PWD_LAST_SET, RESET_PASSWORD, UNEXPIRE_PASSWORD } from "@/lib/ad/schema";
import { computeChildSecurityDescriptor } from "@/lib/ad/inheritance";
import { formatAce, formatSddl } from "@/lib/ad/sddl";
import {
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  ACCESS_DENIED_ACE_TYPE,
  ACCESS_DENIED_OBJECT_ACE_TYPE,
  aclRevisionFor,
  CONTAINER_INHERIT_ACE,
  INHERIT_ONLY_ACE,
  INHERITED_ACE,
  isKnownAce,
  SE_DACL_PROTECTED,
  type Ace,
  type ObjectAce,
  type SecurityDescriptor,
} from "@/lib/ad/security-descriptor";
import { RIGHT_DS_CONTROL_ACCESS, RIGHT_DS_WRITE_PROPERTY } from "@/lib/ad/access-mask";
import { type DirectoryFinding } from "./checks/types";
import { domainHolding, sameDn } from "./dn";

export type ChangeKind =
  "add-delegation" | "remove-delegation" | "enable-inheritance" | "clear-admincount" | "add-unexpire";

export interface PlannedChange {
  kind: ChangeKind;
  dn: string;
  /** Why the wizard proposes it, for the admin. */
  why: string;
  /** Not needed for the step to pass: applied only when the admin asks for it (the tutorial's own entries). */
  optional?: boolean;
}

export const CHANGE_LABELS: Record<ChangeKind, string> = {
  "add-delegation": "Add the three writeback entries for the connector",
  "remove-delegation": "Remove the three writeback entries for the connector",
  "enable-inheritance": "Re-enable inheritance",
  "clear-admincount": "Clear adminCount",
  "add-unexpire": "Grant Unexpire Password on the domain object",
};

/** Microsoft's three writeback entries (DOMAIN.md; ADSyncConfig.psm1): object ACEs, CI|IO, InheritedObjectType user. */
export function writebackAces(connectorSid: string): ObjectAce[] {
  const base = {
    type: ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    flags: CONTAINER_INHERIT_ACE | INHERIT_ONLY_ACE,
    sid: connectorSid,
    inheritedObjectType: CLASS_USER,
  } as const;
  return [
    { ...base, mask: RIGHT_DS_CONTROL_ACCESS, objectType: RESET_PASSWORD },
    { ...base, mask: RIGHT_DS_WRITE_PROPERTY, objectType: LOCKOUT_TIME },
    { ...base, mask: RIGHT_DS_WRITE_PROPERTY, objectType: PWD_LAST_SET },
  ];
}

/**
 * Unexpire Password for the connector on the domain object, applied to "This object and all descendant objects" as
 * Microsoft's tutorial sets it (container-inherit; the right is checked on the domain object itself).
 */
// ms-fact: unexpire-password-tutorial-entry
export function unexpireAce(connectorSid: string): ObjectAce {
  return {
    type: ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    flags: CONTAINER_INHERIT_ACE,
    mask: RIGHT_DS_CONTROL_ACCESS,
    sid: connectorSid,
    objectType: UNEXPIRE_PASSWORD,
    inheritedObjectType: null,
  };
}

function sameAce(a: Ace, b: Ace): boolean {
  if (!isKnownAce(a) || !isKnownAce(b)) return false;
  return (
    a.type === b.type &&
    (a.flags & ~INHERITED_ACE) === (b.flags & ~INHERITED_ACE) &&
    a.mask >>> 0 === b.mask >>> 0 &&
    a.sid === b.sid &&
    (a.objectType ?? null) === (b.objectType ?? null) &&
    (a.inheritedObjectType ?? null) === (b.inheritedObjectType ?? null)
  );
}

const isDeny = (a: Ace): boolean =>
  a.type === ACCESS_DENIED_ACE_TYPE || a.type === ACCESS_DENIED_OBJECT_ACE_TYPE;
const explicitOf = (sd: SecurityDescriptor): Ace[] =>
  (sd.dacl?.aces ?? []).filter((a) => !(a.flags & INHERITED_ACE));
const inheritedOf = (sd: SecurityDescriptor): Ace[] =>
  (sd.dacl?.aces ?? []).filter((a) => (a.flags & INHERITED_ACE) !== 0);

/**
 * The planned changes the wizard may make itself — those in the domain it is connected to (`connected`; a forest's
 * other domains are read, not written) — and how many fall in each other domain, by DNS name.
 */
export function changesForConnectedDomain<D extends { dn: string; dnsName: string }>(
  planned: readonly PlannedChange[],
  domains: readonly D[],
  connected: D | undefined,
): { here: PlannedChange[]; elsewhere: Map<string, number> } {
  const here: PlannedChange[] = [];
  const elsewhere = new Map<string, number>();
  for (const change of planned) {
    const domain = domainHolding(change.dn, domains);
    if (!domain || !connected || sameDn(domain.dn, connected.dn)) here.push(change);
    else elsewhere.set(domain.dnsName, (elsewhere.get(domain.dnsName) ?? 0) + 1);
  }
  return { here, elsewhere };
}

/** Plans the fix for connector-permissions: delegation where it is missing, inheritance where it blocks, orphans. */
export function planGrant(findings: readonly DirectoryFinding[]): PlannedChange[] {
  const out: PlannedChange[] = [];
  const add = (c: PlannedChange): void => {
    if (!out.some((o) => o.kind === c.kind && sameDn(o.dn, c.dn))) out.push(c);
  };
  for (const f of findings) {
    if (f.code === "missing-delegation" && f.anchor)
      add({ kind: "add-delegation", dn: f.anchor, why: "Users below it lack the writeback rights." });
    if (f.code === "inheritance-disabled")
      add({
        kind: "enable-inheritance",
        dn: f.anchor ?? f.dn,
        why: "Inheritance is disabled here, so the delegation above does not reach the users below.",
      });
    if (f.code === "orphaned-admincount") {
      add({
        kind: "clear-admincount",
        dn: f.dn,
        why: "The account left its protected groups but kept adminCount=1.",
      });
      if (f.severity === "error")
        add({
          kind: "enable-inheritance",
          dn: f.dn,
          why: "It kept the protected (inheritance-disabled) permissions of its admin days.",
        });
    }
    if (f.code === "unexpire-missing")
      add({
        kind: "add-unexpire",
        dn: f.dn,
        why: "The connector lacks Unexpire Password on the domain object.",
      });
    if (f.code === "unexpire-from-other-entry")
      add({
        kind: "add-unexpire",
        dn: f.dn,
        why: "Optional: the connector already holds Unexpire Password through another entry; this adds the connector's own entry, as Microsoft's tutorial sets it, so the ACL matches the tutorial.",
        optional: true,
      });
  }
  // Optional changes last: leaving them out does not change what the others start from.
  return [...out.filter((c) => !c.optional), ...out.filter((c) => c.optional)];
}

export function planRevoke(findings: readonly DirectoryFinding[]): PlannedChange[] {
  return findings
    .filter((f) => f.code === "delegation-still-present")
    .map((f) => ({
      kind: "remove-delegation" as const,
      dn: f.dn,
      why: "It still carries the writeback delegation to the connector.",
    }));
}

/**
 * The descriptor to write for a change (explicit DACL only; null when there is nothing to change) and the predicted
 * full descriptor for the preview. `parent` is the parent object's descriptor (needed for enable-inheritance).
 */
export function applyToDescriptor(
  change: PlannedChange,
  current: SecurityDescriptor,
  connectorSid: string,
  parent: SecurityDescriptor | null,
  objectClass: string,
): { write: SecurityDescriptor; predicted: SecurityDescriptor } | null {
  const explicit = explicitOf(current);
  const withDacl = (aces: Ace[], control: number): SecurityDescriptor => ({
    ...current,
    control,
    dacl: { revision: aclRevisionFor(aces), aces },
  });
  switch (change.kind) {
    case "add-delegation":
    case "add-unexpire": {
      const wanted =
        change.kind === "add-delegation" ? writebackAces(connectorSid) : [unexpireAce(connectorSid)];
      const missing = wanted.filter((w) => !explicit.some((a) => sameAce(a, w)));
      if (missing.length === 0) return null;
      // Canonical order (MS-DTYP 2.4.5): explicit denies, explicit allows, then inherited entries.
      const denies = explicit.filter(isDeny);
      const allows = explicit.filter((a) => !isDeny(a));
      const next = [...denies, ...missing, ...allows];
      return {
        write: withDacl(next, current.control),
        predicted: withDacl([...next, ...inheritedOf(current)], current.control),
      };
    }
    case "remove-delegation": {
      const wanted = writebackAces(connectorSid);
      const next = explicit.filter((a) => !wanted.some((w) => sameAce(a, w)));
      if (next.length === explicit.length) return null;
      return {
        write: withDacl(next, current.control),
        predicted: withDacl([...next, ...inheritedOf(current)], current.control),
      };
    }
    case "enable-inheritance": {
      if (!(current.control & SE_DACL_PROTECTED)) return null;
      const control = current.control & ~SE_DACL_PROTECTED;
      const write = withDacl(explicit, control);
      const predicted = parent
        ? computeChildSecurityDescriptor(parent, write, { objectClass, isContainer: true })
        : write;
      return { write, predicted };
    }
    case "clear-admincount":
      return null;
  }
}

export interface SddlDiff {
  before: string;
  after: string;
  /** Lines: "  " unchanged, "- " removed, "+ " added; the first lines are the owner, the group and the DACL flags. */
  lines: string[];
}

function splitDacl(sddl: string): { header: string; aces: string[] } {
  const aces = sddl.match(/\([^()]*\)/g) ?? [];
  const header = sddl.replace(/\([^()]*\)/g, "");
  return { header, aces };
}

/** "O:DAG:DAD:PAI" -> ["O:DA", "G:DA", "D:PAI"]: owner, group and DACL flags, each compared on its own. */
export function splitHeader(header: string): string[] {
  const match = /^(O:.*?)?(G:.*?)?(D:.*)?$/.exec(header);
  const parts = match ? [match[1], match[2], match[3]].filter((p): p is string => Boolean(p)) : [];
  return parts.length > 0 ? parts : [header];
}

/** An ACE-by-ACE diff of two SDDL strings (order kept; a moved entry shows as removed and added). */
export function diffSddl(before: SecurityDescriptor, after: SecurityDescriptor, domainSid: string): SddlDiff {
  const b = formatSddl({ ...before, sacl: null, control: before.control & ~0x10 }, { domainSid });
  const a = formatSddl({ ...after, sacl: null, control: after.control & ~0x10 }, { domainSid });
  const sb = splitDacl(b);
  const sa = splitDacl(a);
  const lines: string[] = [];
  // The header part by part: an owner or group that stays is no change, even when the DACL flags change.
  const hb = splitHeader(sb.header);
  const ha = splitHeader(sa.header);
  for (let k = 0; k < Math.max(hb.length, ha.length); k++) {
    const x = hb[k];
    const y = ha[k];
    if (x === y) lines.push(`  ${x}`);
    else {
      if (x) lines.push(`- ${x}`);
      if (y) lines.push(`+ ${y}`);
    }
  }
  // Longest common subsequence over ACE strings keeps the diff minimal and ordered.
  const n = sb.aces.length;
  const m = sa.aces.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        sb.aces[i] === sa.aces[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && sb.aces[i] === sa.aces[j]) {
      lines.push(`  ${sb.aces[i]}`);
      i++;
      j++;
    } else if (
      j < m &&
      (i >= n || ((lcs[i] as number[])[j + 1] as number) >= ((lcs[i + 1] as number[])[j] as number))
    ) {
      lines.push(`+ ${sa.aces[j]}`);
      j++;
    } else {
      lines.push(`- ${sb.aces[i]}`);
      i++;
    }
  }
  return { before: b, after: a, lines };
}

/** For messages: the entries a change adds, as SDDL. */
export function describeAces(aces: readonly ObjectAce[], domainSid: string): string {
  return aces.map((a) => formatAce(a, { domainSid })).join("");
}
