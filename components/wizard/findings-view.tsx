"use client";

import { useId, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { type FindingAction } from "@/lib/steps/finding-copy";
import { filterFindings, findingsCsv, groupFindings, type FindingGroup } from "@/lib/steps/finding-groups";
import { type StepId } from "@/lib/steps/ids";
import { type Finding } from "@/lib/steps/types";
import { SeverityBadge } from "./severity-badge";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

const ACTION_LABELS: Record<FindingAction, string> = {
  "apply-fix": "Fix this with the wizard",
  "apply-revoke": "Remove them with the wizard",
  "confirm-connector": "Go to the connector confirmation",
};

/**
 * The controls the wizard's own panels offer for an action (data-wizard-action on the button); the finding's button
 * moves focus there and, for a fix, prepares it, so the admin sees the exact change before anything is written.
 */
function runAction(action: FindingAction): boolean {
  const target = document.querySelector<HTMLElement>(`[data-wizard-action="${action}"]`);
  if (!target) return false;
  target.scrollIntoView({ block: "center" });
  target.focus();
  if (action !== "confirm-connector") target.click();
  return true;
}

function downloadCsv(name: string, findings: readonly Finding[]) {
  const url = URL.createObjectURL(new Blob([findingsCsv(findings)], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function GroupList({ group, stepId }: { group: FindingGroup; stepId: StepId }) {
  const [query, setQuery] = useState("");
  const id = useId();
  const shown = filterFindings(group.findings, query);
  return (
    <details className="mt-2 rounded-md border border-slate-300 p-2 dark:border-slate-700">
      <summary className="cursor-pointer font-medium">Show the {group.findings.length} objects</summary>
      <div className="mt-2 space-y-2">
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-0 flex-1">
            <label htmlFor={`${id}-filter`} className="text-sm font-medium">
              Filter by name or OU
            </label>
            <input
              id={`${id}-filter`}
              type="search"
              className={FIELD}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
          <Button variant="secondary" onClick={() => downloadCsv(`${stepId}-${group.code}.csv`, shown)}>
            Download as CSV<span className="sr-only"> ({group.title})</span>
          </Button>
        </div>
        <p className="text-sm" aria-live="polite">
          {shown.length === group.findings.length
            ? `${shown.length} objects.`
            : `${shown.length} of ${group.findings.length} objects match.`}
        </p>
        <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {shown.map((f, i) => (
            <li key={`${f.target ?? ""}-${i}`} className="py-1">
              <span className="break-all font-medium">{f.target}</span>
              <span className="block text-slate-700 dark:text-slate-300">{f.message}</span>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

/**
 * Findings for people: severity as an icon and a word, a plain title, what it means for writeback, the check's own
 * sentence, the wizard's action where it has one; the code stays, small, for support and search. Repeated findings
 * of one OU are one line with the list behind a disclosure.
 */
export function FindingsView({
  findings,
  stepId,
  canAct,
}: {
  findings: readonly Finding[];
  stepId: StepId;
  canAct: boolean;
}) {
  const groups = useMemo(() => groupFindings(findings), [findings]);
  const [missing, setMissing] = useState<string | null>(null);
  if (groups.length === 0) return null;
  return (
    <ul className="space-y-3" aria-label="Findings">
      {groups.map((group) => {
        const single = group.findings.length === 1 ? group.findings[0] : null;
        const action = group.copy.action;
        return (
          <li
            key={group.key}
            className="space-y-1 rounded-md border border-slate-300 p-3 dark:border-slate-700"
          >
            <p className="flex flex-wrap items-center gap-2">
              <SeverityBadge severity={group.severity} />
              <strong className="font-semibold">{group.title}</strong>
            </p>
            {group.copy.meaning ? (
              <p>
                <span className="font-medium">For writeback: </span>
                {group.copy.meaning}
              </p>
            ) : null}
            {single ? <p className="text-slate-800 dark:text-slate-200">{single.message}</p> : null}
            {single?.target ? (
              <p className="break-all text-sm text-slate-700 dark:text-slate-300">{single.target}</p>
            ) : null}
            {group.container && !single ? (
              <p className="break-all text-sm text-slate-700 dark:text-slate-300">In {group.container}</p>
            ) : null}
            <p className="text-xs text-slate-700 dark:text-slate-300">
              Code: <code>{group.code}</code>
            </p>
            {action && canAct ? (
              <div>
                <Button variant="secondary" onClick={() => setMissing(runAction(action) ? null : group.key)}>
                  {ACTION_LABELS[action]}
                </Button>
                {missing === group.key ? (
                  <p role="status" className="mt-1 text-sm">
                    The wizard cannot do this from here on this server: use the scripts further down.
                  </p>
                ) : null}
              </div>
            ) : null}
            {!single ? <GroupList group={group} stepId={stepId} /> : null}
          </li>
        );
      })}
    </ul>
  );
}
