import "server-only";
import { z } from "zod";
import { applyReverification, type DriftReport } from "@/lib/steps/drift";
import { type StepId } from "@/lib/steps/ids";
import { runVerifier, VERIFIERS } from "@/lib/verify/run-verifier";
import { type StepVerifier } from "@/lib/verify/types";
import { type VerifierOutcome } from "@/lib/steps/types";
import { type Who } from "./access";
import { type RunView } from "@/lib/contract/runs";
import { commitRunChange, loadRun } from "./runs-service";
import { type TenantAccess } from "./tenant-access";
import { buildVerifyContext, checkingRun } from "./verify-context";

// "Re-verify everything": every step's verifier runs again, outside the transaction (it may read LDAP or
// Graph), then the results are applied to the run in one change and the differences are reported.

export const reverifyBodySchema = z
  .object({ expectedVersion: z.number().int().positive().optional() })
  .strict();

export async function reverifyRun(
  who: Who,
  runId: string,
  tenant: TenantAccess | null,
  options: { expectedVersion?: number; verifiers?: Partial<Record<StepId, StepVerifier>> } = {},
): Promise<{ run: RunView; drift: DriftReport }> {
  const before = await loadRun(who, runId, "edit");
  const now = new Date();
  const verifiers = options.verifiers ?? VERIFIERS;
  const outcomes = await checkingRun(before, async () => {
    const context = await buildVerifyContext(before, tenant, now);
    const checked: Partial<Record<StepId, VerifierOutcome>> = {};
    for (const stepId of Object.keys(before.steps) as StepId[]) {
      const verifier = verifiers[stepId];
      if (verifier) checked[stepId] = await runVerifier(verifier, context);
    }
    return checked;
  });
  let drift: DriftReport | undefined;
  const { view } = await commitRunChange(who, runId, {
    need: "edit",
    expectedVersion: options.expectedVersion,
    decide: (draft, run, access) => {
      const applied = applyReverification(draft, run.flow, outcomes, access.actor, now.toISOString());
      drift = applied.report;
      return applied;
    },
    stepResults: (_run, draft) =>
      (drift?.steps ?? [])
        .filter((step) => step.outcome === "checked")
        .map((step) => ({
          stepId: step.stepId,
          result: { ...(draft.steps[step.stepId] ?? {}), reverify: true },
        })),
  });
  if (!drift) throw new Error("The re-verification produced no report.");
  return { run: view, drift };
}
