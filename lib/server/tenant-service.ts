import "server-only";
import { createHash } from "node:crypto";
import { transitionStep } from "@/lib/steps/machine";
import { END_TO_END_EVENT, generateTestPassword } from "@/lib/tenant/end-to-end";
import { type EndToEndTestRecord, TenantError, type TenantPort, type SyncedUser } from "@/lib/tenant/port";
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
  rememberSandboxRun,
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
  rememberSandboxRun(run);
  return { run, access: requireTenant(request, toPrincipal(who).session, runId) };
}

export async function searchTestUsers(port: TenantPort, prefix: string): Promise<SyncedUser[]> {
  return port.searchSyncedUsers(prefix);
}

/** Graph refusing the reset itself is a test result (the cloud leg failed); other failures stop the request. */
const REFUSALS = new Set<TenantError["kind"]>(["missing-role", "bad-response", "not-found"]);

export async function runEndToEndTest(
  who: Who,
  port: TenantPort,
  input: { runId: string; userId: string },
): Promise<{ password: string | null; record: EndToEndTestRecord; run: RunView }> {
  // Resetting a password for a run needs edit rights on it, like every other change.
  const { view: run, access } = await loadRunAs(who, input.runId, "edit");
  if (run.flow !== "enable") {
    throw new ApiError(
      "conflict",
      "The end-to-end test belongs to the enable flow; this run is a clean-up run.",
    );
  }
  const user = await port.getUser(input.userId);
  if (!user) throw new ApiError("not-found", "That user does not exist in the tenant.");
  if (!user.onPremisesSyncEnabled) {
    throw new ApiError(
      "conflict",
      `${user.userPrincipalName} is a cloud-only user; writeback can only be tested with a user synchronised from Active Directory.`,
    );
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
