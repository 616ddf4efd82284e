"use client";

import { type Ref, useReducer, useRef } from "react";
import { Button } from "@/components/ui/button";
import { ApiCallError } from "@/lib/client/api";
import { useRunStore, useRunStoreApi } from "@/lib/client/run-store-provider";
import { fetchOlderEvents } from "@/lib/client/timeline-api";
import { type RunEventView } from "@/lib/contract/runs";
import { formatDateTime } from "@/lib/format";
import { collapseTimeline, describeLine } from "@/lib/steps/timeline";
import { mergeEvents, nextOlderCursor, NO_OLDER_EVENTS, olderEventsReducer } from "./timeline-pages";

/** The run's timeline from the cached run (its latest page), with the older pages a person asked for. */
export function Timeline() {
  const runId = useRunStore((s) => s.run.id);
  const events = useRunStore((s) => s.run.events);
  const runCursor = useRunStore((s) => s.run.olderEventsBefore);
  const store = useRunStoreApi();
  const [older, dispatch] = useReducer(olderEventsReducer, NO_OLDER_EVENTS);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const before = nextOlderCursor(older, runCursor);

  async function showOlder() {
    if (before === undefined || older.loading) return;
    dispatch({ type: "request" });
    try {
      const page = await fetchOlderEvents(runId, before);
      dispatch({ type: "loaded", shown: store.getState().run.events, page });
      // The button goes away at the start of the run: the keyboard stays beside it, on what was added.
      if (page.olderEventsBefore === undefined) statusRef.current?.focus({ preventScroll: true });
    } catch (error) {
      dispatch({
        type: "failed",
        message: `Older events could not be loaded: ${
          error instanceof ApiCallError ? error.message : "the request failed"
        } Try again.`,
      });
    }
  }

  return (
    <TimelineList
      entries={older.kept.length > 0 ? mergeEvents(older.kept, events) : events}
      older={{
        more: before !== undefined,
        loading: older.loading,
        error: older.error,
        announcement: older.announcement,
        onShowOlder: () => void showOlder(),
      }}
      olderStatusRef={statusRef}
    />
  );
}

/** The "Show older events" control under the timeline. */
export interface OlderEventsControl {
  /** Whether there are older events to read. */
  more: boolean;
  loading: boolean;
  error: string | null;
  /** Said (politely) when a page was added. */
  announcement: string;
  onShowOlder(): void;
}

/**
 * A timeline from any list of entries, oldest first (the run's events, or a page of them read elsewhere), shown
 * newest first with repeated identical checks folded into one line.
 */
export function TimelineList({
  entries,
  older,
  olderStatusRef,
}: {
  entries: readonly Pick<RunEventView, "id" | "at" | "actor" | "type" | "stepId" | "summary">[];
  older?: OlderEventsControl;
  /** The live region under the timeline, which takes the focus when the button goes. */
  olderStatusRef?: Ref<HTMLParagraphElement>;
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
          aria-busy={older?.loading ? true : undefined}
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
      {older ? <OlderEvents control={older} statusRef={olderStatusRef} /> : null}
    </section>
  );
}

function OlderEvents({
  control,
  statusRef,
}: {
  control: OlderEventsControl;
  statusRef?: Ref<HTMLParagraphElement>;
}) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      {control.more ? (
        <Button
          variant="secondary"
          onClick={control.onShowOlder}
          aria-disabled={control.loading || undefined}
          aria-describedby={control.error ? "timeline-older-error" : undefined}
        >
          {control.loading ? "Loading older events…" : "Show older events"}
        </Button>
      ) : null}
      {/* Always in the page, so that what appears in it is announced. */}
      <p
        ref={statusRef}
        tabIndex={-1}
        role="status"
        aria-live="polite"
        className="text-sm text-slate-700 outline-none dark:text-slate-300"
      >
        {control.announcement}
      </p>
      {control.error ? (
        <p
          id="timeline-older-error"
          role="alert"
          className="text-sm font-medium text-red-800 dark:text-red-300"
        >
          {control.error}
        </p>
      ) : null}
    </div>
  );
}
