import { type RunView } from "@/lib/contract/runs";
import { NextResponse } from "next/server";
import { z } from "zod";
import { invalidBody } from "@/lib/server/api-error";
import { matchesIfNoneMatch, route } from "@/lib/server/http";
import {
  authorizeRun,
  EVENT_PAGE_MAX,
  etagFor,
  parseIfMatch,
  patchRun,
  runViewPage,
} from "@/lib/server/runs-service";
import { runPatchSchema } from "@/lib/steps/schema";

const whole = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, "is not a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`));

const pageSchema = z.object({
  limit: whole(EVENT_PAGE_MAX).optional(),
  before: whole(999_999_999).optional(),
});

export const GET = route<{ id: string }>(async ({ principal, params, request }) => {
  const query = request.nextUrl.searchParams;
  const page = pageSchema.safeParse({
    limit: query.get("limit") ?? undefined,
    before: query.get("before") ?? undefined,
  });
  if (!page.success) throw invalidBody(page.error, "query");
  // The version alone decides a conditional GET: polling an unchanged run reads one row, not its timeline.
  const { record } = await authorizeRun(principal, params.id);
  const etag = etagFor(record.version);
  if (matchesIfNoneMatch(request, etag)) return new Response(null, { status: 304, headers: { etag } });
  const run = await runViewPage(record, page.data);
  return NextResponse.json<RunView>(run, { headers: { etag } });
});

export const PATCH = route<{ id: string }>(async ({ principal, params, request, body }) => {
  const expectedVersion = parseIfMatch(request.headers.get("if-match"));
  const { changes } = await body(runPatchSchema);
  const run = await patchRun(principal, params.id, expectedVersion, changes);
  return NextResponse.json<RunView>(run, { headers: { etag: etagFor(run.version) } });
});
