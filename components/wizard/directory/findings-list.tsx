"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { directoryApi } from "@/lib/client/directory-api";
import { type DirectoryFindingView } from "@/lib/contract/directory";
import { FINDING_CODES, type FindingCode } from "@/lib/steps/finding-codes";
import { DIRECTORY_FINDING_COPY, findingCopy } from "@/lib/steps/finding-copy";
import { SeverityBadge } from "../severity-badge";
import { type StepId } from "@/lib/steps/ids";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";
const PAGE = 25;

/** The full per-object list of the step's last directory scan: search, filter by code, page, export. */
export function FindingsList({
  runId,
  stepId,
  scannedAt,
}: {
  runId: string;
  stepId: StepId;
  scannedAt: string;
}) {
  const [q, setQ] = useState("");
  const [code, setCode] = useState<FindingCode | "">("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ total: number; findings: DirectoryFindingView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      directoryApi
        .findings(runId, { step: stepId, q: q || undefined, code: code || undefined, offset, limit: PAGE })
        .then((result) => live && (setPage(result), setError(null)))
        .catch(
          (e: unknown) => live && setError(e instanceof Error ? e.message : "The list could not be loaded."),
        );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId, stepId, q, code, offset, scannedAt]);

  return (
    <section aria-labelledby={`${stepId}-all-findings`} className="space-y-3">
      <h3 id={`${stepId}-all-findings`} className="text-lg font-semibold">
        All findings
      </h3>
      <div className="grid gap-3 sm:grid-cols-[2fr_1fr]">
        <div>
          <label htmlFor={`${stepId}-search`} className="font-medium">
            Search by name, OU or reason
          </label>
          <input
            id={`${stepId}-search`}
            type="search"
            className={FIELD}
            value={q}
            onChange={(e) => (setQ(e.target.value), setOffset(0))}
          />
        </div>
        <div>
          <label htmlFor={`${stepId}-code`} className="font-medium">
            Kind of finding
          </label>
          <select
            id={`${stepId}-code`}
            className={FIELD}
            value={code}
            onChange={(e) => (setCode(e.target.value as FindingCode | ""), setOffset(0))}
          >
            <option value="">All kinds</option>
            {FINDING_CODES.map((c) => (
              <option key={c} value={c}>
                {DIRECTORY_FINDING_COPY[c].title} ({c})
              </option>
            ))}
          </select>
        </div>
      </div>
      {error ? <p role="alert">{error}</p> : null}
      {page ? (
        <>
          <p aria-live="polite">
            {page.total.toLocaleString("en-US")} matching finding{page.total === 1 ? "" : "s"}
            {page.total > PAGE ? ` — showing ${offset + 1}–${Math.min(offset + PAGE, page.total)}` : ""}.
          </p>
          <ul
            aria-label="Search results"
            className="divide-y divide-slate-200 rounded-md border border-slate-300 dark:divide-slate-800 dark:border-slate-700"
          >
            {page.findings.map((f, i) => (
              <li key={`${f.code}-${f.dn}-${i}`} className="p-3">
                <p className="flex flex-wrap items-center gap-2">
                  <SeverityBadge
                    severity={findingCopy({ code: f.code, severity: f.severity, message: f.reason }).severity}
                  />
                  <strong className="font-semibold">{DIRECTORY_FINDING_COPY[f.code]?.title ?? f.code}</strong>
                </p>
                <p className="break-all">{f.dn}</p>
                <p className="text-sm text-slate-700 dark:text-slate-300">{f.reason}</p>
                <p className="text-xs text-slate-700 dark:text-slate-300">
                  Code: <code>{f.code}</code>
                </p>
              </li>
            ))}
          </ul>
          <div className="flex flex-wrap gap-3">
            {/* Paging only when there is more than one page. */}
            {page.total > PAGE ? (
              <>
                <Button
                  variant="secondary"
                  disabled={offset === 0}
                  onClick={() => setOffset(Math.max(0, offset - PAGE))}
                >
                  Previous page
                </Button>
                <Button
                  variant="secondary"
                  disabled={offset + PAGE >= page.total}
                  onClick={() => setOffset(offset + PAGE)}
                >
                  Next page
                </Button>
              </>
            ) : null}
            <a
              className="self-center underline"
              href={directoryApi.exportUrl(runId, stepId, "csv", q || undefined)}
              download
            >
              Download as CSV
            </a>
            <a
              className="self-center underline"
              href={directoryApi.exportUrl(runId, stepId, "json", q || undefined)}
              download
            >
              Download as JSON
            </a>
          </div>
        </>
      ) : null}
    </section>
  );
}
