// Microsoft Graph facts the tenant checks rest on (DOMAIN.md, "Microsoft Graph"). Pure data, no I/O, so the
// browser (scope prompts), the server (adapter) and the simulator share one list.

import { type StepId } from "@/lib/steps/ids";

/** Service plans that carry Microsoft Entra ID P1 / P2; writeback needs one of them. */
export const PREMIUM_SERVICE_PLANS = {
  "41781fb2-bc02-4b7c-bd55-b576c07bb09d": "AAD_PREMIUM (Microsoft Entra ID P1)",
  "eec0eb4f-6444-4f95-aba0-50c24d67f998": "AAD_PREMIUM_P2 (Microsoft Entra ID P2)",
} as const satisfies Record<string, string>;

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
} as const;

export type RoleKey = keyof typeof ROLE_TEMPLATES;

/** Which active role lets a person do (or, for the wizard's own reads, check) each cloud-side task. */
export const ROLE_NEEDS: readonly { task: string; steps: readonly StepId[]; roles: readonly RoleKey[] }[] = [
  {
    task: "read audit records and SSPR registration reports",
    steps: ["prerequisites", "connect-writeback", "sspr-writeback", "sspr-unlock", "confirm-disabled"],
    roles: ["globalAdmin", "globalReader"],
  },
  {
    task: "turn password writeback on or off in the Connect wizard",
    steps: ["connect-writeback", "disable-connect-writeback"],
    roles: ["hybridIdentityAdmin", "globalAdmin"],
  },
  {
    task: "change the password reset settings in the admin center",
    steps: ["sspr-writeback", "sspr-unlock", "disable-sspr-options"],
    roles: ["globalAdmin", "authenticationPolicyAdmin"],
  },
  {
    task: "reset a test user's password for the end-to-end test",
    steps: ["end-to-end-test"],
    roles: ["authenticationAdmin", "privilegedAuthenticationAdmin", "globalAdmin"],
  },
];

/** The well-known id of a user's password authentication method (Graph passwordAuthenticationMethod). */
export const PASSWORD_METHOD_ID = "28c10230-6103-485e-b985-444c60001490";

/** OnPremisesAgent values of reset audit records that prove a write to AD DS was attempted. */
export const WRITEBACK_AGENTS = ["Microsoft Entra Connect", "CloudSync", "Azure AD Connect"] as const;

/** Delegated permissions per Graph call; the adapter names them when Graph refuses. */
export const SCOPES = {
  subscribedSkus: "LicenseAssignment.Read.All",
  me: "User.Read",
  organization: "User.Read",
  syncFeatures: "OnPremDirectorySynchronization.Read.All",
  registrationDetails: "AuditLog.Read.All",
  users: "User.Read.All",
  audits: "AuditLog.Read.All",
  resetPassword: "UserAuthenticationMethod.ReadWrite.All",
} as const;

export type GraphCall = keyof typeof SCOPES;

/** Why the wizard asks for each delegated permission, in one plain sentence (README and the consent prompt). */
export const SCOPE_REASONS: Readonly<Record<string, string>> = {
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

const CHECK_SCOPES = ["User.Read", "AuditLog.Read.All", "Directory.Read.All"] as const;

/** Scopes the browser asks for before a step's check; consent is requested step by step, not all at once. */
export const STEP_SCOPES: Readonly<Record<StepId, readonly string[]>> = {
  prerequisites: [
    ...CHECK_SCOPES,
    "LicenseAssignment.Read.All",
    "OnPremDirectorySynchronization.Read.All",
    "User.Read.All",
  ],
  "connector-permissions": ["User.Read"],
  "password-policy": ["User.Read"],
  "connect-writeback": CHECK_SCOPES,
  "sspr-writeback": CHECK_SCOPES,
  "sspr-unlock": CHECK_SCOPES,
  "end-to-end-test": [...CHECK_SCOPES, "User.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
  "disable-sspr-options": CHECK_SCOPES,
  "disable-connect-writeback": CHECK_SCOPES,
  "revoke-connector-permissions": ["User.Read"],
  "confirm-disabled": CHECK_SCOPES,
};

/** Graph's own resource id: scopes are requested as `https://graph.microsoft.com/<scope>` in the public cloud. */
export function scopeUri(graphBaseUrl: string, scope: string): string {
  return `${new URL(graphBaseUrl).origin}/${scope}`;
}
