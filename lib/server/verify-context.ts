import "server-only";
import { type VerifyContext } from "@/lib/steps/verifiers";

/**
 * Builds what a step verifier may read for one run: the ports that this deployment has (directory over LDAPS
 * or a snapshot, tenant over Graph or the sandbox simulator). Absent ports make their sources stand aside.
 */
export async function buildVerifyContext(run: VerifyContext["run"], now: Date): Promise<VerifyContext> {
  return { run, now };
}
