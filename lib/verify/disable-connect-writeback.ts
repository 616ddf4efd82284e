// disable-connect-writeback (clean-up) — the Connect (or cloud sync) password writeback option is off. Strongest
// first: the Connect server's own setting from the collector's uploaded file; then the newest "Enable/Disable
// password writeback for directory" audit record being a disable; else attestation.

import { connectEvidenceSource } from "./sources/connect";
import { lookback, tenantSource, WRITEBACK_TOGGLES } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateConnectWriteback } from "./verdicts/tenant";

export const disableConnectWriteback: StepVerifier = {
  stepId: "disable-connect-writeback",
  sources: [
    connectEvidenceSource("disabled"),
    tenantSource(
      "“Enable/Disable password writeback for directory” audit records",
      "evidence",
      async ({ port }, ctx) =>
        evaluateConnectWriteback(await port.auditRecords(WRITEBACK_TOGGLES, lookback(ctx)), "disabled"),
    ),
  ],
};
