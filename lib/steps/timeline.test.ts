import { describe, expect, it } from "vitest";
import { collapseTimeline, describeLine, type TimelineEntry } from "./timeline";

const check = (
  at: string,
  summary = "Checked “Prerequisites”: passed (verified), 0 finding(s)",
  actor = "Ada",
): TimelineEntry => ({
  at,
  actor,
  type: "verified",
  stepId: "prerequisites",
  summary,
});
const time = (iso: string) => iso.slice(11, 16);

describe("collapseTimeline", () => {
  it("folds six identical checks into one line with the count and the last time", () => {
    const entries = ["05:24", "05:25", "05:26", "05:27", "05:28", "05:29"].map((t) =>
      check(`2026-01-01T${t}:00.000Z`),
    );
    const lines = collapseTimeline(entries);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ count: 6, first: entries[0], last: entries[5] });
    expect(describeLine(lines[0]!, time)).toBe(
      "Checked “Prerequisites” 6 times, last 05:29: passed (verified), 0 finding(s)",
    );
  });

  it("keeps a check with another answer, by another person or of another step apart", () => {
    const lines = collapseTimeline([
      check("2026-01-01T05:00:00.000Z", "Checked “Prerequisites”: failed (verified), 2 finding(s)"),
      check("2026-01-01T05:01:00.000Z"),
      check("2026-01-01T05:02:00.000Z", undefined, "Bob"),
      { ...check("2026-01-01T05:03:00.000Z"), stepId: "password-policy" },
    ]);
    expect(lines.map((l) => l.count)).toEqual([1, 1, 1, 1]);
  });

  it("does not fold across another entry: the order of what happened stays", () => {
    const fix: TimelineEntry = {
      at: "2026-01-01T05:01:30.000Z",
      actor: "Ada",
      type: "fix-applied",
      stepId: "connector-permissions",
      summary: "Applied 3 changes for CONTOSO\\MSOL_1 on DC=contoso,DC=test",
    };
    const lines = collapseTimeline([
      check("2026-01-01T05:00:00.000Z"),
      check("2026-01-01T05:01:00.000Z"),
      fix,
      check("2026-01-01T05:02:00.000Z"),
    ]);
    expect(lines.map((l) => [l.last.type, l.count])).toEqual([
      ["verified", 2],
      ["fix-applied", 1],
      ["verified", 1],
    ]);
  });

  it("never folds changes people made, even identical ones", () => {
    const fix: TimelineEntry = {
      at: "2026-01-01T05:00:00.000Z",
      actor: "Ada",
      type: "fix-applied",
      stepId: "connector-permissions",
      summary: "Applied 1 change",
    };
    expect(collapseTimeline([fix, { ...fix, at: "2026-01-01T05:01:00.000Z" }])).toHaveLength(2);
  });

  it("folds a link opened again and again, and says how often", () => {
    const open: TimelineEntry = {
      at: "2026-01-01T05:00:00.000Z",
      actor: "domain admin (via link)",
      type: "link-opened",
      stepId: null,
      summary: "Opened the run through the edit link “domain admin”",
    };
    const lines = collapseTimeline([open, { ...open, at: "2026-01-01T06:10:00.000Z" }]);
    expect(lines).toHaveLength(1);
    expect(describeLine(lines[0]!, time)).toBe(
      "Opened the run through the edit link “domain admin” (2 times, last 06:10)",
    );
  });

  it("takes any list, an empty one too", () => {
    expect(collapseTimeline([])).toEqual([]);
  });
});
