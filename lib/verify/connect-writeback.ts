// connect-writeback — the Connect (or cloud sync) password writeback option is on. Microsoft offers no API for the
// option itself, so the evidence is the newest "Enable/Disable password writeback for directory" audit record; with
// none, the person who ran the Connect wizard attests.

import { lookback, tenantSource, WRITEBACK_TOGGLES } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateConnectWriteback } from "./verdicts/tenant";

export const connectWriteback: StepVerifier = {
  stepId: "connect-writeback",
  sources: [
    tenantSource(
      "“Enable/Disable password writeback for directory” audit records",
      "evidence",
      async ({ port }, ctx) =>
        evaluateConnectWriteback(await port.auditRecords(WRITEBACK_TOGGLES, lookback(ctx)), "enabled"),
    ),
  ],
};
