import { type RunView } from "@/lib/contract/runs";
import { NextResponse } from "next/server";
import { matchesIfNoneMatch, route } from "@/lib/server/http";
import { etagFor, loadRun, parseIfMatch, patchRun } from "@/lib/server/runs-service";
import { runPatchSchema } from "@/lib/steps/schema";

export const GET = route<{ id: string }>(async ({ principal, params, request }) => {
  const run = await loadRun(principal, params.id);
  const etag = etagFor(run.version);
  // Polling clients send the ETag they hold; an unchanged run costs an empty 304.
  if (matchesIfNoneMatch(request, etag)) return new Response(null, { status: 304, headers: { etag } });
  return NextResponse.json<RunView>(run, { headers: { etag } });
});

export const PATCH = route<{ id: string }>(async ({ principal, params, request, body }) => {
  const expectedVersion = parseIfMatch(request.headers.get("if-match"));
  const { changes } = await body(runPatchSchema);
  const run = await patchRun(principal, params.id, expectedVersion, changes);
  return NextResponse.json<RunView>(run, { headers: { etag: etagFor(run.version) } });
});
