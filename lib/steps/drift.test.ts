import { describe, expect, it } from "vitest";
import { applyReverification, compactDrift, diffFindings } from "./drift";
import { initialStepStates } from "./machine";
import { type StepState } from "./types";
import { type AutomaticResult, type VerifierOutcome } from "./types";

const NOW = "2026-01-10T12:00:00.000Z";

function checked(result: Partial<AutomaticResult> & Pick<AutomaticResult, "status">): VerifierOutcome {
  return {
    kind: "checked",
    result: { confidence: "verified", findings: [], evidence: {}, remediation: [], ...result },
  };
}

function passedAttested(): StepState {
  return {
    ...initialStepStates("enable").prerequisites,
    status: "passed",
    confidence: "attested",
    checkedAt: "2026-01-01T00:00:00.000Z",
    attestation: { by: "Ada", at: "2026-01-01T00:00:00.000Z" },
  };
}

describe("diffFindings", () => {
  it("matches findings by code and target, not wording", () => {
    const before = [
      { code: "missing-right", target: "CN=a", message: "old words" },
      { code: "inheritance-disabled", target: "OU=x", message: "m" },
    ];
    const after = [
      { code: "missing-right", target: "CN=a", message: "new words" },
      { code: "missing-right", target: "CN=b", message: "m" },
    ];
    const { appeared, disappeared } = diffFindings(before, after);
    expect(appeared.map((f) => f.target)).toEqual(["CN=b"]);
    expect(disappeared.map((f) => f.code)).toEqual(["inheritance-disabled"]);
  });
});

describe("applyReverification", () => {
  it("keeps every result when no source can judge, and says so", () => {
    const steps = { ...initialStepStates("enable"), prerequisites: passedAttested() };
    const outcome = applyReverification({ title: "t", steps }, "enable", {}, "Ada", NOW);
    expect(outcome.draft.steps).toEqual(steps);
    expect(outcome.report).toMatchObject({ changed: 0, checked: 0, unchecked: 7 });
    expect(outcome.report.steps.every((s) => s.outcome === "no-automatic-check")).toBe(true);
    expect(outcome.events).toHaveLength(1);
    expect(outcome.events[0]?.summary).toContain("none could be checked automatically");
    expect(outcome.recorded).toEqual([]);
  });

  it("records fresh checks and reports status, confidence and finding changes per step", () => {
    const steps = {
      ...initialStepStates("enable"),
      prerequisites: passedAttested(),
      "connector-permissions": {
        ...initialStepStates("enable")["connector-permissions"],
        status: "passed" as const,
        confidence: "verified" as const,
        findings: [{ code: "protected-user", target: "CN=admin", message: "m", severity: "info" as const }],
        checkedAt: "2026-01-01T00:00:00.000Z",
      },
    };
    const outcomes: Record<string, VerifierOutcome> = {
      prerequisites: checked({ status: "passed" }),
      "connector-permissions": checked({
        status: "failed",
        findings: [{ code: "missing-right", target: "CN=u1", message: "Reset password missing" }],
      }),
      "password-policy": { kind: "needs-attestation", findings: [] },
    };
    const outcome = applyReverification({ title: "t", steps }, "enable", outcomes, "Ada", NOW);
    const byId = Object.fromEntries(outcome.report.steps.map((s) => [s.stepId, s]));
    expect(byId.prerequisites).toMatchObject({
      outcome: "checked",
      changed: true,
      before: { status: "passed", confidence: "attested" },
      after: { status: "passed", confidence: "verified" },
    });
    expect(byId["connector-permissions"]).toMatchObject({ outcome: "checked", changed: true });
    expect(byId["connector-permissions"]?.appeared.map((f) => f.code)).toEqual(["missing-right"]);
    expect(byId["connector-permissions"]?.disappeared.map((f) => f.code)).toEqual(["protected-user"]);
    expect(byId["password-policy"]).toMatchObject({ outcome: "no-automatic-check", changed: false });
    expect(outcome.draft.steps["connector-permissions"]?.status).toBe("failed");
    expect(outcome.draft.steps.prerequisites?.confidence).toBe("verified");
    expect(outcome.recorded).toEqual(["prerequisites", "connector-permissions"]);
    expect(outcome.report.changed).toBe(2);
    expect(outcome.events[0]?.summary).toContain("2 changed");
    const compact = compactDrift(outcome.report);
    expect(JSON.stringify(compact)).not.toContain("Reset password missing");
  });

  it("leaves a skipped step alone and reports why the fresh result was not recorded", () => {
    const steps = {
      ...initialStepStates("enable"),
      "sspr-unlock": {
        ...initialStepStates("enable")["sspr-unlock"],
        status: "skipped" as const,
        skipReason: "not wanted",
      },
    };
    const outcome = applyReverification(
      { title: "t", steps },
      "enable",
      { "sspr-unlock": checked({ status: "passed", confidence: "evidence" }) },
      "Ada",
      NOW,
    );
    const step = outcome.report.steps.find((s) => s.stepId === "sspr-unlock");
    expect(step?.outcome).toBe("not-recorded");
    expect(step?.note).toContain("skipped");
    expect(outcome.draft.steps["sspr-unlock"]?.status).toBe("skipped");
  });

  it("finds nothing changed when a check confirms what was recorded", () => {
    const steps = {
      ...initialStepStates("enable"),
      "password-policy": {
        ...initialStepStates("enable")["password-policy"],
        status: "passed" as const,
        confidence: "verified" as const,
        checkedAt: "2026-01-01T00:00:00.000Z",
      },
    };
    const outcome = applyReverification(
      { title: "t", steps },
      "enable",
      { "password-policy": checked({ status: "passed" }) },
      "Ada",
      NOW,
    );
    expect(outcome.report.changed).toBe(0);
    expect(outcome.events[0]?.summary).toContain("nothing changed");
  });
});
