import { type TestUserListResponse } from "@/lib/contract/tenant";
import { NextResponse } from "next/server";
import { z } from "zod";
import { invalidBody } from "@/lib/server/api-error";
import { route } from "@/lib/server/http";
import { runIdSchema } from "@/lib/server/ids";
import { searchTestUsers, tenantForRun } from "@/lib/server/tenant-service";

const querySchema = z.object({
  runId: runIdSchema,
  search: z.string().trim().min(1, "type the start of a name or UPN").max(64),
});

/** Synchronised users whose UPN or name starts with `search`: the end-to-end test's user picker. */
export const GET = route(async ({ request, principal }) => {
  const query = request.nextUrl.searchParams;
  const parsed = querySchema.safeParse({
    runId: query.get("runId") ?? "",
    search: query.get("search") ?? "",
  });
  if (!parsed.success) throw invalidBody(parsed.error, "query");
  // A read: anyone who may see the run (view links too) searches its tenant.
  const { access } = await tenantForRun(principal, request, parsed.data.runId, "view");
  const users = await searchTestUsers(access.port, parsed.data.search);
  return NextResponse.json<TestUserListResponse>({ users });
});
