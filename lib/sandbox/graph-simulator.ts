import type {
  DirectoryAudit,
  DirectoryRole,
  OnPremisesDirectorySynchronization,
  Organization,
  User,
  UserRegistrationDetails,
} from "@microsoft/microsoft-graph-types";
import {
  AUDIT_READER_ROLES,
  PASSWORD_METHOD_ID,
  ROLE_TEMPLATES,
  type RoleKey,
  SCOPES,
} from "@/lib/tenant/graph-facts";
import { type SandboxTenant, type SandboxUser } from "./tenant-model";

// The sandbox Graph simulator: exactly the Microsoft Graph v1.0 endpoints the adapter calls, answered from a
// SandboxTenant with the shapes Microsoft documents (collections with @odata.context and @odata.nextLink,
// Graph error bodies, 202 + Location for the reset). It works on Web Request/Response so that the app route
// and the tests serve it the same way.
//
// Test switches: a tenant's `faults` queue answers the next requests with a status (429 with Retry-After,
// 503, a delay); the query parameter `sandbox-fault=429|503` does the same for one URL.

const VERSION = "v1.0";

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  // Graph's error bodies carry the date without fraction or zone ("2021-11-30T12:17:46").
  // ms-fact: graph-error-body
  const date = new Date().toISOString().slice(0, 19);
  return json(
    {
      error: {
        code,
        message,
        innerError: { date, "request-id": crypto.randomUUID(), "client-request-id": crypto.randomUUID() },
      },
    },
    status,
    headers,
  );
}

/** Graph's codes for a throttled and an unavailable service (errors.md, throttling.md). */
// ms-fact: graph-throttling-retry-after
function faultCode(status: number): string {
  return status === 429 ? "TooManyRequests" : status === 503 ? "serviceNotAvailable" : "generalException";
}

/** The @odata.context of one user: Graph names the $select-ed properties in it (user-get.md, example 3). */
// ms-fact: graph-select-context
function userContext(root: string, select: string | null): string {
  return `${root}/$metadata#users${select ? `(${select})` : ""}/$entity`;
}

/** Keeps only the $select-ed properties (plus @odata.type), as Graph does. */
function project<T extends object>(item: T, select: string | null): Partial<T> {
  if (!select) return item;
  const keep = new Set(select.split(",").map((s) => s.trim()));
  return Object.fromEntries(
    Object.entries(item).filter(([key]) => keep.has(key) || key === "@odata.type"),
  ) as Partial<T>;
}

interface Paging {
  root: string;
  path: string;
  url: URL;
}

function page<T extends object>(
  items: T[],
  tenant: SandboxTenant,
  paging: Paging,
  context: string,
): Response {
  const { url } = paging;
  const top = Math.min(
    Number(url.searchParams.get("$top") ?? tenant.pageSize) || tenant.pageSize,
    tenant.pageSize,
  );
  const skip = Number(url.searchParams.get("$skiptoken")?.replace(/^s/, "") ?? 0) || 0;
  const select = url.searchParams.get("$select");
  const slice = items.slice(skip, skip + top).map((item) => project(item, select));
  const body: Record<string, unknown> = { "@odata.context": `${paging.root}/$metadata#${context}` };
  if (url.searchParams.get("$count") === "true") body["@odata.count"] = items.length;
  body.value = slice;
  if (skip + top < items.length) {
    const next = new URL(url);
    next.searchParams.set("$skiptoken", `s${skip + top}`);
    body["@odata.nextLink"] = `${paging.root}/${paging.path}?${next.searchParams.toString()}`;
  }
  return json(body);
}

function holds(tenant: SandboxTenant, roles: readonly RoleKey[]): boolean {
  return roles.some((r) => tenant.admin.roleTemplateIds.includes(ROLE_TEMPLATES[r].id));
}

function userView(user: SandboxUser): User {
  return {
    id: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    onPremisesSyncEnabled: user.synced ? true : null,
    onPremisesSecurityIdentifier: user.sid,
    onPremisesDistinguishedName: user.dn,
  };
}

function needsAdvancedQuery(request: Request, url: URL): Response | null {
  if (
    request.headers.get("consistencylevel")?.toLowerCase() === "eventual" &&
    url.searchParams.get("$count") === "true"
  ) {
    return null;
  }
  return graphError(
    400,
    "Request_UnsupportedQuery",
    "This query needs the ConsistencyLevel: eventual header and $count=true.",
  );
}

/** `onPremisesSyncEnabled eq true [and (startswith(userPrincipalName,'x') or startswith(displayName,'x'))]` */
function filterUsers(users: SandboxUser[], filter: string | null): SandboxUser[] | null {
  if (!filter) return users;
  const match =
    /^onPremisesSyncEnabled eq true(?: and \(startswith\(userPrincipalName,'((?:[^']|'')*)'\) or startswith\(displayName,'((?:[^']|'')*)'\)\))?$/.exec(
      filter.trim(),
    );
  if (!match) return null;
  const prefix = (match[1] ?? "").replace(/''/g, "'").toLowerCase();
  return users.filter(
    (u) =>
      u.synced &&
      (prefix === "" ||
        u.userPrincipalName.toLowerCase().startsWith(prefix) ||
        u.displayName.toLowerCase().startsWith(prefix)),
  );
}

/** `activityDisplayName eq '…' and activityDateTime ge <ISO>` */
function filterAudits(audits: DirectoryAudit[], filter: string | null): DirectoryAudit[] | null {
  if (!filter) return audits;
  const match = /^activityDisplayName eq '((?:[^']|'')*)'(?: and activityDateTime ge (\S+))?$/.exec(
    filter.trim(),
  );
  if (!match) return null;
  const activity = (match[1] ?? "").replace(/''/g, "'");
  const since = match[2] ? Date.parse(match[2]) : Number.NEGATIVE_INFINITY;
  if (Number.isNaN(since)) return null;
  return audits.filter(
    (a) => a.activityDisplayName === activity && Date.parse(a.activityDateTime ?? "") >= since,
  );
}

export interface SimulatorOptions {
  /** Path under which the simulator is mounted, e.g. /api/sandbox/graph. */
  basePath: string;
  /** The tenant a bearer token stands for; null refuses the token. */
  tenantFor(token: string): SandboxTenant | null;
}

export async function handleGraphRequest(request: Request, options: SimulatorOptions): Promise<Response> {
  const url = new URL(request.url);
  const prefix = `${options.basePath.replace(/\/+$/, "")}/${VERSION}/`;
  if (!url.pathname.startsWith(prefix)) {
    return graphError(400, "BadRequest", `Only ${VERSION} is simulated.`);
  }
  const root = `${url.origin}${prefix.slice(0, -1)}`;
  const path = decodeURIComponent(url.pathname.slice(prefix.length)).replace(/\/+$/, "");

  const token = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  const tenant = token ? options.tenantFor(token) : null;
  if (!tenant) {
    return graphError(401, "InvalidAuthenticationToken", "Access token is empty or was not accepted.");
  }

  const switchFault = url.searchParams.get("sandbox-fault");
  const fault = tenant.faults[0];
  if (fault) {
    fault.times -= 1;
    if (fault.times <= 0) tenant.faults.shift();
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.status >= 400) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
      return graphError(fault.status, faultCode(fault.status), "Simulated fault.", headers);
    }
  } else if (switchFault === "429" || switchFault === "503") {
    return graphError(Number(switchFault), faultCode(Number(switchFault)), "Simulated fault.", {
      "retry-after": "1",
    });
  }

  const scopeMissing = (scope: string) =>
    tenant.grantedScopes !== null && !tenant.grantedScopes.has(scope)
      ? graphError(
          403,
          "Authentication_MSGraphPermissionMissing",
          `Calling principal does not have required MSGraph permissions ${scope}`,
        )
      : null;
  const roleMissing = (roles: readonly RoleKey[]) =>
    holds(tenant, roles)
      ? null
      : graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  const paging: Paging = { root, path, url };
  const method = request.method.toUpperCase();

  if (method === "GET") {
    if (path === "subscribedSkus") {
      return scopeMissing(SCOPES.subscribedSkus) ?? page(tenant.skus, tenant, paging, "subscribedSkus");
    }
    if (path === "me") {
      return json({
        "@odata.context": userContext(root, url.searchParams.get("$select")),
        ...project(userView(tenant.admin), url.searchParams.get("$select")),
      });
    }
    if (path === "me/transitiveMemberOf/microsoft.graph.directoryRole") {
      const refusal = needsAdvancedQuery(request, url);
      if (refusal) return refusal;
      const roles: DirectoryRole[] = Object.values(ROLE_TEMPLATES)
        .filter((r) => tenant.admin.roleTemplateIds.includes(r.id))
        .map((r) => ({
          "@odata.type": "#microsoft.graph.directoryRole",
          id: crypto.randomUUID(),
          displayName: r.name,
          roleTemplateId: r.id,
        }));
      return page(roles, tenant, paging, "directoryRoles");
    }
    if (path === "organization") {
      const org: Organization = {
        id: tenant.tenantId,
        displayName: tenant.displayName,
        onPremisesSyncEnabled: true,
        onPremisesLastSyncDateTime: tenant.lastSyncDateTime.toISOString(),
        tenantType: "AAD",
        verifiedDomains: [
          {
            capabilities: "Email, OfficeCommunicationsOnline",
            isDefault: true,
            isInitial: false,
            name: "contoso.com",
            type: "Managed",
          },
        ],
      };
      return page([org], tenant, paging, "organization");
    }
    if (path === "directory/onPremisesSynchronization") {
      const refusal = scopeMissing(SCOPES.syncFeatures) ?? roleMissing(["globalAdmin"]);
      if (refusal) return refusal;
      const sync: OnPremisesDirectorySynchronization = {
        id: tenant.tenantId,
        configuration: {
          accidentalDeletionPrevention: {
            synchronizationPreventionType: "enabledForCount",
            alertThreshold: 500,
          },
        },
        features: tenant.syncFeatures(),
      };
      return page([sync], tenant, paging, "directory/onPremisesSynchronization");
    }
    if (path === "reports/authenticationMethods/userRegistrationDetails") {
      const refusal =
        scopeMissing(SCOPES.registrationDetails) ?? roleMissing(["globalAdmin", "globalReader"]);
      if (refusal) return refusal;
      const details: UserRegistrationDetails[] = tenant.users.map((u) => ({
        id: u.id,
        userPrincipalName: u.userPrincipalName,
        userDisplayName: u.displayName,
        isAdmin: u === tenant.admin,
        isSsprRegistered: u.sspr.registered,
        isSsprEnabled: u.sspr.enabled,
        isSsprCapable: u.sspr.capable,
        isMfaRegistered: u.sspr.registered,
        isMfaCapable: u.sspr.registered,
        isPasswordlessCapable: false,
        lastUpdatedDateTime: tenant.now().toISOString(),
        methodsRegistered: u.sspr.registered ? ["mobilePhone", "microsoftAuthenticatorPush"] : [],
        isSystemPreferredAuthenticationMethodEnabled: true,
        systemPreferredAuthenticationMethods: u.sspr.registered ? ["push"] : [],
        userPreferredMethodForSecondaryAuthentication: u.sspr.registered ? "push" : null,
        userType: "member",
      }));
      return page(details, tenant, paging, "reports/authenticationMethods/userRegistrationDetails");
    }
    if (path === "users") {
      const refusal = scopeMissing(SCOPES.users) ?? needsAdvancedQuery(request, url);
      if (refusal) return refusal;
      const users = filterUsers(tenant.users, url.searchParams.get("$filter"));
      if (!users)
        return graphError(400, "Request_UnsupportedQuery", "The simulator does not understand this $filter.");
      return page(users.map(userView), tenant, paging, "users");
    }
    const operation = /^users\/([^/]+)\/authentication\/operations\/([^/]+)$/.exec(path);
    if (operation) {
      const op = tenant.operations.get(operation[2] ?? "");
      if (!op || op.userId !== operation[1]) return graphError(404, "itemNotFound", "Operation not found.");
      op.polls += 1;
      if (op.polls > 1) {
        op.status = op.final.status;
        op.statusDetail = op.final.statusDetail;
        op.lastActionDateTime = tenant.now().toISOString();
      }
      const { userId: _u, final: _f, polls: _p, ...view } = op;
      return json({ "@odata.context": `${root}/$metadata#microsoft.graph.longRunningOperation`, ...view });
    }
    const single = /^users\/([^/]+)$/.exec(path);
    if (single) {
      const refusal = scopeMissing(SCOPES.users);
      if (refusal) return refusal;
      const user = tenant.users.find((u) => u.id === single[1] || u.userPrincipalName === single[1]);
      if (!user)
        return graphError(404, "Request_ResourceNotFound", `Resource '${single[1]}' does not exist.`);
      return json({
        "@odata.context": userContext(root, url.searchParams.get("$select")),
        ...project(userView(user), url.searchParams.get("$select")),
      });
    }
    if (path === "auditLogs/directoryAudits") {
      // The same roles Microsoft lets list directory audits, so the sandbox refuses exactly what a tenant would.
      const refusal = scopeMissing(SCOPES.audits) ?? roleMissing(AUDIT_READER_ROLES);
      if (refusal) return refusal;
      const audits = filterAudits(tenant.visibleAudits(), url.searchParams.get("$filter"));
      if (!audits)
        return graphError(400, "Request_UnsupportedQuery", "The simulator does not understand this $filter.");
      const newestFirst = [...audits].sort(
        (a, b) => Date.parse(b.activityDateTime ?? "") - Date.parse(a.activityDateTime ?? ""),
      );
      return page(newestFirst, tenant, paging, "auditLogs/directoryAudits");
    }
  }

  if (method === "POST") {
    const reset = /^users\/([^/]+)\/authentication\/methods\/([^/]+)\/resetPassword$/.exec(path);
    if (reset) {
      const refusal =
        scopeMissing(SCOPES.resetPassword) ??
        roleMissing(["authenticationAdmin", "privilegedAuthenticationAdmin", "globalAdmin"]);
      if (refusal) return refusal;
      const user = tenant.users.find((u) => u.id === reset[1]);
      if (!user || reset[2] !== PASSWORD_METHOD_ID) return graphError(404, "itemNotFound", "Not found.");
      if (user === tenant.admin)
        return graphError(400, "badRequest", "The operation cannot be performed on your own account.");
      const body = (await request.json().catch(() => null)) as { newPassword?: unknown } | null;
      const password = typeof body?.newPassword === "string" ? body.newPassword : "";
      // Hybrid users need a caller-supplied password; it must meet the tenant's policy (Graph docs).
      if (password.length < 12)
        return graphError(400, "badRequest", "The password does not meet the password policy.");
      const op = tenant.adminReset(user);
      return json({}, 202, {
        location: `${root}/users/${user.id}/authentication/operations/${op.id}`,
        "retry-after": "1",
      });
    }
  }

  return graphError(404, "Request_ResourceNotFound", `The sandbox does not simulate ${method} /${path}.`);
}
