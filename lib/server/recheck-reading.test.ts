import { describe, expect, it } from "vitest";
import { type AutomaticResult } from "@/lib/steps/types";
import { readingOf } from "./recheck-scheduler";

const result = (evidence: Record<string, unknown>): AutomaticResult => ({
  status: "passed",
  confidence: "verified",
  findings: [],
  evidence,
  remediation: [],
});

describe("a scheduled re-check's event says how the directory was read", () => {
  it("adds the delta sentence from the step's evidence, and nothing when there is none", () => {
    expect(readingOf(result({ reading: "Read 37 changes since 10:42 UTC." }))).toBe(
      " (Read 37 changes since 10:42 UTC.)",
    );
    expect(readingOf(result({}))).toBe("");
  });
});
