import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { PrintButton } from "@/components/wizard/print-button";
import { RunReportView } from "@/components/wizard/run-report-view";
import { reportOf } from "@/lib/server/report-service";
import { runAccessForPage } from "@/lib/server/run-page";

export const metadata: Metadata = { title: "Report", robots: { index: false, follow: false } };

export default async function ReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { run } = await runAccessForPage(id);
  const report = reportOf(run);
  const base = `/api/runs/${encodeURIComponent(run.id)}/report`;
  return (
    <div className="space-y-6">
      <nav aria-label="Report actions" className="no-print flex flex-wrap items-center gap-3">
        <Link href={`/runs/${run.id}`} className={buttonClass("link")}>
          ← Back to all steps
        </Link>
        <PrintButton />
        <a href={`${base}?format=md`} className={buttonClass("secondary")} download>
          Download Markdown
        </a>
        <a href={`${base}?format=json`} className={buttonClass("secondary")} download>
          Download JSON
        </a>
      </nav>
      <RunReportView report={report} />
    </div>
  );
}
