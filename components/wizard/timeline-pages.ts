import { type RunEventView } from "@/lib/contract/runs";

// "Show older events" under the run's timeline: the run in the store carries its latest page of events and, when
// there are older ones, the cursor to ask for the page before (`olderEventsBefore`, GET /api/runs/<id>?before=).
// The pages read this way are kept beside the store's page, which polling replaces. Pure: the component feeds it.

/** What the older pages add to the store's page of events. */
export interface OlderEventsState {
  /** Events kept beside the store's page, oldest first: the older pages, and the store's page as it was then. */
  kept: RunEventView[];
  /** Where the next older page starts: "run" until a page was read (the store's cursor), undefined at the start. */
  next: number | undefined | "run";
  loading: boolean;
  /** Why the last request failed, shown beside the button; null when it did not. */
  error: string | null;
  /** What the live region says after a page was added. */
  announcement: string;
}

export type OlderEventsAction =
  | { type: "request" }
  | {
      type: "loaded";
      /** The store's events when the page arrived: kept, so that polling sliding its page leaves no gap. */
      shown: readonly RunEventView[];
      page: { events: readonly RunEventView[]; olderEventsBefore?: number };
    }
  | { type: "failed"; message: string };

export const NO_OLDER_EVENTS: OlderEventsState = {
  kept: [],
  next: "run",
  loading: false,
  error: null,
  announcement: "",
};

/** Every event of the lists once, oldest first (ids grow with time). */
export function mergeEvents(...lists: readonly (readonly RunEventView[])[]): RunEventView[] {
  const byId = new Map<number, RunEventView>();
  for (const list of lists) for (const event of list) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** The `before` of the next older page, or undefined when there is nothing older. */
export function nextOlderCursor(state: OlderEventsState, runCursor: number | undefined): number | undefined {
  return state.next === "run" ? runCursor : state.next;
}

/** The sentence the live region reads once a page was added. */
export function olderEventsAnnouncement(added: number, more: boolean): string {
  const what =
    added === 0
      ? "No older events were found."
      : `Added ${added.toLocaleString("en-US")} older ${added === 1 ? "event" : "events"} at the end of the timeline.`;
  return more ? what : `${what} That is the start of this run.`;
}

export function olderEventsReducer(state: OlderEventsState, action: OlderEventsAction): OlderEventsState {
  switch (action.type) {
    case "request":
      return { ...state, loading: true, error: null };
    case "failed":
      return { ...state, loading: false, error: action.message };
    case "loaded": {
      const before = mergeEvents(state.kept, action.shown);
      const known = new Set(before.map((event) => event.id));
      const added = action.page.events.filter((event) => !known.has(event.id)).length;
      const more = action.page.olderEventsBefore !== undefined;
      return {
        kept: mergeEvents(before, action.page.events),
        next: action.page.olderEventsBefore,
        loading: false,
        error: null,
        announcement: olderEventsAnnouncement(added, more),
      };
    }
  }
}
