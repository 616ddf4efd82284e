// prerequisites — the wizard reads, nobody acts. Two parts, each judged by its strongest readable source:
// the directory (domain controllers and their password-policy hints control, the connector account) and the tenant
// (licence, the signed-in admin's active roles, synchronisation). A failure of either part fails the step. Two more,
// optional parts: the cloud sync provisioning agents' own files (sources/cloud-sync.ts), and the Connect server's
// evidence (its health: service, version, Service Bus, TLS 1.2, .NET), each read when the run has it and not asked
// for otherwise.

import { type StepVerifier } from "./types";
import { connectEvidenceSource } from "./sources/connect";
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
  sources: [
    ...directorySources("prerequisites"),
    tenant,
    cloudSyncAgentSource,
    connectEvidenceSource("prerequisites", { part: "connect", optional: true }),
  ],
};
