// confirm-disabled (clean-up) — writeback is off end to end: the "Disable password writeback for directory" record,
// and no reset written back since then.

import { lookback, RESETS, tenantSource, WRITEBACK_TOGGLES } from "./sources/tenant";
import { type StepVerifier } from "./types";
import { evaluateConfirmDisabled } from "./verdicts/tenant";

export const confirmDisabled: StepVerifier = {
  stepId: "confirm-disabled",
  sources: [
    tenantSource(
      "the “Disable password writeback for directory” record and resets since then",
      "evidence",
      async ({ port }, ctx) => {
        const since = lookback(ctx);
        return evaluateConfirmDisabled(
          await port.auditRecords(WRITEBACK_TOGGLES, since),
          await port.auditRecords(RESETS, since),
        );
      },
    ),
  ],
};
