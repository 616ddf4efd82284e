// Labels shown by Microsoft's tools and the display labels of the shared vocabulary. Exact strings: the UI and
// the tests quote them. Where Microsoft renamed a label, both wordings are kept so either can be recognised.

import type { Confidence, Place, Role, StepStatus } from "../types";

// ---------------------------------------------------------------------------------------------
// Labels shown by Microsoft's tools. Exact strings: the UI and the tests quote them.
// ---------------------------------------------------------------------------------------------

export const PORTAL_LABELS = {
  /** Current wording of the writeback switch under On-premises integration. */
  writebackNew: "Enable password write back for synced users",
  /** Older wording of the same switch (Azure portal era). */
  writebackOld: "Write back passwords to your on-premises directory?",
  /** Same wording in old and new portals. */
  unlock: "Allow users to unlock accounts without resetting their password?",
  /** Shown only when cloud sync provisioning agents are detected. */
  cloudSync: "Write back passwords with Microsoft Entra Connect cloud sync",
  pathNew: "Protection > Password reset > On-premises integration",
  pathOld: "Azure Active Directory > Password reset > On-premises integration",
  save: "Save",
} as const;

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
  "authentication-policy-admin": "Authentication Policy Administrator",
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
  "LicenseAssignment.Read.All": "to confirm the tenant has an active Microsoft Entra ID P1 or P2 plan",
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
