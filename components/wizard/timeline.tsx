"use client";

import { useRunStore } from "@/lib/client/run-store-provider";
import { formatDateTime } from "@/lib/format";

export function Timeline() {
  const events = useRunStore((s) => s.run.events);
  return (
    <section aria-labelledby="timeline-heading" className="space-y-3">
      <h2 id="timeline-heading" className="text-xl font-semibold">
        Timeline
      </h2>
      {events.length === 0 ? (
        <p className="text-slate-700 dark:text-slate-300">Nothing has happened yet.</p>
      ) : (
        <ol className="space-y-2 border-l-2 border-slate-300 pl-4 dark:border-slate-700">
          {[...events].reverse().map((event) => (
            <li key={event.id}>
              <p>{event.summary}</p>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {event.actor} · <time dateTime={event.at}>{formatDateTime(event.at)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
