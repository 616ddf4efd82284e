// sspr-writeback — the admin center's writeback switch is on. No API exists for the switch, so the evidence is a
// reset audit record whose OnPremisesAgent names the writeback service; else attestation.

import { lookback, RESETS, tenantSource } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateWritebackSwitchOn } from "./verdicts/tenant";

export const ssprWriteback: StepVerifier = {
  stepId: "sspr-writeback",
  sources: [
    tenantSource(
      "reset audit records and their OnPremisesAgent (no API exists for the switch)",
      "evidence",
      async ({ port }, ctx) => evaluateWritebackSwitchOn(await port.auditRecords(RESETS, lookback(ctx))),
    ),
  ],
};
