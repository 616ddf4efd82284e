import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type OlderEventsControl, TimelineList } from "./timeline";

// The timeline's "Show older events" control as the server renders it (no DOM here; the click itself is driven in
// e2e/ux-run.e2e.ts).

const entries = [1, 2, 3].map((id) => ({
  id,
  at: `2030-01-01T00:00:0${id}.000Z`,
  actor: "Olivia Owner",
  type: "note",
  stepId: "prerequisites" as const,
  summary: `note ${id}`,
}));

const control = (patch: Partial<OlderEventsControl> = {}): OlderEventsControl => ({
  more: true,
  loading: false,
  error: null,
  announcement: "",
  onShowOlder: () => undefined,
  ...patch,
});

function render(older?: OlderEventsControl): string {
  return renderToStaticMarkup(<TimelineList entries={entries} older={older} />);
}

describe("TimelineList's older events control", () => {
  it("offers a button while there are older events, with an empty live region beside it", () => {
    const html = render(control());
    expect(html).toMatch(/<button type="button"[^>]*>Show older events<\/button>/);
    expect(html).toMatch(/<p[^>]*role="status"[^>]*aria-live="polite"[^>]*><\/p>/);
    expect(html).not.toContain('role="alert"');
  });

  it("has no button once there is nothing older, and the live region says what was added", () => {
    const html = render(
      control({ more: false, announcement: "Added 6 older events at the end of the timeline." }),
    );
    expect(html).not.toContain("<button");
    expect(html).toMatch(/role="status"[^>]*>Added 6 older events at the end of the timeline.<\/p>/);
  });

  it("shows a failure beside the button, tied to it", () => {
    const html = render(control({ error: "Older events could not be loaded: offline. Try again." }));
    expect(html).toMatch(
      /<button[^>]*aria-describedby="timeline-older-error"[^>]*>Show older events<\/button>/,
    );
    expect(html).toMatch(
      /<p id="timeline-older-error" role="alert"[^>]*>Older events could not be loaded: offline/,
    );
  });

  it("says it is loading, without disabling the focused button", () => {
    const html = render(control({ loading: true }));
    expect(html).toMatch(/<button[^>]*aria-disabled="true"[^>]*>Loading older events…<\/button>/);
    expect(html).not.toMatch(/<button[^>]*\sdisabled=""/);
    expect(html).toContain('aria-busy="true"');
  });

  it("renders no control where none is given (a page of events shown elsewhere)", () => {
    expect(render()).not.toMatch(/<button|role="status"/);
  });
});
