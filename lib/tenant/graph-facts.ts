// Microsoft Graph facts the tenant checks rest on (DOMAIN.md, "Microsoft Graph"; docs/microsoft-facts.md). Pure
// data, no I/O: the adapter, the verdicts and the simulator share one list.

/** Service plans that carry Microsoft Entra ID P1 / P2; writeback needs one of them. */
// ms-fact: premium-service-plan-ids
export const PREMIUM_SERVICE_PLANS = {
  "41781fb2-bc02-4b7c-bd55-b576c07bb09d": "AAD_PREMIUM (Microsoft Entra ID P1)",
  "eec0eb4f-6444-4f95-aba0-50c24d67f998": "AAD_PREMIUM_P2 (Microsoft Entra ID P2)",
} as const satisfies Record<string, string>;

// Template ids of the built-in roles the checks look for; the ids never change, the display names may.
// ms-fact: role-template-ids
export const ROLE_TEMPLATES = {
  globalAdmin: { id: "62e90394-69f5-4237-9190-012177145e10", name: "Global Administrator" },
  hybridIdentityAdmin: { id: "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", name: "Hybrid Identity Administrator" },
  authenticationPolicyAdmin: {
    id: "0526716b-113d-4c15-b2c8-68e3c22b9f80",
    name: "Authentication Policy Administrator",
  },
  authenticationAdmin: { id: "c4e39bd9-1100-46d3-8c65-fb160da0071f", name: "Authentication Administrator" },
  privilegedAuthenticationAdmin: {
    id: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    name: "Privileged Authentication Administrator",
  },
  globalReader: { id: "f2ef992c-3afb-46b9-b7cf-a126ee74c451", name: "Global Reader" },
  reportsReader: { id: "4a5d8f65-41da-4de4-8968-e035b65339cf", name: "Reports Reader" },
  securityReader: { id: "5d6b6bb7-de71-4623-b4af-96380a352509", name: "Security Reader" },
  securityAdmin: { id: "194ae4cb-b126-40b2-bd5b-6091b380977d", name: "Security Administrator" },
} as const;

export type RoleKey = keyof typeof ROLE_TEMPLATES;

/** The well-known id of a user's password authentication method (Graph passwordAuthenticationMethod). */
// ms-fact: password-method-id
export const PASSWORD_METHOD_ID = "28c10230-6103-485e-b985-444c60001490";

/** OnPremisesAgent values of reset audit records that prove a write to AD DS was attempted. */
// Not documented by Microsoft (docs/microsoft-facts.md says so): observed values, used only as evidence.
// ms-fact: audit-onpremises-agent-values
export const WRITEBACK_AGENTS = ["Microsoft Entra Connect", "CloudSync", "Azure AD Connect"] as const;

/** Delegated permissions per Graph call; the adapter names them when Graph refuses. */
// ms-fact: graph-delegated-scopes
export const SCOPES = {
  subscribedSkus: "Organization.Read.All",
  me: "User.Read",
  organization: "User.Read",
  syncFeatures: "OnPremDirectorySynchronization.Read.All",
  registrationDetails: "AuditLog.Read.All",
  users: "User.Read.All",
  audits: "AuditLog.Read.All",
  resetPassword: "UserAuthenticationMethod.ReadWrite.All",
} as const;

export type GraphCall = keyof typeof SCOPES;

/** Directory audit activity names (activityDisplayName) the checks query. */
// ms-fact: audit-activity-names
export const AUDIT_ACTIVITIES = {
  enableWriteback: "Enable password writeback for directory",
  disableWriteback: "Disable password writeback for directory",
  selfServiceReset: "Reset password (self-service)",
  selfServiceUnlock: "Unlock user account (self-service)",
  adminReset: "Reset password (by admin)",
} as const;

/** Roles that may list directory audit records (Graph directoryAudit list, delegated). */
// ms-fact: audit-reader-roles
export const AUDIT_READER_ROLES = [
  "reportsReader",
  "securityReader",
  "securityAdmin",
  "globalReader",
  "globalAdmin",
] as const satisfies readonly RoleKey[];
