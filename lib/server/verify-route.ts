import "server-only";
import { type VerifyResponse } from "@/lib/contract/runs";
import { NextResponse } from "next/server";
import { z } from "zod";
import { type StepId } from "@/lib/steps/ids";
import { route } from "./http";
import { runIdSchema } from "./ids";
import { verifyStep } from "./runs-service";
import { tenantAccessFor } from "./tenant-access";

// The shared body of every app/api/verify/<step-id>/route.ts.

export const verifyBodySchema = z
  .object({
    runId: runIdSchema,
    expectedVersion: z.number().int().positive().optional(),
    attestation: z
      .object({
        by: z.string().trim().min(1, "give the name of the person who did the step").max(100),
        note: z.string().trim().max(2000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export function verifyRoute(stepId: StepId) {
  return route(async ({ principal, body, request }) => {
    const input = await body(verifyBodySchema);
    // The tenant (Graph token or sandbox) of this request only, handed down to the step's sources.
    const access = input.attestation ? null : tenantAccessFor(request, principal.session, input.runId);
    const result = await verifyStep(principal, stepId, input, access);
    return NextResponse.json<VerifyResponse>(result, {
      status: 200,
      headers: { etag: `"v${result.version}"` },
    });
  });
}
