import { NextResponse } from "next/server";
import { z } from "zod";
import { type SandboxConnectResponse } from "@/lib/contract/connect";
import { applySandboxConnectControl } from "@/lib/server/connect/sandbox-connect";
import { route } from "@/lib/server/http";

const bodySchema = z
  .object({
    runId: z.string().trim().min(1, "is required").max(64),
    action: z.enum(["upload-evidence", "stop-adsync", "block-service-bus", "restore"]),
  })
  .strict();

/** Sandbox: play the Connect server's part (its collector's upload, a stopped service, a blocked network). */
export const POST = route(async ({ principal, body }) => {
  const input = await body(bodySchema);
  return NextResponse.json<SandboxConnectResponse>(
    await applySandboxConnectControl(principal, input.runId, input.action),
  );
});
