// sspr-unlock (optional) — the admin center's "unlock without reset" switch is on. No API exists for the switch:
// the evidence is an "Unlock user account (self-service)" audit record; else attestation.

import { AUDIT_ACTIVITIES } from "@/lib/tenant/graph-facts";
import { lookback, tenantSource } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateUnlockOn } from "./verdicts/tenant";

export const ssprUnlock: StepVerifier = {
  stepId: "sspr-unlock",
  sources: [
    tenantSource(
      "“Unlock user account (self-service)” audit records (no API exists for the switch)",
      "evidence",
      async ({ port }, ctx) =>
        evaluateUnlockOn(await port.auditRecords([AUDIT_ACTIVITIES.selfServiceUnlock], lookback(ctx))),
    ),
  ],
};
