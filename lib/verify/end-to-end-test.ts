// end-to-end-test — a real reset of a synced test user, made by the wizard through Graph: Graph accepts it, the
// "Reset password (by admin)" record names the writeback agent, and the user's password changed on-premises.

import { AUDIT_ACTIVITIES } from "@/lib/tenant/graph-facts";
import { tenantSource } from "./sources/tenant";
import { standAside, type StepVerifier } from "./types";
import { evaluateEndToEnd } from "./verdicts/tenant";

export const endToEndTest: StepVerifier = {
  stepId: "end-to-end-test",
  sources: [
    tenantSource(
      "the test reset through Graph, its audit record (OnPremisesAgent) and the user's pwdLastSet in AD",
      "verified",
      async ({ port, endToEndTest }, ctx) => {
        if (!endToEndTest) {
          return standAside("not-configured", {
            code: "no-test-run",
            severity: "info",
            message:
              "No test reset has been made in this run yet. Pick a synchronised test user above and start the test.",
          });
        }
        const since = new Date(Date.parse(endToEndTest.resetAt) - 60_000);
        const audits = endToEndTest.refusal
          ? []
          : (await port.auditRecords([AUDIT_ACTIVITIES.adminReset], since)).filter(
              (r) => r.targetUserId === endToEndTest.userId,
            );
        const sid = endToEndTest.onPremisesSecurityIdentifier;
        const onPremises =
          ctx.onPremisesUsers && sid ? await ctx.onPremisesUsers.findUserBySid(sid) : undefined;
        return evaluateEndToEnd({ test: endToEndTest, audits, onPremises }, ctx.now);
      },
    ),
  ],
};
