import "server-only";
import { type DirectoryFinding } from "@/lib/directory/checks/types";
import { collectScript } from "@/lib/directory/collect-script";
import { findingsToCsv } from "@/lib/directory/export";
import { type StepScan } from "@/lib/directory/scan";

// What leaves the wizard as a file: a scan's findings (CSV or JSON) and the evidence collector script.

/** The matching findings of a scan as a file: CSV for a spreadsheet, JSON with the scan's summary. */
export function exportFindings(
  scan: StepScan,
  matching: readonly DirectoryFinding[],
  format: "csv" | "json",
): { kind: "csv" | "json"; body: string; name: string } {
  if (format === "csv")
    return { kind: "csv", body: findingsToCsv(matching), name: `${scan.stepId}-findings.csv` };
  return {
    kind: "json",
    body: JSON.stringify(
      {
        stepId: scan.stepId,
        scannedAt: scan.scannedAt,
        source: scan.describe,
        summary: scan.summary,
        findings: matching,
      },
      null,
      2,
    ),
    name: `${scan.stepId}-findings.json`,
  };
}

export function collectScriptText(): string {
  return collectScript();
}
