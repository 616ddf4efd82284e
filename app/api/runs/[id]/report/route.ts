import { route } from "@/lib/server/http";
import { parseReportQuery, runReportFile } from "@/lib/server/report-service";

/** GET /api/runs/<id>/report?format=json|md — a download of the whole run, secrets redacted. */
export const GET = route<{ id: string }>(async ({ principal, params, request }) => {
  const { format } = parseReportQuery(request.nextUrl.searchParams);
  const file = await runReportFile(principal, params.id, format);
  return new Response(file.body, {
    status: 200,
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
    },
  });
});
