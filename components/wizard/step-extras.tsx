"use client";

import { type StepId } from "@/lib/steps/ids";
import { DIRECTORY_PANELS } from "./directory/panels";
import { TENANT_PANELS } from "./tenant/panels";

/** The step-specific part of a step page, contributed by the directory and tenant features. */
export function StepExtras({ stepId }: { stepId: StepId }) {
  const Directory = DIRECTORY_PANELS[stepId];
  const Tenant = TENANT_PANELS[stepId];
  return (
    <>
      {Directory ? <Directory stepId={stepId} /> : null}
      {Tenant ? <Tenant stepId={stepId} /> : null}
    </>
  );
}
