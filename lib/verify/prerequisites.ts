// prerequisites — the wizard reads, nobody acts. Two parts, each judged by its strongest readable source:
// the directory (domain controllers and their password-policy hints control, the connector account) and the tenant
// (licence, the signed-in admin's active roles, synchronisation). A failure of either part fails the step. A third,
// optional part: the cloud sync provisioning agents' own files, when the run has them (sources/cloud-sync.ts).

import { type StepVerifier } from "./types";
import { directorySources } from "./sources/directory";
import { optional, tenantSource } from "./sources/tenant";
import { cloudSyncAgentSource } from "./sources/cloud-sync";
import { evaluatePrerequisites } from "./verdicts/tenant";
import { type Finding } from "@/lib/steps/types";

const tenant = tenantSource(
  "licence, your active roles and the tenant's sync state from Microsoft Graph",
  "verified",
  async ({ port }, ctx) => {
    const [licence, admin, sync] = await Promise.all([
      port.licence(),
      port.signedInAdmin(),
      port.syncState(),
    ]);
    const notes: Finding[] = [];
    const features = await optional(() => port.syncFeatures(), notes, "sync-features");
    const readiness = await optional(() => port.ssprReadiness(), notes, "sspr-readiness");
    return evaluatePrerequisites({ licence, admin, sync, features, readiness, notes }, ctx.now);
  },
  "tenant",
);

export const prerequisites: StepVerifier = {
  stepId: "prerequisites",
  sources: [...directorySources("prerequisites"), tenant, cloudSyncAgentSource],
};
