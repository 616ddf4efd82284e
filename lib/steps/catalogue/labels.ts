// Labels shown by Microsoft's tools and the display labels of the shared vocabulary. Exact strings: the UI and
// the tests quote them. Where Microsoft renamed a label, both wordings are kept so either can be recognised.

import type { Confidence, Place, Role, StepStatus } from "../types";

// ---------------------------------------------------------------------------------------------
// Labels shown by Microsoft's tools. Exact strings: the UI and the tests quote them.
// ---------------------------------------------------------------------------------------------

export const PORTAL_LABELS = {
  /** Current wording of the writeback switch under On-premises integration. */
  // ms-fact: portal-writeback-switch-label
  writebackNew: "Enable password write back for synced users",
  /** Older wording of the same switch (Azure portal era; current tutorials still quote it without the "?"). */
  writebackOld: "Write back passwords to your on-premises directory?",
  /** Current wording of the unlock switch; older pages end it with "?" (matched tolerantly, see `labelMatches`). */
  // ms-fact: portal-unlock-switch-label
  unlock: "Allow users to unlock accounts without resetting their password",
  /** Shown only when cloud sync provisioning agents are detected. */
  // ms-fact: portal-cloud-sync-switch-label
  cloudSync: "Write back passwords with Microsoft Entra Connect cloud sync",
  /** Where the switches live in the Microsoft Entra admin center today. */
  // ms-fact: portal-on-premises-integration-path
  pathNew: "Entra ID > Password reset > On-premises integration",
  /** The same page before the admin center regrouped its menu. */
  pathPrevious: "Protection > Password reset > On-premises integration",
  /** The same page in the Azure portal. */
  pathOld: "Azure Active Directory > Password reset > On-premises integration",
  save: "Save",
} as const;

/**
 * Labels that name the same thing on different screens or in different years. A quoted label matches any wording
 * of its group, so instructions and evidence written against either screen are recognised.
 */
export const LABEL_VARIANTS: readonly (readonly string[])[] = [
  [PORTAL_LABELS.writebackNew, PORTAL_LABELS.writebackOld],
  [PORTAL_LABELS.pathNew, PORTAL_LABELS.pathPrevious, PORTAL_LABELS.pathOld],
];

/**
 * The comparable form of a label: case, curly quotes, runs of white space, the spacing around ">" and a trailing
 * "?" or ":" do not count (Microsoft's screens and pages add and drop the question mark over time).
 */
export function normaliseLabel(label: string): string {
  return label
    .normalize("NFKC")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s*>\s*/g, " > ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\s*[?:]+$/, "")
    .toLowerCase();
}

/** Every wording of a label: itself and the other members of its variant group. */
export function labelWordings(label: string): readonly string[] {
  const key = normaliseLabel(label);
  const group = LABEL_VARIANTS.find((g) => g.some((l) => normaliseLabel(l) === key));
  return group ? [label, ...group.filter((l) => normaliseLabel(l) !== key)] : [label];
}

/** Labels Microsoft's screens have shown both with and without a trailing "?". */
const QUESTION_MARK_VARIANTS = new Set(
  [PORTAL_LABELS.writebackOld, PORTAL_LABELS.unlock].map(normaliseLabel),
);

/** Whether a label appears on some screens with a trailing "?" and on others without. */
export function hasQuestionMarkVariant(label: string): boolean {
  return QUESTION_MARK_VARIANTS.has(normaliseLabel(label));
}

/** The other wordings of a label, for "also shown as" hints. */
export function otherWordings(label: string): readonly string[] {
  return labelWordings(label).slice(1);
}

/** Whether a text seen on screen (or pasted as evidence) is this label, in any of its wordings. */
export function labelMatches(seen: string, label: string): boolean {
  const key = normaliseLabel(seen);
  return labelWordings(label).some((l) => normaliseLabel(l) === key);
}

/** One piece of an instruction: plain text, or a quoted label (so the UI can mark it). */
export interface LabelSegment {
  readonly text: string;
  readonly label: boolean;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A pattern for a label that tolerates case, spacing and an optional trailing "?". */
function labelPattern(label: string): string {
  const core = label.trim().replace(/\s*\?+$/, "");
  const body = core
    .split(/\s*>\s*/)
    .map((part) => part.split(/\s+/).map(escapeRegExp).join("\\s+"))
    .join("\\s*>\\s*");
  return `${body}\\??`;
}

/**
 * Splits a text at the labels it quotes, tolerantly (any wording of each label, with or without its "?"), longest
 * labels first so a label inside another is not split out of it.
 */
export function splitByLabels(text: string, labels: readonly string[]): LabelSegment[] {
  const wordings = [...new Set(labels.flatMap((l) => labelWordings(l)))]
    .filter((l) => l.trim() !== "")
    .sort((a, b) => b.length - a.length);
  if (wordings.length === 0) return [{ text, label: false }];
  const re = new RegExp(wordings.map(labelPattern).join("|"), "gi");
  const out: LabelSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0] === "") continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index), label: false });
    out.push({ text: m[0], label: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), label: false });
  return out;
}

/** Whether a text quotes a label, in any wording, with or without its trailing "?". */
export function quotesLabel(text: string, label: string): boolean {
  return splitByLabels(text, [label]).some((s) => s.label);
}

// ms-fact: connect-wizard-labels
export const CONNECT_WIZARD_LABELS = {
  configure: "Configure",
  customize: "Customize synchronization options",
  optionalFeatures: "Optional features",
  passwordWriteback: "Password writeback",
  readyToConfigure: "Ready to configure",
  exit: "Exit",
} as const;

/**
 * Names of the directory audit activities, as the admin center and Graph show them. lib/tenant/graph-facts.ts
 * queries with the same names; a test keeps the two equal.
 */
// ms-fact: audit-activity-names
export const AUDIT_RECORD_LABELS = {
  enableWriteback: "Enable password writeback for directory",
  disableWriteback: "Disable password writeback for directory",
  selfServiceReset: "Reset password (self-service)",
  selfServiceUnlock: "Unlock user account (self-service)",
  adminReset: "Reset password (by admin)",
} as const;

// ---------------------------------------------------------------------------------------------
// Display labels for the shared vocabulary.
// ---------------------------------------------------------------------------------------------

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  "domain-admin": "Domain Admin (on-premises AD DS)",
  "hybrid-identity-admin": "Hybrid Identity Administrator",
  "global-admin": "Global Administrator",
};

export const PLACE_LABELS: Readonly<Record<Place, string>> = {
  "ad-ds": "On-premises Active Directory",
  "connect-server": "Microsoft Entra Connect server",
  "entra-admin-center": "Microsoft Entra admin center",
  wizard: "This wizard",
};

export const CONFIDENCE_LABELS: Readonly<
  Record<Confidence, { readonly label: string; readonly explanation: string }>
> = {
  verified: {
    label: "Verified",
    explanation: "Read directly from the system of record: Active Directory over LDAP, or Microsoft Graph.",
  },
  evidence: {
    label: "Evidence",
    explanation:
      "Inferred from an indirect signal such as an audit record, an uploaded snapshot or script output.",
  },
  attested: {
    label: "Attested",
    explanation: "A named person confirmed it at a recorded time; the wizard itself could not check it.",
  },
};

export const STATUS_LABELS: Readonly<Record<StepStatus, string>> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  passed: "Passed",
  failed: "Failed",
  waiting: "Waiting for a re-check",
  skipped: "Skipped",
};

/** Why the wizard asks for each delegated permission, in one plain sentence (README and the consent prompt). */
export const GRAPH_SCOPE_REASONS: Readonly<Record<string, string>> = {
  "User.Read": "to know who you are, which roles you hold right now and whether your tenant is synchronised",
  "Organization.Read.All": "to confirm the tenant has an active Microsoft Entra ID P1 or P2 plan",
  "OnPremDirectorySynchronization.Read.All":
    "to show the synchronisation features of your tenant (shown only, never used to decide)",
  "AuditLog.Read.All":
    "to read the audit records that prove writeback was switched on or off and how resets were handled, and SSPR registration of synced users",
  "Directory.Read.All":
    "Microsoft requires it, together with AuditLog.Read.All, to list directory audit records",
  "User.Read.All":
    "to find synchronised users, for the readiness summary and to pick the end-to-end test user",
  "UserAuthenticationMethod.ReadWrite.All":
    "to reset the password of the test user you choose, once, for the end-to-end test",
};
