import { ApiError } from "@/lib/server/api-error";
import { route } from "@/lib/server/http";
import { STEP_IDS } from "@/lib/steps/ids";

// Static step folders win over this dynamic one, so only unknown ids land here.
export const POST = route<{ stepId: string }>(async ({ params }) => {
  throw new ApiError(
    "unknown-step",
    `There is no step “${params.stepId}”. Valid steps: ${STEP_IDS.join(", ")}.`,
    {
      validStepIds: STEP_IDS,
    },
  );
});
