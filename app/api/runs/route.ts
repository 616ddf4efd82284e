import { type RunListResponse, type RunView } from "@/lib/contract/runs";
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/server/http";
import { createRun, etagFor, listRuns } from "@/lib/server/runs-service";
import { flowSchema } from "@/lib/steps/schema";

const createSchema = z.object({ flow: flowSchema }).strict();

export const POST = route(async ({ session, body }) => {
  const { flow } = await body(createSchema);
  const run = await createRun(session, flow);
  return NextResponse.json<RunView>(run, {
    status: 201,
    headers: { etag: etagFor(run.version), location: `/api/runs/${run.id}` },
  });
});

export const GET = route(async ({ session }) => {
  const runs = await listRuns(session);
  return NextResponse.json<RunListResponse>({ runs });
});
