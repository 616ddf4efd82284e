import { describe, expect, expectTypeOf, it } from "vitest";
import * as checks from "@/lib/directory/checks/types";
import * as vocabulary from "@/lib/steps/finding-codes";

// The directory checks and the browser each hold the list of finding codes (adapters and UI may not import each
// other); the two must never drift apart.

describe("finding codes", () => {
  it("are the same list, in the same order, for the checks and for the browser", () => {
    expect([...vocabulary.FINDING_CODES]).toEqual([...checks.FINDING_CODES]);
  });

  it("have the same finding shape on both sides", () => {
    expectTypeOf<checks.DirectoryFinding>().toEqualTypeOf<vocabulary.DirectoryFinding>();
    expectTypeOf<checks.Severity>().toEqualTypeOf<vocabulary.Severity>();
  });

  it("each have a summary label", () => {
    for (const code of checks.FINDING_CODES) expect(checks.CODE_LABELS[code]).toMatch(/\S/);
  });
});
