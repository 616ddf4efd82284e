import { describe, expect, it } from "vitest";
import { initialStepState } from "@/lib/steps/machine";
import { type StepState } from "@/lib/steps/types";
import { RECHECK_UNREADABLE, unreadableRecheck } from "./recheck-unreadable";
import { nextRecheck } from "./directory";

const APPLIED = new Date("2031-05-01T08:00:00.000Z");
const reason = [
  { code: "directory-tls", severity: "warning" as const, message: "The certificate of dc1 has expired." },
];

function waiting(evidence: Record<string, unknown>): StepState {
  return {
    ...initialStepState(),
    status: "waiting",
    confidence: "verified",
    findings: [{ code: "missing-delegation", message: "3 users lack the right", severity: "error" }],
    evidence,
    remediation: [{ title: "Grant", language: "powershell", script: "Set-ADSync…" }],
  };
}

describe("a scheduled re-check that could not read the directory", () => {
  it("moves a step judged in parts to its next attempt inside the directory part, keeping the tenant part", () => {
    const state = waiting({
      directory: { recheck: nextRecheck(APPLIED, APPLIED), summary: "s" },
      tenant: { licence: "P1" },
    });
    const decided = unreadableRecheck(state, reason, new Date("2031-05-01T08:00:40Z"));
    expect(decided.kind).toBe("reschedule");
    if (decided.kind !== "reschedule") return;
    expect(decided.state.status).toBe("waiting");
    expect(decided.state.evidence.tenant).toEqual({ licence: "P1" });
    expect(decided.state.evidence.directory).toMatchObject({
      summary: "s",
      recheck: { attempt: 2, nextCheckAt: "2031-05-01T08:01:00.000Z" },
      lastUnreadableRecheck: { reason: "The certificate of dc1 has expired." },
    });
    expect(decided.state.evidence.recheck).toBeUndefined();
    expect(decided.state.findings.map((f) => f.code)).toEqual([RECHECK_UNREADABLE, "missing-delegation"]);
    expect(decided.state.findings[0]?.message).toContain("2031-05-01T08:01:00.000Z");
  });

  it("gives up at the deadline with a failed result on the last reading, its remediation kept", () => {
    const state = waiting({ recheck: nextRecheck(APPLIED, new Date("2031-05-01T08:40:00Z")) });
    const decided = unreadableRecheck(state, [], new Date("2031-05-01T09:00:00Z"));
    expect(decided.kind).toBe("give-up");
    if (decided.kind !== "give-up") return;
    expect(decided.result.status).toBe("failed");
    expect(decided.result.confidence).toBe("verified");
    expect(decided.result.findings[0]).toMatchObject({ code: RECHECK_UNREADABLE, severity: "error" });
    expect(decided.result.findings[0]?.message).toContain("No automatic source could read the directory.");
    expect(decided.result.findings[1]?.code).toBe("missing-delegation");
    expect(decided.result.evidence).not.toHaveProperty("recheck");
    expect(decided.result.remediation).toEqual(state.remediation);
  });

  it("does nothing for a step that is not waiting or carries no readable schedule", () => {
    const now = new Date("2031-05-01T08:00:40Z");
    expect(unreadableRecheck({ ...waiting({}), status: "failed" }, reason, now)).toEqual({ kind: "none" });
    expect(unreadableRecheck(waiting({ recheck: { appliedAt: "soon" } }), reason, now)).toEqual({
      kind: "none",
    });
  });
});
