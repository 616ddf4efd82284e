// The Tenant port: what the wizard reads from (and, for the end-to-end test, asks of) Microsoft Entra ID.
// One implementation, over Microsoft Graph; the sandbox serves the same HTTP API from a simulator, so the
// code never knows which one it talks to. Values here are plain data, safe to keep as step evidence.

import { type GraphCall, type RoleKey } from "./graph-facts";

export interface PremiumPlan {
  skuPartNumber: string;
  servicePlanName: string;
  capabilityStatus: string;
  provisioningStatus: string;
}

export interface LicenceState {
  /** Every Microsoft Entra ID P1/P2 service plan of the tenant's subscriptions, whatever its state. */
  premiumPlans: PremiumPlan[];
}

export interface ActiveRole {
  roleTemplateId: string;
  displayName: string;
}

export interface SignedInAdmin {
  id: string;
  displayName: string;
  userPrincipalName: string;
  roles: ActiveRole[];
}

export interface SyncState {
  tenantId: string;
  displayName: string;
  onPremisesSyncEnabled: boolean;
  /** ISO-8601, or null when the tenant never synchronised. */
  lastSyncDateTime: string | null;
}

/** Shown to the admin, never used to decide (passwordWritebackEnabled is documented as not in use). */
export type SyncFeatures = Record<string, boolean>;

export interface SsprReadiness {
  syncedUsers: number;
  ssprEnabled: number;
  ssprRegistered: number;
  ssprCapable: number;
  /** True when the wizard stopped paging before the end (very large tenants). */
  truncated: boolean;
}

export interface AuditRecord {
  id: string;
  activity: string;
  at: string;
  result: string;
  resultReason: string | null;
  initiatedBy: string | null;
  /** The user the activity was about (its object id), when there is one. */
  targetUserId: string | null;
  targetUserPrincipalName: string | null;
  /** additionalDetails OnPremisesAgent: None, Microsoft Entra Connect or CloudSync. */
  onPremisesAgent: string | null;
}

export interface SyncedUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  onPremisesSyncEnabled: boolean;
  onPremisesSecurityIdentifier: string | null;
}

export interface PasswordResetOutcome {
  /** Terminal or last seen state of the long-running operation. */
  status: "succeeded" | "failed" | "running" | "notStarted" | "unknown";
  statusDetail: string | null;
  operationId: string | null;
}

export interface TenantPort {
  licence(): Promise<LicenceState>;
  signedInAdmin(): Promise<SignedInAdmin>;
  syncState(): Promise<SyncState>;
  syncFeatures(): Promise<SyncFeatures>;
  ssprReadiness(): Promise<SsprReadiness>;
  /** Records of these activities since `since`, newest first. */
  auditRecords(activities: readonly string[], since: Date): Promise<AuditRecord[]>;
  /** Synchronised users whose UPN or display name starts with `prefix`. */
  searchSyncedUsers(prefix: string): Promise<SyncedUser[]>;
  getUser(id: string): Promise<SyncedUser | null>;
  /** Resets the password through the password method and polls the operation until it ends or time runs out. */
  resetPassword(userId: string, newPassword: string): Promise<PasswordResetOutcome>;
}

// One list; lib/server/domain-errors.ts maps every kind to an HTTP answer and its test walks this list.
export const TENANT_ERROR_KINDS = [
  "unauthenticated",
  "missing-consent",
  "missing-role",
  "not-found",
  "throttled",
  "unavailable",
  "timeout",
  "unreachable",
  "bad-response",
] as const;

export type TenantErrorKind = (typeof TENANT_ERROR_KINDS)[number];

/** A Graph failure turned into a sentence the admin can act on. Never carries a token or an upstream body. */
export class TenantError extends Error {
  constructor(
    readonly kind: TenantErrorKind,
    message: string,
    readonly call: GraphCall | null = null,
    readonly detail: {
      scope?: string;
      roles?: readonly RoleKey[];
      status?: number;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = "TenantError";
  }
}

/** What the end-to-end test stored on the run when it reset the test user's password. */
export interface EndToEndTestRecord {
  userId: string;
  userPrincipalName: string;
  onPremisesSecurityIdentifier: string | null;
  /** ISO-8601 server time just before the reset was requested. */
  resetAt: string;
  operation: PasswordResetOutcome;
  /** Set when Graph refused the reset itself. */
  refusal: string | null;
}

/** What a step verifier gets from the tenant side for one check. */
export interface TenantContext {
  port: TenantPort;
  /** When the run began: clean-up evidence must be newer than this. */
  runStartedAt: Date;
  /** The last end-to-end test reset of this run, if any. */
  endToEndTest: EndToEndTestRecord | null;
}
