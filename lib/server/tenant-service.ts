import "server-only";
import { createHash } from "node:crypto";
import { transitionStep } from "@/lib/steps/machine";
import { END_TO_END_EVENT, generateTestPassword } from "@/lib/tenant/end-to-end";
import { DirectoryError } from "@/lib/directory/errors";
import { type OnPremisesUserLookup } from "@/lib/directory/port";
import { type EndToEndTestRecord, TenantError, type TenantPort, type SyncedUser } from "@/lib/tenant/port";
import {
  type Preflight,
  type PreflightFacts,
  preflightTestUser,
  refusalSentence,
} from "@/lib/verify/end-to-end-preflight";
import { ldapUserLookup } from "./directory/run-directory";
import { type RunRole, toPrincipal, type Who } from "./access";
import { ApiError } from "./api-error";
import { env } from "./env";
import { type RunView } from "@/lib/contract/runs";
import { getRepository, loadRun, loadRunAs, toView } from "./runs-service";
import { type Session } from "./session";
import {
  assertTokenAllowed,
  graphTenant,
  readTokenClaims,
  requireTenant,
  type TenantAccess,
} from "./tenant-access";

// Use cases behind the tenant routes: finding a test user, the end-to-end reset, and Entra sign-in. A Graph
// failure the admin is waiting for is thrown as the TenantError it is; lib/server/domain-errors.ts answers it.

/**
 * The tenant of a run, for a caller holding `need` on it. The access check comes first, so that a stranger or a
 * dead link learns nothing (404) and a view link cannot act (403) before any Graph call or sandbox tenant is made.
 */
export async function tenantForRun(
  who: Who,
  request: Request,
  runId: string,
  need: RunRole,
): Promise<{ run: RunView; access: TenantAccess }> {
  const run = await loadRun(who, runId, need);
  return { run, access: requireTenant(request, toPrincipal(who).session, runId) };
}

export async function searchTestUsers(port: TenantPort, prefix: string): Promise<SyncedUser[]> {
  return port.searchSyncedUsers(prefix);
}

/** Graph refusing the reset itself is a test result (the cloud leg failed); other failures stop the request. */
const REFUSALS = new Set<TenantError["kind"]>(["missing-role", "bad-response", "not-found"]);

/** The directory side for the test user: the sandbox copy, else the configured LDAP connection, else none. */
function userLookup(access: Pick<TenantAccess, "onPremisesUsers">): OnPremisesUserLookup | null {
  return access.onPremisesUsers ?? ldapUserLookup();
}

async function preflightFor(
  port: TenantPort,
  lookup: OnPremisesUserLookup | null,
  userId: string,
): Promise<{ user: SyncedUser; preflight: Preflight }> {
  const user = await port.getUser(userId);
  if (!user) throw new ApiError("not-found", "That user does not exist in the tenant.");
  let onPremises: PreflightFacts["onPremises"];
  if (!user.onPremisesSecurityIdentifier) onPremises = null;
  else if (!lookup) onPremises = { unavailable: "no directory connection is configured" };
  else {
    try {
      onPremises = await lookup.findUserBySid(user.onPremisesSecurityIdentifier);
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      onPremises = { unavailable: error.message };
    }
  }
  return { user, preflight: preflightTestUser({ user, onPremises }) };
}

/** What the wizard knows about a test user before resetting anything: one sentence per fact. */
export async function preflightEndToEndTest(
  who: Who,
  access: Pick<TenantAccess, "port" | "onPremisesUsers">,
  input: { runId: string; userId: string },
): Promise<{ userPrincipalName: string; preflight: Preflight }> {
  // Looking before a reset is part of running the test: the same edit rights.
  await loadRunAs(who, input.runId, "edit");
  const { user, preflight } = await preflightFor(access.port, userLookup(access), input.userId);
  return { userPrincipalName: user.userPrincipalName, preflight };
}

export async function runEndToEndTest(
  who: Who,
  tenant: Pick<TenantAccess, "port" | "onPremisesUsers">,
  input: { runId: string; userId: string },
): Promise<{ password: string | null; record: EndToEndTestRecord; run: RunView }> {
  const { port } = tenant;
  // Resetting a password for a run needs edit rights on it, like every other change.
  const { view: run, access } = await loadRunAs(who, input.runId, "edit");
  if (run.flow !== "enable") {
    throw new ApiError(
      "conflict",
      "The end-to-end test belongs to the enable flow; this run is a clean-up run.",
    );
  }
  // The pre-flight runs again here, whatever the page showed: a refusal stops the reset before Graph is asked.
  const { user, preflight } = await preflightFor(port, userLookup(tenant), input.userId);
  if (!preflight.canReset) {
    throw new ApiError("invalid-body", refusalSentence(preflight), {
      fields: ["userId"],
      preflight: preflight.checks,
    });
  }
  const password = generateTestPassword();
  const resetAt = new Date().toISOString();
  let record: EndToEndTestRecord;
  try {
    const operation = await port.resetPassword(user.id, password);
    record = {
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      onPremisesSecurityIdentifier: user.onPremisesSecurityIdentifier,
      resetAt,
      operation,
      refusal: null,
    };
  } catch (error) {
    if (!(error instanceof TenantError) || !REFUSALS.has(error.kind)) throw error;
    record = {
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      onPremisesSecurityIdentifier: user.onPremisesSecurityIdentifier,
      resetAt,
      operation: { status: "failed", statusDetail: null, operationId: null },
      refusal: error.message,
    };
  }
  const view = await recordTest(access.actor, run.id, record);
  return { password: record.refusal ? null : password, record, run: view };
}

/** `actor` is the timeline name of whoever ran the test: the owner, or a helper through an edit link. */
async function recordTest(actor: string, runId: string, record: EndToEndTestRecord): Promise<RunView> {
  const repo = await getRepository();
  const now = new Date().toISOString();
  // The reset happened already: record it whatever else changed on the run meanwhile.
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await repo.get(runId);
    if (!current) throw new ApiError("not-found", `There is no run with id “${runId}”.`);
    const outcome = await repo.update(runId, current.version, (fresh) => {
      const steps = { ...fresh.steps };
      const state = steps["end-to-end-test"];
      if (state?.status === "not-started") {
        const started = transitionStep("end-to-end-test", state, { type: "start" }, now);
        if (started.ok) steps["end-to-end-test"] = started.state;
      }
      return {
        steps,
        events: [
          {
            actor,
            type: END_TO_END_EVENT,
            stepId: "end-to-end-test",
            summary: record.refusal
              ? `Microsoft Graph refused to reset the password of test user ${record.userPrincipalName}`
              : `Reset the password of test user ${record.userPrincipalName} through Microsoft Graph (operation ${record.operation.status})`,
            detail: { ...record },
          },
        ],
      };
    });
    if (outcome.ok) return toView(outcome.run, await repo.events(runId));
    if (outcome.reason === "not-found")
      throw new ApiError("not-found", `There is no run with id “${runId}”.`);
  }
  throw new ApiError(
    "conflict",
    "The run is being changed by someone else right now; the reset was done but could not be recorded. Try again.",
  );
}

/** Runs belong to the signed-in person, whichever browser they use: the session id derives from tenant and user. */
export function sessionIdFor(tid: string, oid: string): string {
  return createHash("sha256").update(`entra:${tid}:${oid}`).digest("base64url").slice(0, 22);
}

/**
 * Entra sign-in: the Graph token stays opaque. Graph itself says whom it belongs to (/me, active roles); only
 * once Graph accepted it are its tenant and application claims trusted, and both must match the configuration.
 */
export async function signIn(
  token: string,
  session: Session,
): Promise<{ session: Session; displayName: string; roles: string[] }> {
  const port = graphTenant(env().GRAPH_BASE_URL, token);
  const admin = await port.signedInAdmin();
  const claims = assertTokenAllowed(readTokenClaims(token));
  const oid = admin.id.toLowerCase();
  if (claims.oid && claims.oid !== oid)
    throw new ApiError("forbidden", "The token does not belong to the signed-in user.");
  const tid = claims.tid!;
  return {
    session: {
      id: sessionIdFor(tid, oid),
      name: session.name ?? (admin.displayName || null),
      entra: { tid, oid, upn: admin.userPrincipalName },
    },
    displayName: admin.displayName,
    roles: admin.roles.map((r) => r.displayName),
  };
}
