import { type SandboxDirectoryView } from "@/lib/contract/sandbox";
import { NextResponse } from "next/server";
import { z } from "zod";
import { invalidBody } from "@/lib/server/api-error";
import { route } from "@/lib/server/http";
import { runIdSchema } from "@/lib/server/ids";
import {
  applySandboxDirectoryControlForRun,
  sandboxDirectoryViewForRun,
} from "@/lib/server/sandbox-controls";

const runId = runIdSchema;

const controlSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("upgrade-domain-controllers") }).strict(),
  z.object({ action: z.literal("minimum-password-age-zero") }).strict(),
  z.object({ action: z.literal("password-settings-readable") }).strict(),
  z.object({ action: z.literal("delegation-in-place") }).strict(),
  z.object({ action: z.literal("restore") }).strict(),
]);
export type SandboxDirectoryControl = z.infer<typeof controlSchema>;

const postSchema = z.object({ runId, control: controlSchema }).strict();

/** The run's simulated directory: what its domain controllers run and its minimum password ages. */
export const GET = route(async ({ request, principal }) => {
  const parsed = z.object({ runId }).safeParse({ runId: request.nextUrl.searchParams.get("runId") ?? "" });
  if (!parsed.success) throw invalidBody(parsed.error, "query");
  return NextResponse.json<SandboxDirectoryView>(
    await sandboxDirectoryViewForRun(principal, parsed.data.runId),
  );
});

/** Sandbox directory controls: play the domain admin's part outside the wizard in the run's simulated directory. */
export const POST = route(async ({ principal, body }) => {
  const input = await body(postSchema);
  return NextResponse.json<SandboxDirectoryView>(
    await applySandboxDirectoryControlForRun(principal, input.runId, input.control),
  );
});
