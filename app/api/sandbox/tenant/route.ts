import { type SandboxView } from "@/lib/contract/sandbox";
import { NextResponse } from "next/server";
import { z } from "zod";
import { invalidBody } from "@/lib/server/api-error";
import { route } from "@/lib/server/http";
import { runIdSchema } from "@/lib/server/ids";
import { applySandboxControlForRun, sandboxViewForRun } from "@/lib/server/sandbox-controls";

const runId = runIdSchema;

const controlSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("connect-writeback"), on: z.boolean() }).strict(),
  z.object({ action: z.literal("portal-writeback"), on: z.boolean() }).strict(),
  z.object({ action: z.literal("portal-unlock"), on: z.boolean() }).strict(),
  z.object({ action: z.literal("self-service-reset") }).strict(),
  z.object({ action: z.literal("self-service-unlock") }).strict(),
  z.object({ action: z.literal("restore") }).strict(),
]);
export type SandboxControl = z.infer<typeof controlSchema>;

const postSchema = z.object({ runId, control: controlSchema }).strict();

/** The run's simulated tenant: its switches and how many audit records it holds. */
export const GET = route(async ({ request, principal }) => {
  const parsed = z.object({ runId }).safeParse({ runId: request.nextUrl.searchParams.get("runId") ?? "" });
  if (!parsed.success) throw invalidBody(parsed.error, "query");
  return NextResponse.json<SandboxView>(await sandboxViewForRun(principal, parsed.data.runId));
});

/** Sandbox controls: play the admin's (or a user's) part in the run's simulated tenant. */
export const POST = route(async ({ principal, body }) => {
  const input = await body(postSchema);
  return NextResponse.json<SandboxView>(
    await applySandboxControlForRun(principal, input.runId, input.control),
  );
});
