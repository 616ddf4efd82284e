// connect-writeback — the Connect (or cloud sync) password writeback option is on. Microsoft offers no API for the
// option itself. Strongest first: the Connect server's own state from the collector's uploaded file (the setting
// itself, read on the server, and the service's health); then the newest "Enable/Disable password writeback for
// directory" audit record; with neither, the person who ran the Connect wizard attests.

import { connectEvidenceSource } from "./sources/connect";
import { lookback, tenantSource, WRITEBACK_TOGGLES } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateConnectWriteback } from "./verdicts/tenant";

export const connectWriteback: StepVerifier = {
  stepId: "connect-writeback",
  sources: [
    connectEvidenceSource("enabled"),
    tenantSource(
      "“Enable/Disable password writeback for directory” audit records",
      "evidence",
      async ({ port }, ctx) =>
        evaluateConnectWriteback(await port.auditRecords(WRITEBACK_TOGGLES, lookback(ctx)), "enabled"),
    ),
  ],
};
