// disable-sspr-options (clean-up) — the admin center's writeback and unlock switches are off. No API exists for the
// switches: the evidence is that no reset recorded since the clean-up began was written back; else attestation.

import { RESETS, tenantSource } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateWritebackSwitchOff } from "./verdicts/tenant";

export const disableSsprOptions: StepVerifier = {
  stepId: "disable-sspr-options",
  sources: [
    tenantSource(
      "reset audit records since the clean-up began (no API exists for the switches)",
      "evidence",
      async ({ port, runStartedAt }) =>
        evaluateWritebackSwitchOff(await port.auditRecords(RESETS, runStartedAt)),
    ),
  ],
};
