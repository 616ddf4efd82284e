import "server-only";
import { type RunEvent } from "@/lib/server/runs-repository";
import { END_TO_END_EVENT, endToEndRecordSchema } from "@/lib/tenant/end-to-end";
import { type EndToEndTestRecord } from "@/lib/tenant/port";
import { type VerifyContext } from "@/lib/verify/types";
import { cloudSyncEvidenceForRun } from "./cloud-sync/evidence-store";
import { connectEvidenceForRun } from "./connect/evidence-store";
import { ldapUserLookup, runDirectoryFor } from "./directory/run-directory";
import { appMode } from "./env";
import { withSandboxSession } from "./sandbox-store";
import { type TenantAccess } from "./tenant-access";

// What a step's check may read for one run, built explicitly from the run the caller already loaded and the
// request's tenant access (null: no token, or a background re-check). Absent ports make their sources stand aside.

/** The parts of a run the context needs: its identity, when it began, and (for the end-to-end test) its events. */
export interface VerifyRun {
  id: string;
  flow: VerifyContext["run"]["flow"];
  mode: VerifyContext["run"]["mode"];
  createdAt: string;
  events?: readonly Pick<RunEvent, "type" | "detail">[];
}

export async function buildVerifyContext(
  run: VerifyRun,
  access: TenantAccess | null,
  now: Date,
): Promise<VerifyContext> {
  const context: VerifyContext = {
    run: { id: run.id, flow: run.flow, mode: run.mode },
    now,
    directory: await runDirectoryFor(run.id),
    connectEvidence: () => connectEvidenceForRun(run.id),
    // The provisioning agents' files (cloud sync), read by the prerequisites' optional cloud sync part.
    cloudSyncEvidence: await cloudSyncEvidenceForRun(run.id),
  };
  if (!access) {
    // In the sandbox every request reaches the simulated tenant; a missing access there is a background re-check.
    if (appMode() === "live")
      context.tenantUnavailable = {
        code: "sign-in-needed",
        severity: "info",
        message:
          "Sign in with your Microsoft Entra admin account so that the wizard can check this step in your tenant.",
      };
    return context;
  }
  context.tenant = {
    port: access.port,
    runStartedAt: new Date(run.createdAt),
    endToEndTest: lastEndToEndTest(run),
  };
  // The on-premises leg of the end-to-end test: the sandbox's directory, else the configured LDAP connection.
  const onPremisesUsers = access.onPremisesUsers ?? ldapUserLookup();
  if (onPremisesUsers) context.onPremisesUsers = onPremisesUsers;
  return context;
}

/**
 * Runs a check (or several) of a run: for a sandbox run, with its simulated world loaded once for all the check's
 * reads (directory, Graph simulator, on-premises lookup) and stored at most once (lib/server/sandbox-store.ts).
 */
export function checkingRun<T>(run: Pick<VerifyRun, "id" | "mode">, task: () => Promise<T>): Promise<T> {
  return run.mode === "sandbox" ? withSandboxSession(run.id, task) : task();
}

function lastEndToEndTest(run: VerifyRun): EndToEndTestRecord | null {
  let last: EndToEndTestRecord | null = null;
  for (const event of run.events ?? []) {
    if (event.type !== END_TO_END_EVENT) continue;
    const parsed = endToEndRecordSchema.safeParse(event.detail);
    if (parsed.success) last = parsed.data;
  }
  return last;
}
