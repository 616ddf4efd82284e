import { type FixApplyResponse } from "@/lib/contract/directory";
import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { applyFix, fixApplyBodySchema } from "@/lib/server/directory/fix-service";

// Applies a previewed fix with the privileged credential typed for this one action (never stored or logged), then
// re-verifies the step.
export const POST = route<{ id: string }>(async ({ principal, params, body }) => {
  const input = await body(fixApplyBodySchema);
  return NextResponse.json<FixApplyResponse>(await applyFix(principal, params.id, input));
});
