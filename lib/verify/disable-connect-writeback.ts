// disable-connect-writeback (clean-up) — the Connect (or cloud sync) password writeback option is off: the newest
// "Enable/Disable password writeback for directory" audit record is a disable; else attestation.

import { lookback, tenantSource, WRITEBACK_TOGGLES } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateConnectWriteback } from "./verdicts/tenant";

export const disableConnectWriteback: StepVerifier = {
  stepId: "disable-connect-writeback",
  sources: [
    tenantSource(
      "“Enable/Disable password writeback for directory” audit records",
      "evidence",
      async ({ port }, ctx) =>
        evaluateConnectWriteback(await port.auditRecords(WRITEBACK_TOGGLES, lookback(ctx)), "disabled"),
    ),
  ],
};
