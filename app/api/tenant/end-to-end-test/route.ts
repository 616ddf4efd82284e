import { type EndToEndResponse } from "@/lib/contract/tenant";
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/server/http";
import { graphUserIdSchema, runIdSchema } from "@/lib/server/ids";
import { verifyStep } from "@/lib/server/runs-service";
import { runEndToEndTest, tenantForRun } from "@/lib/server/tenant-service";

const bodySchema = z
  .object({
    runId: runIdSchema,
    userId: graphUserIdSchema,
    confirm: z.literal(true, { error: "confirm that this user's password may be replaced" }),
  })
  .strict();

/**
 * Resets the chosen test user's password through Graph, records the test on the run, then checks it. A user the
 * pre-flight refuses (cloud-only, not found on-premises, disabled, locked out, protected) is answered with 422.
 */
export const POST = route(async ({ request, principal, body }) => {
  const input = await body(bodySchema);
  // A reset changes the run: edit rights (owner or edit link), checked before the tenant is touched.
  const { access } = await tenantForRun(principal, request, input.runId, "edit");
  const test = await runEndToEndTest(principal, access, input);
  const verification = await verifyStep(principal, "end-to-end-test", { runId: input.runId }, access);
  return NextResponse.json<EndToEndResponse>({ password: test.password, record: test.record, verification });
});
