import { type FindingsPage } from "@/lib/contract/directory";
import { NextResponse } from "next/server";
import { invalidBody } from "@/lib/server/api-error";
import { route } from "@/lib/server/http";
import { findingsPage, findingsQuerySchema } from "@/lib/server/directory/state-service";

// The full finding list of a step's last directory scan: searchable page, or the whole list as CSV or JSON.
export const GET = route<{ id: string }>(async ({ principal, params, request }) => {
  const parsed = findingsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw invalidBody(parsed.error, "query");
  const result = await findingsPage(principal, params.id, parsed.data);
  if (result.kind === "page") return NextResponse.json<FindingsPage>(result.page);
  return new NextResponse(result.body, {
    headers: {
      "content-type": result.kind === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${result.name}"`,
    },
  });
});
