"use client";

import { type StepId } from "@/lib/steps/ids";
import { ConnectEvidencePanel } from "./connect-evidence-panel";
import { DIRECTORY_PANELS } from "./directory/panels";
import { TENANT_PANELS } from "./tenant/panels";

const CONNECT_EVIDENCE_STEPS: ReadonlySet<StepId> = new Set<StepId>([
  "prerequisites",
  "connect-writeback",
  "disable-connect-writeback",
]);

/** The step-specific part of a step page, contributed by the directory and tenant features. */
export function StepExtras({ stepId }: { stepId: StepId }) {
  const Directory = DIRECTORY_PANELS[stepId];
  const Tenant = TENANT_PANELS[stepId];
  // The Connect server's evidence decides these steps (and adds to the prerequisites) when uploaded.
  const connect = CONNECT_EVIDENCE_STEPS.has(stepId);
  return (
    <>
      {Directory ? <Directory stepId={stepId} /> : null}
      {Tenant ? <Tenant stepId={stepId} /> : null}
      {connect ? <ConnectEvidencePanel stepId={stepId} /> : null}
    </>
  );
}
