"use client";

import { useRunStore } from "@/lib/client/run-store-provider";
import { type RunEventView } from "@/lib/contract/runs";
import { formatDateTime } from "@/lib/format";
import { collapseTimeline, describeLine } from "@/lib/steps/timeline";

/** The run's timeline from the cached run. */
export function Timeline() {
  const events = useRunStore((s) => s.run.events);
  return <TimelineList entries={events} />;
}

/**
 * A timeline from any list of entries, oldest first (the run's events, or a page of them read elsewhere), shown
 * newest first with repeated identical checks folded into one line.
 */
export function TimelineList({
  entries,
}: {
  entries: readonly Pick<RunEventView, "id" | "at" | "actor" | "type" | "stepId" | "summary">[];
}) {
  const lines = collapseTimeline(entries);
  return (
    <section aria-labelledby="timeline-heading" className="space-y-3">
      <h2 id="timeline-heading" className="text-xl font-semibold">
        Timeline
      </h2>
      {lines.length === 0 ? (
        <p className="text-slate-700 dark:text-slate-300">Nothing has happened yet.</p>
      ) : (
        <ol
          aria-label="What happened, newest first"
          className="space-y-2 border-l-2 border-slate-300 pl-4 dark:border-slate-700"
        >
          {[...lines].reverse().map((line) => (
            <li key={line.last.id} data-type={line.last.type} className="break-words">
              <p>{describeLine(line, formatDateTime)}</p>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {line.last.actor} ·{" "}
                {line.count > 1 ? (
                  <>
                    <time dateTime={line.first.at}>{formatDateTime(line.first.at)}</time> to{" "}
                  </>
                ) : null}
                <time dateTime={line.last.at}>{formatDateTime(line.last.at)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
