import "server-only";
import { GraphTenant } from "@/lib/tenant/graph-adapter";
import { type OnPremisesUserLookup } from "@/lib/directory/port";
import { type TenantPort } from "@/lib/tenant/port";
import { ApiError } from "./api-error";
import { allowedTenantIds, appMode, env } from "./env";
import { SANDBOX_GRAPH_PATH, serveSandboxGraph } from "./sandbox-graph";
import { currentSandboxBearer, withSandboxWorld } from "./sandbox-store";
import { type Session } from "./session";

// How a request reaches the tenant. Live: the browser sends its Graph access token with the call; the server
// forwards it to Graph for this request only and never stores or logs it. Sandbox: the server calls the simulator
// it serves itself (lib/server/sandbox-graph.ts), with a bearer naming the run (lib/server/sandbox-store.ts), so
// everyone working on one run (the owner and the people it was shared with) sees one simulated tenant, and nothing
// else in the code knows the difference. The Graph client hands its requests to the simulator in this process (the
// same Request objects, through the same retry, token and timeout middleware), or over HTTP when SANDBOX_GRAPH_URL
// names a simulator elsewhere. Callers check the principal's access to the run first (lib/server/tenant-service.ts).

export interface TenantAccess {
  port: TenantPort;
  /** Live only: the token's tenant, for the session checks. */
  tenantId: string | null;
  /** Sandbox only: the simulated directory side of the writeback, until the directory port serves it. */
  onPremisesUsers?: OnPremisesUserLookup;
}

/** The claims the wizard reads from a Graph token, once Graph has accepted it (so they are genuine). */
export interface GraphTokenClaims {
  tid: string | null;
  appId: string | null;
  oid: string | null;
  scopes: string[];
}

/** Reads the payload of a JWT without verifying it; null when the token is not a JWT. */
export function readTokenClaims(token: string): GraphTokenClaims | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const text = (key: string) =>
      typeof claims[key] === "string" ? (claims[key] as string).toLowerCase() : null;
    return {
      tid: text("tid"),
      // Graph tokens are v1 tokens (appid); v2 tokens name the client azp.
      appId: text("appid") ?? text("azp"),
      oid: text("oid"),
      scopes: typeof claims.scp === "string" ? claims.scp.split(" ").filter(Boolean) : [],
    };
  } catch {
    return null;
  }
}

/** Refuses a token of another application or of a tenant that may not use this wizard. */
export function assertTokenAllowed(claims: GraphTokenClaims | null): GraphTokenClaims {
  const config = env();
  if (!claims)
    throw new ApiError("unauthenticated", "The token is not a Microsoft Entra access token. Sign in again.");
  if (!claims.appId || claims.appId !== config.ENTRA_CLIENT_ID?.toLowerCase()) {
    throw new ApiError(
      "forbidden",
      "The token was issued to another application than this wizard. Sign in through the wizard.",
    );
  }
  const allowed = allowedTenantIds(config);
  if (allowed.length === 0) {
    throw new ApiError(
      "forbidden",
      "Sign-in is not configured: set ENTRA_TENANT_ID to your tenant id, or list the allowed tenants in ENTRA_ALLOWED_TENANT_IDS.",
    );
  }
  if (!claims.tid || !allowed.includes(claims.tid)) {
    throw new ApiError(
      "forbidden",
      "Your organisation (tenant) is not allowed to use this wizard. Ask its operator to add it.",
    );
  }
  return claims;
}

export function bearerToken(request: Request): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,8192})$/.exec(request.headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

export function sandboxGraphBaseUrl(): string {
  // Loopback with the port Next listens on (next start sets PORT), never the Host header a client sent: the
  // simulator's nextLinks are built on it.
  return env().SANDBOX_GRAPH_URL ?? `http://localhost:${env().PORT}${SANDBOX_GRAPH_PATH}`;
}

export function graphTenant(
  baseUrl: string,
  token: string | (() => string),
  grantedScopes: readonly string[] | null = null,
  transport?: (request: Request) => Promise<Response>,
): GraphTenant {
  return new GraphTenant({ baseUrl, token, grantedScopes, timeoutMs: env().GRAPH_TIMEOUT_MS, transport });
}

/**
 * The tenant this request may read for a run, or null in live mode when the browser sent no token. Building it
 * touches nothing yet; the caller must have checked the principal's access to `runId` before using it.
 */
export function tenantAccessFor(request: Request, session: Session, runId: string): TenantAccess | null {
  if (appMode() === "sandbox") {
    // The on-premises leg reads the run's sandbox directory through the Directory port, as with a real domain.
    const onPremisesUsers: OnPremisesUserLookup = {
      findUserBySid: (sid) =>
        withSandboxWorld(runId, async (world) => (await world.directory.port().findUserBySid(sid)) ?? null),
    };
    return {
      // Read per call: inside the run's sandbox session (a verify call) the bearer names it.
      port: graphTenant(
        sandboxGraphBaseUrl(),
        () => currentSandboxBearer(runId),
        null,
        env().SANDBOX_GRAPH_URL ? undefined : serveSandboxGraph,
      ),
      tenantId: null,
      onPremisesUsers,
    };
  }
  const token = bearerToken(request);
  if (!token) return null;
  const claims = assertTokenAllowed(readTokenClaims(token));
  if (session.entra && session.entra.tid !== claims.tid) {
    throw new ApiError(
      "forbidden",
      "This token belongs to another organisation than the one you signed in with. Sign in again.",
    );
  }
  return { port: graphTenant(env().GRAPH_BASE_URL, token, claims.scopes), tenantId: claims.tid };
}

/** Like tenantAccessFor, but a route that cannot work without the tenant says so. */
export function requireTenant(request: Request, session: Session, runId: string): TenantAccess {
  const access = tenantAccessFor(request, session, runId);
  if (!access)
    throw new ApiError("unauthenticated", "Sign in with your Microsoft Entra admin account first.");
  return access;
}
