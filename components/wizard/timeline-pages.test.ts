import { describe, expect, it } from "vitest";
import { type RunEventView } from "@/lib/contract/runs";
import {
  mergeEvents,
  nextOlderCursor,
  NO_OLDER_EVENTS,
  olderEventsAnnouncement,
  olderEventsReducer,
} from "./timeline-pages";

const event = (id: number): RunEventView => ({
  id,
  runId: "run",
  at: new Date(Date.UTC(2030, 0, 1, 0, 0, id)).toISOString(),
  actor: "Olivia Owner",
  type: "note",
  stepId: "prerequisites",
  summary: `note ${id}`,
  detail: {},
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));
const ids = (events: readonly RunEventView[]) => events.map((e) => e.id);

describe("the timeline's older pages", () => {
  it("starts from the run's own cursor, then follows each page's", () => {
    expect(nextOlderCursor(NO_OLDER_EVENTS, 401)).toBe(401);
    expect(nextOlderCursor(NO_OLDER_EVENTS, undefined)).toBeUndefined();
    const loading = olderEventsReducer(NO_OLDER_EVENTS, { type: "request" });
    expect(loading.loading).toBe(true);
    const one = olderEventsReducer(loading, {
      type: "loaded",
      shown: range(401, 600),
      page: { events: range(201, 400), olderEventsBefore: 201 },
    });
    expect(nextOlderCursor(one, 401)).toBe(201);
    expect(one.loading).toBe(false);
    expect(one.announcement).toBe("Added 200 older events at the end of the timeline.");
    const two = olderEventsReducer(one, {
      type: "loaded",
      shown: range(401, 600),
      page: { events: range(1, 200) },
    });
    // Nothing older: the button goes, and the live region says where the run starts.
    expect(nextOlderCursor(two, 401)).toBeUndefined();
    expect(two.announcement).toBe(
      "Added 200 older events at the end of the timeline. That is the start of this run.",
    );
    expect(ids(mergeEvents(two.kept, range(401, 600)))).toEqual(ids(range(1, 600)));
  });

  it("keeps the store's page as it was, so polling that slides it past new events leaves no gap", () => {
    const state = olderEventsReducer(NO_OLDER_EVENTS, {
      type: "loaded",
      shown: range(11, 20),
      page: { events: range(1, 10) },
    });
    // Three new events: the store's latest page of ten is now 14..23.
    expect(ids(mergeEvents(state.kept, range(14, 23)))).toEqual(ids(range(1, 23)));
  });

  it("counts only events it did not show already, and says so in the singular", () => {
    const state = olderEventsReducer(NO_OLDER_EVENTS, {
      type: "loaded",
      shown: range(5, 9),
      page: { events: range(4, 6), olderEventsBefore: 4 },
    });
    expect(state.announcement).toBe("Added 1 older event at the end of the timeline.");
    expect(olderEventsAnnouncement(0, false)).toBe(
      "No older events were found. That is the start of this run.",
    );
    expect(olderEventsAnnouncement(1234, true)).toBe("Added 1,234 older events at the end of the timeline.");
  });

  it("keeps what it had when a request fails, with the reason, and clears the reason on the next try", () => {
    const before = olderEventsReducer(NO_OLDER_EVENTS, {
      type: "loaded",
      shown: range(11, 20),
      page: { events: range(6, 10), olderEventsBefore: 6 },
    });
    const failed = olderEventsReducer(olderEventsReducer(before, { type: "request" }), {
      type: "failed",
      message: "Older events could not be loaded: no network. Try again.",
    });
    expect(failed.error).toMatch(/no network/);
    expect(failed.loading).toBe(false);
    expect(ids(failed.kept)).toEqual(ids(before.kept));
    expect(nextOlderCursor(failed, 11)).toBe(6);
    expect(olderEventsReducer(failed, { type: "request" }).error).toBeNull();
  });
});
