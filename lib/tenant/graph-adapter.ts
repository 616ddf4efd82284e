import "server-only";
import { type Client, GraphError, ResponseType } from "@microsoft/microsoft-graph-client";
import type {
  DirectoryAudit,
  DirectoryRole,
  LongRunningOperation,
  OnPremisesDirectorySynchronization,
  Organization,
  SubscribedSku,
  User,
  UserRegistrationDetails,
} from "@microsoft/microsoft-graph-types";
import { createGraphClient, GRAPH_VERSION, type GraphClientOptions } from "./graph-client";
import {
  type GraphCall,
  PASSWORD_METHOD_ID,
  PREMIUM_SERVICE_PLANS,
  ROLE_TEMPLATES,
  type RoleKey,
  SCOPES,
} from "./graph-facts";
import {
  type AuditRecord,
  type LicenceState,
  type PasswordResetOutcome,
  type PremiumPlan,
  type SignedInAdmin,
  type SsprReadiness,
  type SyncedUser,
  type SyncFeatures,
  type SyncState,
  TenantError,
  type TenantPort,
} from "./port";

// The Tenant port over Microsoft Graph. Reads are paged through @odata.nextLink; every failure becomes a
// TenantError whose sentence says what to do (which permission to consent to, which role to activate).

export interface GraphTenantOptions extends GraphClientOptions {
  /** Scopes of the caller's token (`scp`), when known; tells a missing consent from a missing role. */
  grantedScopes?: readonly string[] | null;
  /** Upper bound on pages read per collection; huge tenants get a sample and a note. */
  maxPages?: number;
  pollIntervalMs?: number;
  pollTimeoutMs?: number;
}

interface Collection<T> {
  value?: T[];
  "@odata.nextLink"?: string;
}

const CALL_LABELS: Record<GraphCall, string> = {
  subscribedSkus: "read the tenant's subscriptions",
  me: "read your account and active roles",
  organization: "read the organisation's synchronisation state",
  syncFeatures: "read the directory synchronisation features",
  registrationDetails: "read SSPR registration details",
  users: "list synchronised users",
  audits: "read the directory audit log",
  resetPassword: "reset the test user's password",
};

/** Roles that Microsoft documents for each delegated call (least privileged first). */
const CALL_ROLES: Partial<Record<GraphCall, readonly RoleKey[]>> = {
  syncFeatures: ["globalAdmin"],
  registrationDetails: ["globalReader", "globalAdmin"],
  // ms-fact: audit-reader-roles
  audits: ["reportsReader", "securityReader", "securityAdmin", "globalReader", "globalAdmin"],
  users: ["globalReader", "globalAdmin"],
  // ms-fact: reset-password-roles
  resetPassword: ["authenticationAdmin", "privilegedAuthenticationAdmin", "globalAdmin"],
};

const EVENTUAL = { ConsistencyLevel: "eventual" } as const;

/** OData string literal: a single quote is written twice. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A relative Graph path with properly encoded query values (graph-client sends query values as given). */
export function graphPath(path: string, query: Record<string, string> = {}): string {
  const parts = Object.entries(query).map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  return parts.length === 0 ? path : `${path}?${parts.join("&")}`;
}

function roleNames(roles: readonly RoleKey[]): string {
  const names = roles.map((r) => ROLE_TEMPLATES[r].name);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

interface FailureFacts {
  statusCode: number;
  code: string | null;
  retryAfter: string | null;
}

export class GraphTenant implements TenantPort {
  private readonly client: Client;
  private readonly versionRoot: string;

  constructor(private readonly options: GraphTenantOptions) {
    this.client = createGraphClient(options);
    this.versionRoot = `${options.baseUrl.replace(/\/+$/, "")}/${GRAPH_VERSION}/`;
  }

  // ------------------------------------------------------------------------------------------ errors

  /** Turns what Graph said into a sentence for the admin; the upstream message is never passed on. */
  private failure(call: GraphCall, facts: FailureFacts): TenantError {
    const what = CALL_LABELS[call];
    const scope = SCOPES[call];
    const roles = CALL_ROLES[call] ?? [];
    const status = facts.statusCode;
    if (facts.code === "GraphTimeoutError") {
      return new TenantError(
        "timeout",
        `Microsoft Graph took too long to ${what}. Try the check again.`,
        call,
      );
    }
    if (facts.code === "ForeignHostError") {
      return new TenantError(
        "bad-response",
        `Microsoft Graph pointed the wizard to another host while it tried to ${what}; the wizard did not follow.`,
        call,
      );
    }
    if (status <= 0) {
      return new TenantError(
        "unreachable",
        `The wizard's server could not reach Microsoft Graph to ${what}. Check its outbound HTTPS access and the GRAPH_BASE_URL setting.`,
        call,
      );
    }
    if (status === 401) {
      return new TenantError(
        "unauthenticated",
        "Microsoft Graph did not accept your sign-in (it may have expired). Sign in to the wizard again.",
        call,
        { status },
      );
    }
    if (status === 403) {
      const granted = this.options.grantedScopes;
      const consentMissing =
        facts.code === "Authentication_MSGraphPermissionMissing" ||
        (granted != null && !granted.some((s) => s.toLowerCase() === scope.toLowerCase()));
      if (consentMissing) {
        return new TenantError(
          "missing-consent",
          `The wizard may not ${what}: its app registration has no consent for the delegated permission ${scope}. An administrator grants it in the Microsoft Entra admin center under App registrations > (this wizard) > API permissions > Grant admin consent; then sign in again.`,
          call,
          { status, scope },
        );
      }
      return new TenantError(
        "missing-role",
        roles.length > 0
          ? `Microsoft Graph refused to ${what}: your account holds no active role that may. ${roleNames(roles)} can; activate one (Privileged Identity Management) or ask someone who holds it.`
          : `Microsoft Graph refused to ${what}. Check that your account holds an active admin role.`,
        call,
        { status, roles, scope },
      );
    }
    if (status === 404)
      return new TenantError("not-found", `Microsoft Graph found nothing to ${what}.`, call, { status });
    if (status === 429) {
      const seconds =
        facts.retryAfter && /^\d+$/.test(facts.retryAfter) ? Number(facts.retryAfter) : undefined;
      return new TenantError(
        "throttled",
        `Microsoft Graph is throttling requests; try again${seconds !== undefined ? ` in ${seconds} s` : " in a minute"}.`,
        call,
        { status, retryAfterSeconds: seconds },
      );
    }
    if (status >= 500) {
      return new TenantError(
        "unavailable",
        `Microsoft Graph is unavailable right now (HTTP ${status}) and could not ${what}. Try again in a few minutes.`,
        call,
        { status },
      );
    }
    return new TenantError(
      "bad-response",
      `Microsoft Graph answered HTTP ${status} when asked to ${what}.`,
      call,
      {
        status,
      },
    );
  }

  private fromThrown(call: GraphCall, error: unknown): TenantError {
    if (error instanceof TenantError) return error;
    if (error instanceof GraphError) {
      const headers = error.headers;
      return this.failure(call, {
        statusCode: error.statusCode,
        code: error.code ?? null,
        retryAfter: headers?.get("retry-after") ?? null,
      });
    }
    return this.failure(call, { statusCode: -1, code: null, retryAfter: null });
  }

  // ------------------------------------------------------------------------------------------ plumbing

  /** A nextLink or Location is absolute; it is followed only below the configured Graph base URL. */
  private relative(call: GraphCall, link: string): string {
    if (!link.startsWith(this.versionRoot))
      throw this.failure(call, { statusCode: 0, code: "ForeignHostError", retryAfter: null });
    return link.slice(this.versionRoot.length);
  }

  private async get<T>(call: GraphCall, path: string, headers: Record<string, string> = {}): Promise<T> {
    try {
      return (await this.client.api(path).headers(headers).get()) as T;
    } catch (error) {
      throw this.fromThrown(call, error);
    }
  }

  private async getAll<T>(
    call: GraphCall,
    path: string,
    headers: Record<string, string> = {},
    maxPages = this.options.maxPages ?? 50,
  ): Promise<{ items: T[]; truncated: boolean }> {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined; page++) {
      if (page >= maxPages) return { items, truncated: true };
      const body: Collection<T> = await this.get<Collection<T>>(call, next, headers);
      items.push(...(Array.isArray(body.value) ? body.value : []));
      const link = body["@odata.nextLink"];
      next = link ? this.relative(call, link) : undefined;
    }
    return { items, truncated: false };
  }

  // ------------------------------------------------------------------------------------------ reads

  async licence(): Promise<LicenceState> {
    const { items } = await this.getAll<SubscribedSku>(
      "subscribedSkus",
      graphPath("subscribedSkus", { $select: "skuPartNumber,capabilityStatus,servicePlans" }),
    );
    const premiumPlans: PremiumPlan[] = [];
    for (const sku of items) {
      for (const plan of sku.servicePlans ?? []) {
        const id = plan.servicePlanId?.toLowerCase() ?? "";
        if (!(id in PREMIUM_SERVICE_PLANS)) continue;
        premiumPlans.push({
          skuPartNumber: sku.skuPartNumber ?? "(unnamed SKU)",
          servicePlanName: plan.servicePlanName ?? id,
          capabilityStatus: sku.capabilityStatus ?? "unknown",
          provisioningStatus: plan.provisioningStatus ?? "unknown",
        });
      }
    }
    return { premiumPlans };
  }

  async signedInAdmin(): Promise<SignedInAdmin> {
    const me = await this.get<User>("me", graphPath("me", { $select: "id,displayName,userPrincipalName" }));
    // Active assignments only: a role that is merely eligible in PIM does not appear here (DOMAIN.md).
    const { items } = await this.getAll<DirectoryRole>(
      "me",
      graphPath("me/transitiveMemberOf/microsoft.graph.directoryRole", {
        $select: "roleTemplateId,displayName",
        $count: "true",
      }),
      EVENTUAL,
    );
    return {
      id: me.id ?? "",
      displayName: me.displayName ?? "",
      userPrincipalName: me.userPrincipalName ?? "",
      roles: items
        .filter((r) => typeof r.roleTemplateId === "string")
        .map((r) => ({
          roleTemplateId: (r.roleTemplateId ?? "").toLowerCase(),
          displayName: r.displayName ?? "",
        })),
    };
  }

  async syncState(): Promise<SyncState> {
    const body = await this.get<Collection<Organization>>(
      "organization",
      graphPath("organization", {
        $select: "id,displayName,onPremisesSyncEnabled,onPremisesLastSyncDateTime",
      }),
    );
    const org = body.value?.[0];
    if (!org)
      throw new TenantError(
        "bad-response",
        "Microsoft Graph returned no organisation for this tenant.",
        "organization",
      );
    return {
      tenantId: org.id ?? "",
      displayName: org.displayName ?? "",
      onPremisesSyncEnabled: org.onPremisesSyncEnabled === true,
      lastSyncDateTime: org.onPremisesLastSyncDateTime ?? null,
    };
  }

  async syncFeatures(): Promise<SyncFeatures> {
    const body = await this.get<
      Collection<OnPremisesDirectorySynchronization> & OnPremisesDirectorySynchronization
    >("syncFeatures", "directory/onPremisesSynchronization");
    // Documented as a collection, shown in examples as a single entity: accept both.
    const entity = Array.isArray(body.value) ? body.value[0] : body;
    const features: SyncFeatures = {};
    for (const [key, value] of Object.entries(entity?.features ?? {})) {
      if (typeof value === "boolean") features[key] = value;
    }
    return features;
  }

  async ssprReadiness(): Promise<SsprReadiness> {
    const synced = await this.getAll<User>(
      "users",
      graphPath("users", {
        $filter: "onPremisesSyncEnabled eq true",
        $select: "id",
        $count: "true",
        $top: "999",
      }),
      EVENTUAL,
    );
    const ids = new Set(synced.items.map((u) => u.id));
    const details = await this.getAll<UserRegistrationDetails>(
      "registrationDetails",
      graphPath("reports/authenticationMethods/userRegistrationDetails", {
        $select: "id,isSsprEnabled,isSsprRegistered,isSsprCapable",
      }),
    );
    const mine = details.items.filter((d) => ids.has(d.id));
    return {
      syncedUsers: ids.size,
      ssprEnabled: mine.filter((d) => d.isSsprEnabled === true).length,
      ssprRegistered: mine.filter((d) => d.isSsprRegistered === true).length,
      ssprCapable: mine.filter((d) => d.isSsprCapable === true).length,
      truncated: synced.truncated || details.truncated,
    };
  }

  async auditRecords(activities: readonly string[], since: Date): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for (const activity of activities) {
      const { items } = await this.getAll<DirectoryAudit>(
        "audits",
        graphPath("auditLogs/directoryAudits", {
          $filter: `activityDisplayName eq ${odataString(activity)} and activityDateTime ge ${since.toISOString()}`,
          $top: "100",
        }),
        {},
        this.options.maxPages ?? 10,
      );
      records.push(...items.map(toAuditRecord));
    }
    return records.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  }

  async searchSyncedUsers(prefix: string): Promise<SyncedUser[]> {
    const p = odataString(prefix.trim());
    const { items } = await this.getAll<User>(
      "users",
      graphPath("users", {
        $filter: `onPremisesSyncEnabled eq true and (startswith(userPrincipalName,${p}) or startswith(displayName,${p}))`,
        $select: "id,userPrincipalName,displayName,onPremisesSyncEnabled,onPremisesSecurityIdentifier",
        $count: "true",
        $top: "10",
      }),
      EVENTUAL,
      1,
    );
    return items.map(toSyncedUser);
  }

  async getUser(id: string): Promise<SyncedUser | null> {
    try {
      const user = await this.get<User>(
        "users",
        graphPath(`users/${encodeURIComponent(id)}`, {
          $select: "id,userPrincipalName,displayName,onPremisesSyncEnabled,onPremisesSecurityIdentifier",
        }),
      );
      return toSyncedUser(user);
    } catch (error) {
      if (error instanceof TenantError && error.kind === "not-found") return null;
      throw error;
    }
  }

  // ------------------------------------------------------------------------------------------ the reset

  async resetPassword(userId: string, newPassword: string): Promise<PasswordResetOutcome> {
    const path = `users/${encodeURIComponent(userId)}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`;
    let response: Response;
    try {
      response = (await this.client
        .api(path)
        .responseType(ResponseType.RAW)
        .post({ newPassword })) as Response;
    } catch (error) {
      throw this.fromThrown("resetPassword", error);
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
      throw this.failure("resetPassword", {
        statusCode: response.status,
        code: body?.error?.code ?? null,
        retryAfter: response.headers.get("retry-after"),
      });
    }
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get("location");
    if (!location)
      return {
        status: "unknown",
        statusDetail: "Graph accepted the reset without an operation to follow.",
        operationId: null,
      };
    return this.poll(this.relative("resetPassword", location), response.headers.get("retry-after"));
  }

  /** Polls the long-running operation (its Location) until it succeeds or fails, or the wait runs out. */
  private async poll(path: string, retryAfter: string | null): Promise<PasswordResetOutcome> {
    const interval = Math.min(
      retryAfter && /^\d+$/.test(retryAfter)
        ? Number(retryAfter) * 1000
        : (this.options.pollIntervalMs ?? 2000),
      10_000,
    );
    const deadline = Date.now() + (this.options.pollTimeoutMs ?? 60_000);
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
    for (;;) {
      const op = await this.get<LongRunningOperation>("resetPassword", path);
      const status = op.status ?? "unknownFutureValue";
      const outcome: PasswordResetOutcome = {
        status: status === "unknownFutureValue" ? "unknown" : status,
        statusDetail: op.statusDetail ?? null,
        operationId: op.id ?? null,
      };
      if (status === "succeeded" || status === "failed" || Date.now() + interval > deadline) return outcome;
      await sleep(interval);
    }
  }
}

function toSyncedUser(user: User): SyncedUser {
  return {
    id: user.id ?? "",
    userPrincipalName: user.userPrincipalName ?? "",
    displayName: user.displayName ?? "",
    onPremisesSyncEnabled: user.onPremisesSyncEnabled === true,
    onPremisesSecurityIdentifier: user.onPremisesSecurityIdentifier ?? null,
  };
}

export function toAuditRecord(audit: DirectoryAudit): AuditRecord {
  // The documented example spells the target's type both "Type" and "type": read either.
  const target = (audit.targetResources ?? []).find((t) => {
    const loose = t as { type?: string | null; Type?: string | null };
    return (loose.type ?? loose.Type ?? "").toLowerCase() === "user";
  });
  const agent = (audit.additionalDetails ?? []).find((d) => d.key?.toLowerCase() === "onpremisesagent");
  return {
    id: audit.id ?? "",
    activity: audit.activityDisplayName ?? "",
    at: audit.activityDateTime ?? "",
    result: audit.result ?? "unknown",
    resultReason: audit.resultReason ?? null,
    initiatedBy: audit.initiatedBy?.user?.userPrincipalName ?? audit.initiatedBy?.app?.displayName ?? null,
    targetUserId: target?.id ?? null,
    targetUserPrincipalName: target?.userPrincipalName ?? null,
    onPremisesAgent: agent?.value ?? null,
  };
}
