import { type FixPreviewView } from "@/lib/contract/directory";
import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { fixPreviewBodySchema, previewFix } from "@/lib/server/directory/fix-service";

// The changes the wizard would make for a step, each as an exact SDDL before/after. Reads only.
export const POST = route<{ id: string }>(async ({ principal, params, body }) => {
  const { stepId } = await body(fixPreviewBodySchema);
  return NextResponse.json<FixPreviewView>(await previewFix(principal, params.id, stepId));
});
