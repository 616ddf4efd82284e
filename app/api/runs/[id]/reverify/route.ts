import { type ReverifyResponse } from "@/lib/contract/runs";
import { NextResponse } from "next/server";
import { route } from "@/lib/server/http";
import { reverifyBodySchema, reverifyRun } from "@/lib/server/reverify-service";
import { etagFor } from "@/lib/server/runs-service";
import { tenantAccessFor } from "@/lib/server/tenant-access";

export const POST = route<{ id: string }>(async ({ principal, params, body, request }) => {
  const { expectedVersion } = await body(reverifyBodySchema);
  // Like a single step's check: the tenant (Graph token or sandbox) of this request only.
  const tenant = tenantAccessFor(request, principal.session, params.id);
  const result = await reverifyRun(principal, params.id, tenant, { expectedVersion });
  return NextResponse.json<ReverifyResponse>(result, { headers: { etag: etagFor(result.run.version) } });
});
