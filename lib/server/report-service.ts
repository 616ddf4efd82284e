import "server-only";
import { z } from "zod";
import { type RunReport } from "@/lib/contract/report";
import { buildRunReport, renderReportMarkdown } from "@/lib/report/run-report";
import { type Who } from "./access";
import { ApiError, describeZodError } from "./api-error";
import { loadRun } from "./runs-service";

// Exports of a run for anyone who may read it (owner, edit or view link).

export const reportQuerySchema = z.object({ format: z.enum(["json", "md"]).default("json") });

export function parseReportQuery(params: URLSearchParams): z.infer<typeof reportQuerySchema> {
  const parsed = reportQuerySchema.safeParse({ format: params.get("format") ?? undefined });
  if (!parsed.success) {
    throw new ApiError("invalid-body", describeZodError(parsed.error, "query"), { fields: ["query.format"] });
  }
  return parsed.data;
}

/** The report of a run the page already loaded (and checked access to). */
export function reportOf(run: Parameters<typeof buildRunReport>[0], now: Date = new Date()): RunReport {
  return buildRunReport(run, now);
}

export async function runReport(who: Who, runId: string, now: Date = new Date()): Promise<RunReport> {
  return buildRunReport(await loadRun(who, runId), now);
}

export async function runReportFile(
  who: Who,
  runId: string,
  format: "json" | "md",
): Promise<{ body: string; contentType: string; filename: string }> {
  const report = await runReport(who, runId);
  const stem = `sspr-writeback-run-${report.run.id}`;
  return format === "md"
    ? {
        body: renderReportMarkdown(report),
        contentType: "text/markdown; charset=utf-8",
        filename: `${stem}.md`,
      }
    : {
        body: `${JSON.stringify(report, null, 2)}\n`,
        contentType: "application/json; charset=utf-8",
        filename: `${stem}.json`,
      };
}
