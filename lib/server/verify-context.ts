import "server-only";
import { type VerifyContext } from "@/lib/steps/verifiers";
import { directoryContextFor } from "./directory/context";
import { tenantContextFor } from "./tenant-context";

/**
 * Builds what a step verifier may read for one run: the ports that this deployment has (directory over LDAPS
 * or a snapshot, tenant over Graph or the sandbox simulator). Absent ports make their sources stand aside.
 */
export async function buildVerifyContext(run: VerifyContext["run"], now: Date): Promise<VerifyContext> {
  const context: VerifyContext = { run, now };
  Object.assign(context, await tenantContextFor(run));
  Object.assign(context, await directoryContextFor(run));
  return context;
}
