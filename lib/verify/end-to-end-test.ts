// end-to-end-test — a real reset of a synced test user, made by the wizard through Graph: Graph accepts it, the
// "Reset password (by admin)" record names the writeback agent, and the user's password changed on-premises: the
// originating change time of unicodePwd (replPropertyMetaData) moved past the reset. pwdLastSet is read alongside
// only to say whether the user must change the password at the next sign-in (an admin reset sets it to 0).

import { AUDIT_ACTIVITIES } from "@/lib/tenant/graph-facts";
import { tenantSource } from "./sources/tenant";
import { standAside, type StepVerifier } from "./types";
import { evaluateEndToEnd } from "./verdicts/tenant";

export const endToEndTest: StepVerifier = {
  stepId: "end-to-end-test",
  sources: [
    tenantSource(
      "the test reset through Graph, its audit record (OnPremisesAgent) and when the user's password last changed in AD (unicodePwd's replication metadata)",
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
