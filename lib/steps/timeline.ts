// The run's timeline as people read it: repeated identical checks folded into one line with a count. Pure, and
// over any list of entries (the run's events, or a page of them), oldest first.

/** What the folding needs of an entry; the run's events and the report's timeline both have it. */
export interface TimelineEntry {
  at: string;
  actor: string;
  type: string;
  stepId: string | null;
  summary: string;
}

/** One line of the timeline: one entry, or a run of identical ones (`count` > 1) shown once. */
export interface TimelineLine<E extends TimelineEntry = TimelineEntry> {
  /** The latest entry of the run: its summary is the line's, its time the "last" time. */
  last: E;
  /** The earliest entry of the run (the same entry when count is 1). */
  first: E;
  count: number;
}

// Entries that repeat without news: the same check with the same answer, the same link opened again. A change
// someone made (a fix, a confirmation, a note) is never folded: each one is its own line.
const FOLDABLE = new Set(["verified", "scheduled-recheck", "link-opened", "link-refused"]);

function sameLine(a: TimelineEntry, b: TimelineEntry): boolean {
  return (
    FOLDABLE.has(a.type) &&
    a.type === b.type &&
    a.stepId === b.stepId &&
    a.actor === b.actor &&
    // The summary holds the step, the status, the confidence and the number of findings: equal summaries are
    // the same answer.
    a.summary === b.summary
  );
}

/** Folds consecutive identical entries (oldest first in, oldest first out). */
export function collapseTimeline<E extends TimelineEntry>(entries: readonly E[]): TimelineLine<E>[] {
  const lines: TimelineLine<E>[] = [];
  for (const entry of entries) {
    const previous = lines.at(-1);
    if (previous && sameLine(previous.last, entry)) {
      previous.last = entry;
      previous.count += 1;
    } else {
      lines.push({ first: entry, last: entry, count: 1 });
    }
  }
  return lines;
}

/**
 * The words of a line: the entry's summary, and for a folded run "Checked 6 times, last 05:29: passed …" — the
 * count and the last time, with the answer they all had.
 */
export function describeLine(line: TimelineLine, formatTime: (iso: string) => string): string {
  if (line.count === 1) return line.last.summary;
  const times = `${line.count} times, last ${formatTime(line.last.at)}`;
  // "Checked “Title”: passed (verified), 0 finding(s)" → "Checked “Title” 6 times, last 05:29: passed (…)".
  const colon = line.last.summary.indexOf(": ");
  if (line.last.type === "verified" && colon > 0) {
    return `${line.last.summary.slice(0, colon)} ${times}: ${line.last.summary.slice(colon + 2)}`;
  }
  return `${line.last.summary} (${times})`;
}
