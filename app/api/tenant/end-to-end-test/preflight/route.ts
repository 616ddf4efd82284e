import { type EndToEndPreflightResponse } from "@/lib/contract/tenant";
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/server/http";
import { graphUserIdSchema, runIdSchema } from "@/lib/server/ids";
import { preflightEndToEndTest, tenantForRun } from "@/lib/server/tenant-service";

const bodySchema = z
  .object({
    runId: runIdSchema,
    userId: graphUserIdSchema,
  })
  .strict();

/** Looks at the chosen test user in the cloud and on-premises before anything is reset; changes nothing. */
export const POST = route(async ({ request, principal, body }) => {
  const input = await body(bodySchema);
  // Only someone who may run the test needs to know whether this user suits it: edit rights, checked first.
  const { access } = await tenantForRun(principal, request, input.runId, "edit");
  const { userPrincipalName, preflight } = await preflightEndToEndTest(principal, access, input);
  return NextResponse.json<EndToEndPreflightResponse>({ userPrincipalName, ...preflight });
});
