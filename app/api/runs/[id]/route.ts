import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { etagFor, loadRun, parseIfMatch, patchRun } from "@/lib/server/runs-service";
import { runPatchSchema } from "@/lib/steps/run-changes";

export const GET = route<{ id: string }>(async ({ session, params }) => {
  const run = await loadRun(session, params.id);
  return NextResponse.json(run, { headers: { etag: etagFor(run.version) } });
});

export const PATCH = route<{ id: string }>(async ({ session, params, request, body }) => {
  const expectedVersion = parseIfMatch(request.headers.get("if-match"));
  const { changes } = await body(runPatchSchema);
  const run = await patchRun(session, params.id, expectedVersion, changes);
  return NextResponse.json(run, { headers: { etag: etagFor(run.version) } });
});
