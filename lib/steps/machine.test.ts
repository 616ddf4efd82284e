import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CLEANUP_STEP_IDS, ENABLE_STEP_IDS, type StepId } from "./ids";
import {
  ALLOWED_FROM,
  MIN_REQUIRED_SKIP_REASON,
  STEP_EVENT_TYPES,
  blockers,
  canStart,
  confidenceRank,
  initialStepState,
  initialStepStates,
  matrixRefusal,
  runGuidance,
  runProgress,
  strongerOrEqual,
  transition,
  transitionStep,
  type FlowStates,
  type StepEvent,
  type StepEventType,
  type VerifiedResult,
} from "./machine";
import { stepStateSchema } from "./schema";
import {
  STEP_STATUSES,
  type Confidence,
  type Finding,
  type RemediationScript,
  type StepState,
  type StepStatus,
} from "./types";

const NOW = "2025-06-01T10:00:00.000Z";
const LATER = "2025-06-01T11:00:00.000Z";

function result(
  status: VerifiedResult["status"],
  confidence: Confidence | null,
  extra: Partial<VerifiedResult> = {},
): VerifiedResult {
  return { status, confidence, findings: [], evidence: {}, remediation: [], ...extra };
}

function state(patch: Partial<StepState>): StepState {
  return { ...initialStepState(), ...patch };
}

// One representative state per status. "passed" is an attested pass so that re-attesting and any verified pass are
// allowed by the content rules, and "waiting" is a manual wait (no check behind it) so attesting is allowed too;
// the stricter variants are covered by their own tests below.
const FIXTURES: Record<StepStatus, StepState> = {
  "not-started": state({ notes: "n", assignee: "alex" }),
  "in-progress": state({ status: "in-progress", notes: "n", assignee: "alex" }),
  passed: state({
    status: "passed",
    confidence: "attested",
    attestation: { by: "Sam", at: NOW },
    checkedAt: NOW,
    notes: "n",
    assignee: "alex",
  }),
  failed: state({
    status: "failed",
    confidence: "verified",
    findings: [{ code: "missing-delegation", message: "Reset password is missing on 3 users." }],
    evidence: { users: 3 },
    checkedAt: NOW,
    notes: "n",
    assignee: "alex",
  }),
  waiting: state({ status: "waiting", notes: "n", assignee: "alex" }),
  skipped: state({
    status: "skipped",
    skipReason: "Done by another team last week.",
    notes: "n",
    assignee: "alex",
  }),
};

// One representative event per type.
const EVENTS: Record<StepEventType, StepEvent> = {
  start: { type: "start" },
  verified: { type: "verified", result: result("failed", "verified") },
  attest: { type: "attest", by: "Dana", note: "done on CONNECT01" },
  skip: { type: "skip", reason: "Handled by the identity team outside this run." },
  unskip: { type: "unskip" },
  reset: { type: "reset" },
  wait: { type: "wait" },
  note: { type: "note", text: "call Sam" },
  assign: { type: "assign", assignee: "Robin" },
};

const R = "refused" as const;
type Cell = StepStatus | typeof R;

// The full matrix, written out by hand (not derived from ALLOWED_FROM) so a change to the machine has to be made
// deliberately in two places. Row: the event; key: the status before; value: the status after, or R (refused).
// prettier-ignore
const EXPECTED: Record<StepEventType, Record<StepStatus, Cell>> = {
  start:    { "not-started": "in-progress", "in-progress": R,             passed: R,                    failed: "in-progress",        waiting: R,                   skipped: R, },
  verified: { "not-started": "failed",      "in-progress": "failed",      passed: "failed",             failed: "failed",             waiting: "failed",            skipped: R, },
  attest:   { "not-started": "passed",      "in-progress": "passed",      passed: "passed",             failed: R,                    waiting: "passed",            skipped: R, },
  skip:     { "not-started": "skipped",     "in-progress": "skipped",     passed: R,                    failed: "skipped",            waiting: "skipped",           skipped: R, },
  unskip:   { "not-started": R,             "in-progress": R,             passed: R,                    failed: R,                    waiting: R,                   skipped: "not-started", },
  reset:    { "not-started": R,             "in-progress": "not-started", passed: "not-started",        failed: "not-started",        waiting: "not-started",       skipped: "not-started", },
  wait:     { "not-started": "waiting",     "in-progress": "waiting",     passed: R,                    failed: "waiting",            waiting: R,                   skipped: R, },
  note:     { "not-started": "not-started", "in-progress": "in-progress", passed: "passed",             failed: "failed",             waiting: "waiting",           skipped: "skipped", },
  assign:   { "not-started": "not-started", "in-progress": "in-progress", passed: "passed",             failed: "failed",             waiting: "waiting",           skipped: "skipped", },
};

const MATRIX_CASES = STEP_EVENT_TYPES.flatMap((type) =>
  STEP_STATUSES.map((from) => ({ type, from, expected: EXPECTED[type][from] })),
);

describe("transition matrix (every status × every event type)", () => {
  it("covers 9 event types × 6 statuses", () => {
    expect(MATRIX_CASES).toHaveLength(54);
  });

  it.each(MATRIX_CASES)("$type from $from -> $expected", ({ type, from, expected }) => {
    const before = structuredClone(FIXTURES[from]);
    const out = transition(FIXTURES[from], EVENTS[type], LATER);
    if (expected === R) {
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.reason.trim().length).toBeGreaterThan(10);
      expect(matrixRefusal(type, from)).toEqual(expect.any(String));
    } else {
      expect(out.ok).toBe(true);
      if (out.ok) {
        expect(out.state.status).toBe(expected);
        // Every resulting state is storable as-is.
        expect(stepStateSchema.safeParse(out.state).success).toBe(true);
        // Notes and assignee are people's words: only note/assign change them.
        if (type !== "note") expect(out.state.notes).toBe("n");
        if (type !== "assign") expect(out.state.assignee).toBe("alex");
      }
      expect(matrixRefusal(type, from)).toBeNull();
    }
    // transition never mutates its input.
    expect(FIXTURES[from]).toEqual(before);
  });

  it("ALLOWED_FROM agrees with the hand-written table", () => {
    for (const type of STEP_EVENT_TYPES) {
      const allowed = STEP_STATUSES.filter((s) => EXPECTED[type][s] !== R);
      expect([...ALLOWED_FROM[type]].sort()).toEqual([...allowed].sort());
    }
  });

  it.each(STEP_STATUSES.filter((s) => s !== "skipped"))("a passing check from %s ends passed", (from) => {
    const out = transition(FIXTURES[from], { type: "verified", result: result("passed", "verified") }, LATER);
    expect(out.ok && out.state.status).toBe("passed");
  });

  it.each(STEP_STATUSES.filter((s) => s !== "skipped"))("a waiting check from %s ends waiting", (from) => {
    const out = transition(FIXTURES[from], { type: "verified", result: result("waiting", null) }, LATER);
    expect(out.ok && out.state.status).toBe("waiting");
  });
});

describe("verified", () => {
  it("records findings, evidence, remediation, confidence and the check time", () => {
    const findings = [
      {
        code: "inheritance-disabled",
        message: "OU=Sales blocks inheritance.",
        target: "OU=Sales,DC=c,DC=com",
      },
    ];
    const remediation = [{ title: "Re-enable inheritance", language: "powershell" as const, script: "…" }];
    const out = transition(
      FIXTURES["in-progress"],
      {
        type: "verified",
        result: result("failed", "verified", { findings, evidence: { checked: 120 }, remediation }),
      },
      LATER,
    );
    expect(out).toEqual({
      ok: true,
      state: expect.objectContaining({
        status: "failed",
        confidence: "verified",
        findings,
        evidence: { checked: 120 },
        remediation,
        checkedAt: LATER,
      }),
    });
  });

  it("supersedes an earlier attestation", () => {
    const out = transition(
      FIXTURES.passed,
      { type: "verified", result: result("passed", "evidence") },
      LATER,
    );
    expect(out.ok && out.state.attestation).toBeNull();
    expect(out.ok && out.state.confidence).toBe("evidence");
  });

  it("refuses a pass weaker than the pass already recorded, with a reason", () => {
    const strong = state({ status: "passed", confidence: "verified", checkedAt: NOW });
    const out = transition(strong, { type: "verified", result: result("passed", "evidence") }, LATER);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toMatch(/verified.*evidence/);
  });

  it("accepts a pass of equal or stronger confidence over a recorded pass", () => {
    const evidence = state({ status: "passed", confidence: "evidence", checkedAt: NOW });
    expect(transition(evidence, { type: "verified", result: result("passed", "evidence") }, LATER).ok).toBe(
      true,
    );
    expect(transition(evidence, { type: "verified", result: result("passed", "verified") }, LATER).ok).toBe(
      true,
    );
  });

  it("always records bad news, even when it is weaker than the recorded pass", () => {
    const strong = state({ status: "passed", confidence: "verified", checkedAt: NOW });
    const out = transition(strong, { type: "verified", result: result("failed", "evidence") }, LATER);
    expect(out.ok && out.state.status).toBe("failed");
  });

  it("refuses an automatic result that claims to be an attestation", () => {
    const out = transition(
      FIXTURES["in-progress"],
      { type: "verified", result: result("passed", "attested") },
      LATER,
    );
    expect(out.ok).toBe(false);
  });

  it.each(["passed", "failed"] as const)("refuses a %s result without a confidence", (status) => {
    const out = transition(
      FIXTURES["in-progress"],
      { type: "verified", result: result(status, null) },
      LATER,
    );
    expect(out.ok).toBe(false);
  });

  it("refuses an invalid clock", () => {
    const out = transition(
      FIXTURES["in-progress"],
      { type: "verified", result: result("passed", "verified") },
      "yesterday",
    );
    expect(out.ok).toBe(false);
  });
});

describe("attest", () => {
  it("records by, note and at, trimmed, and passes with confidence attested", () => {
    const out = transition(
      FIXTURES["in-progress"],
      { type: "attest", by: "  Dana Lee ", note: " ticked it on CONNECT01 " },
      LATER,
    );
    expect(out).toEqual({
      ok: true,
      state: expect.objectContaining({
        status: "passed",
        confidence: "attested",
        checkedAt: LATER,
        attestation: { by: "Dana Lee", note: "ticked it on CONNECT01", at: LATER },
      }),
    });
  });

  it("leaves out a blank note", () => {
    const out = transition(FIXTURES["not-started"], { type: "attest", by: "Dana", note: "   " }, LATER);
    expect(out.ok && out.state.attestation).toEqual({ by: "Dana", at: LATER });
  });

  it.each(["", "   "])("refuses a blank name (%j)", (by) => {
    const out = transition(FIXTURES["in-progress"], { type: "attest", by }, LATER);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toMatch(/name/);
  });

  it.each(["verified", "evidence"] as const)("never downgrades a %s pass", (confidence) => {
    const strong = state({ status: "passed", confidence, checkedAt: NOW, evidence: { source: "ldap" } });
    const out = transition(strong, { type: "attest", by: "Dana" }, LATER);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toContain(confidence);
  });

  it("replaces an earlier attestation with a new one", () => {
    const out = transition(FIXTURES.passed, { type: "attest", by: "Robin" }, LATER);
    expect(out.ok && out.state.attestation).toEqual({ by: "Robin", at: LATER });
  });

  it("cannot overrule a check that is waiting for replication", () => {
    const waiting = state({ status: "waiting", confidence: "verified", checkedAt: NOW });
    const out = transition(waiting, { type: "attest", by: "Dana" }, LATER);
    expect(out.ok).toBe(false);
  });

  it("cannot overrule a failed check; after a reset it can", () => {
    expect(transition(FIXTURES.failed, { type: "attest", by: "Dana" }, LATER).ok).toBe(false);
    const reset = transition(FIXTURES.failed, { type: "reset" }, LATER);
    expect(reset.ok).toBe(true);
    if (reset.ok) expect(transition(reset.state, { type: "attest", by: "Dana" }, LATER).ok).toBe(true);
  });

  it("drops the findings of the previous verdict", () => {
    const manualWait = state({ status: "waiting", findings: [{ code: "x", message: "old" }] });
    const out = transition(manualWait, { type: "attest", by: "Dana" }, LATER);
    expect(out.ok && out.state.findings).toEqual([]);
  });
});

describe("skip, unskip, reset, wait, note, assign", () => {
  it.each(["", "  ", "\n\t"])("skip refuses a blank reason (%j)", (reason) => {
    const out = transition(FIXTURES["in-progress"], { type: "skip", reason }, LATER);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toMatch(/reason/);
  });

  it("skip stores the trimmed reason, drops the verdict and keeps what was found", () => {
    const out = transition(
      FIXTURES.failed,
      { type: "skip", reason: "  Policy requires a minimum age of 1 day.  " },
      LATER,
    );
    expect(out.ok).toBe(true);
    if (out.ok) {
      expect(out.state.skipReason).toBe("Policy requires a minimum age of 1 day.");
      expect(out.state.confidence).toBeNull();
      expect(out.state.findings).toEqual(FIXTURES.failed.findings);
    }
  });

  it("skip refuses a passed step", () => {
    const out = transition(FIXTURES.passed, { type: "skip", reason: "not needed" }, LATER);
    expect(out.ok).toBe(false);
  });

  it.each(["unskip", "reset"] as const)("%s clears the result but keeps notes and assignee", (type) => {
    const out = transition(FIXTURES.skipped, { type }, LATER);
    expect(out).toEqual({ ok: true, state: { ...initialStepState(), notes: "n", assignee: "alex" } });
  });

  it("reset of a passed step clears confidence, attestation and check time", () => {
    const out = transition(FIXTURES.passed, { type: "reset" }, LATER);
    expect(out.ok && out.state).toEqual({ ...initialStepState(), notes: "n", assignee: "alex" });
  });

  it("wait keeps the last check's findings and confidence", () => {
    const out = transition(FIXTURES.failed, { type: "wait" }, LATER);
    expect(out.ok && out.state).toEqual({ ...FIXTURES.failed, status: "waiting" });
  });

  it("note replaces the notes", () => {
    const out = transition(FIXTURES.waiting, { type: "note", text: "DC02 replicates slowly" }, LATER);
    expect(out.ok && out.state.notes).toBe("DC02 replicates slowly");
  });

  it.each([
    [" Robin ", "Robin"],
    ["", null],
    ["   ", null],
    [null, null],
  ] as const)("assign %j stores %j", (assignee, expected) => {
    const out = transition(FIXTURES.passed, { type: "assign", assignee }, LATER);
    expect(out.ok && out.state.assignee).toBe(expected);
  });

  it("start keeps a failed check's findings visible", () => {
    const out = transition(FIXTURES.failed, { type: "start" }, LATER);
    expect(out.ok && out.state.findings).toEqual(FIXTURES.failed.findings);
  });
});

describe("transitionStep (catalogue-aware rules)", () => {
  const inProgress = FIXTURES["in-progress"];

  it("refuses an attestation of a pass that a check already established", () => {
    const verifiedPass = transitionStep(
      "prerequisites",
      inProgress,
      { type: "verified", result: result("passed", "verified") },
      LATER,
    );
    expect(verifiedPass.ok).toBe(true);
    if (!verifiedPass.ok) return;
    expect(
      transitionStep("prerequisites", verifiedPass.state, { type: "attest", by: "Dana" }, LATER).ok,
    ).toBe(false);
  });

  it("accepts an attestation where the step lists it", () => {
    expect(transitionStep("connect-writeback", inProgress, { type: "attest", by: "Dana" }, LATER).ok).toBe(
      true,
    );
  });

  it("refuses a check of a kind the step does not list", () => {
    const out = transitionStep(
      "end-to-end-test",
      inProgress,
      { type: "verified", result: result("passed", "evidence") },
      LATER,
    );
    expect(out.ok).toBe(false);
    expect(
      transitionStep(
        "sspr-writeback",
        inProgress,
        { type: "verified", result: result("passed", "verified") },
        LATER,
      ).ok,
    ).toBe(false);
  });

  it("accepts a check of a listed kind", () => {
    const out = transitionStep(
      "sspr-writeback",
      inProgress,
      { type: "verified", result: result("passed", "evidence") },
      LATER,
    );
    expect(out.ok).toBe(true);
  });

  it("asks for a real explanation before skipping a required step", () => {
    const short = transitionStep("password-policy", inProgress, { type: "skip", reason: "policy" }, LATER);
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.reason).toContain(String(MIN_REQUIRED_SKIP_REASON));
    const long = transitionStep(
      "password-policy",
      inProgress,
      { type: "skip", reason: "Security policy requires a minimum age of one day." },
      LATER,
    );
    expect(long.ok).toBe(true);
  });

  it("needs only a short reason for an optional step", () => {
    expect(transitionStep("sspr-unlock", inProgress, { type: "skip", reason: "not wanted" }, LATER).ok).toBe(
      true,
    );
  });

  it("keeps the generic message for a blank reason or a refused status", () => {
    const blank = transitionStep("password-policy", inProgress, { type: "skip", reason: " " }, LATER);
    const generic = transition(inProgress, { type: "skip", reason: " " }, LATER);
    expect(blank).toEqual(generic);
    const passed = transitionStep("password-policy", FIXTURES.passed, { type: "skip", reason: "x" }, LATER);
    expect(passed).toEqual(transition(FIXTURES.passed, { type: "skip", reason: "x" }, LATER));
  });
});

describe("confidence ordering", () => {
  it("ranks verified > evidence > attested", () => {
    expect(confidenceRank("verified")).toBeGreaterThan(confidenceRank("evidence"));
    expect(confidenceRank("evidence")).toBeGreaterThan(confidenceRank("attested"));
  });

  it.each([
    ["verified", "verified", true],
    ["verified", "attested", true],
    ["evidence", "verified", false],
    ["attested", "evidence", false],
    ["attested", "attested", true],
  ] as const)("strongerOrEqual(%s, %s) = %s", (a, b, expected) => {
    expect(strongerOrEqual(a, b)).toBe(expected);
  });
});

describe("initialStepStates", () => {
  it.each([
    ["enable", ENABLE_STEP_IDS],
    ["cleanup", CLEANUP_STEP_IDS],
  ] as const)("holds exactly the %s steps, each not started and empty", (flow, ids) => {
    const states = initialStepStates(flow);
    expect(Object.keys(states)).toEqual([...ids]);
    for (const id of ids) expect((states as FlowStates)[id]).toEqual(initialStepState());
  });

  it("gives every step its own object", () => {
    const states = initialStepStates("enable");
    states.prerequisites.findings.push({ code: "x", message: "y" });
    expect(states["connector-permissions"].findings).toEqual([]);
  });
});

function withStatuses(flow: "enable" | "cleanup", statuses: Partial<Record<StepId, StepStatus>>): FlowStates {
  const states: FlowStates = initialStepStates(flow);
  for (const [id, status] of Object.entries(statuses) as [StepId, StepStatus][]) {
    states[id] = state({ status, confidence: status === "passed" ? "verified" : null });
  }
  return states;
}

describe("blockers and canStart", () => {
  it("lists unmet dependencies with title and status", () => {
    expect(blockers(initialStepStates("enable"), "connector-permissions")).toEqual([
      { stepId: "prerequisites", title: "Check the prerequisites", status: "not-started" },
    ]);
  });

  it("counts passed and skipped dependencies as met", () => {
    const states = withStatuses("enable", {
      "sspr-writeback": "passed",
      "connector-permissions": "skipped",
      "password-policy": "passed",
    });
    expect(blockers(states, "end-to-end-test")).toEqual([]);
  });

  it("counts failed or waiting dependencies as unmet", () => {
    const states = withStatuses("enable", { prerequisites: "failed" });
    expect(blockers(states, "password-policy")).toEqual([
      { stepId: "prerequisites", title: "Check the prerequisites", status: "failed" },
    ]);
    const waiting = withStatuses("enable", { prerequisites: "waiting" });
    expect(blockers(waiting, "password-policy")).toHaveLength(1);
  });

  it("treats a missing dependency state as not started", () => {
    expect(blockers({}, "confirm-disabled").map((b) => b.status)).toEqual([
      "not-started",
      "not-started",
      "not-started",
    ]);
  });

  it("explains a single blocker in words", () => {
    const states = withStatuses("enable", { prerequisites: "passed" });
    expect(canStart(states, "connect-writeback")).toEqual({
      ok: false,
      reason: "Cannot start yet: waiting for “Delegate permissions to the connector account”.",
      blockers: [
        {
          stepId: "connector-permissions",
          title: "Delegate permissions to the connector account",
          status: "not-started",
        },
      ],
    });
  });

  it("lists several blockers with commas and “and”", () => {
    const out = canStart(initialStepStates("enable"), "end-to-end-test");
    expect(out.ok).toBe(false);
    if (!out.ok)
      expect(out.reason).toBe(
        "Cannot start yet: waiting for “Turn on writeback in the SSPR settings”, “Delegate permissions to the connector account” and “Set the minimum password age to 0”.",
      );
  });

  it("allows a step without blockers, and refuses one whose own status forbids starting", () => {
    expect(canStart(initialStepStates("enable"), "prerequisites")).toEqual({ ok: true });
    const states = withStatuses("enable", { prerequisites: "passed" });
    const out = canStart(states, "prerequisites");
    expect(out.ok).toBe(false);
  });

  it("never stops transition(): blockers only inform", () => {
    const out = transition(initialStepState(), { type: "start" }, NOW);
    expect(out.ok).toBe(true);
    expect(blockers(initialStepStates("enable"), "sspr-writeback")).not.toEqual([]);
  });
});

describe("runProgress", () => {
  it("starts with everything not started and the first step next", () => {
    const p = runProgress("enable", initialStepStates("enable"));
    expect(p).toEqual({
      flow: "enable",
      total: 7,
      counts: { "not-started": 7, "in-progress": 0, passed: 0, failed: 0, waiting: 0, skipped: 0 },
      complete: false,
      nextStepId: "prerequisites",
      skippedRequired: [],
    });
  });

  it("points at the first step whose dependencies are done", () => {
    const states = withStatuses("enable", { prerequisites: "passed", "connector-permissions": "passed" });
    expect(runProgress("enable", states).nextStepId).toBe("password-policy");
    const failedPolicy = withStatuses("enable", {
      prerequisites: "passed",
      "connector-permissions": "passed",
      "password-policy": "failed",
    });
    expect(runProgress("enable", failedPolicy).nextStepId).toBe("password-policy");
  });

  it("is complete when required steps passed and the optional one is skipped", () => {
    const states = withStatuses("enable", {
      prerequisites: "passed",
      "connector-permissions": "passed",
      "password-policy": "passed",
      "connect-writeback": "passed",
      "sspr-writeback": "passed",
      "sspr-unlock": "skipped",
      "end-to-end-test": "passed",
    });
    const p = runProgress("enable", states);
    expect(p.complete).toBe(true);
    expect(p.nextStepId).toBeNull();
    expect(p.counts).toMatchObject({ passed: 6, skipped: 1 });
  });

  it("is not complete while the optional step is still open, and offers it next", () => {
    const states = withStatuses("enable", {
      prerequisites: "passed",
      "connector-permissions": "passed",
      "password-policy": "passed",
      "connect-writeback": "passed",
      "sspr-writeback": "passed",
      "end-to-end-test": "passed",
    });
    const p = runProgress("enable", states);
    expect(p.complete).toBe(false);
    expect(p.nextStepId).toBe("sspr-unlock");
  });

  it("is not complete with a skipped required step, and names it", () => {
    const states = withStatuses("cleanup", {
      "disable-sspr-options": "passed",
      "disable-connect-writeback": "passed",
      "revoke-connector-permissions": "skipped",
      "confirm-disabled": "passed",
    });
    const p = runProgress("cleanup", states);
    expect(p.complete).toBe(false);
    expect(p.skippedRequired).toEqual(["revoke-connector-permissions"]);
    expect(p.total).toBe(4);
    expect(p.nextStepId).toBeNull();
  });
});

describe("runGuidance", () => {
  it("starts a new run at step 1", () => {
    expect(runGuidance("enable", initialStepStates("enable"))).toEqual({
      kind: "next",
      step: {
        id: "prerequisites",
        number: 1,
        title: "Check the prerequisites",
        status: "not-started",
        assignee: null,
      },
      alsoFailed: [],
    });
  });

  it("puts a failed step first when its earlier steps are done, with whom it is assigned to", () => {
    const states = withStatuses("enable", { prerequisites: "passed", "connector-permissions": "failed" });
    states["connector-permissions"] = { ...states["connector-permissions"]!, assignee: "domain admin" };
    const guidance = runGuidance("enable", states);
    expect(guidance).toMatchObject({
      kind: "next",
      step: { id: "connector-permissions", number: 2, status: "failed", assignee: "domain admin" },
      alsoFailed: [],
    });
  });

  it("does not hide a failure further down behind the next open step", () => {
    const states = withStatuses("enable", { prerequisites: "passed", "end-to-end-test": "failed" });
    const guidance = runGuidance("enable", states);
    expect(guidance.kind).toBe("next");
    if (guidance.kind !== "next") return;
    expect(guidance.step.id).toBe("connector-permissions");
    expect(guidance.alsoFailed.map((ref) => [ref.id, ref.number])).toEqual([["end-to-end-test", 7]]);
  });

  it("offers a step waiting for a re-check as the next one, saying so", () => {
    const states = withStatuses("cleanup", { "disable-sspr-options": "waiting" });
    expect(runGuidance("cleanup", states)).toMatchObject({
      kind: "next",
      step: { id: "disable-sspr-options", number: 1, status: "waiting" },
    });
  });

  it("is complete when runProgress says so, and names skipped required steps otherwise", () => {
    const done = withStatuses("cleanup", {
      "disable-sspr-options": "passed",
      "disable-connect-writeback": "passed",
      "revoke-connector-permissions": "passed",
      "confirm-disabled": "passed",
    });
    expect(runGuidance("cleanup", done)).toEqual({ kind: "complete" });
    const skipped = withStatuses("cleanup", {
      "disable-sspr-options": "passed",
      "disable-connect-writeback": "passed",
      "revoke-connector-permissions": "skipped",
      "confirm-disabled": "passed",
    });
    expect(runGuidance("cleanup", skipped)).toMatchObject({
      kind: "skipped",
      steps: [{ id: "revoke-connector-permissions", number: 3 }],
    });
  });
});

describe("properties", () => {
  const confidence = fc.constantFrom<Confidence | null>("verified", "evidence", "attested", null);
  const text = fc.oneof(fc.constant(""), fc.constant("  "), fc.string({ maxLength: 40 }));
  const event: fc.Arbitrary<StepEvent> = fc.oneof(
    fc.constant<StepEvent>({ type: "start" }),
    fc.record({
      type: fc.constant("verified" as const),
      result: fc.record({
        status: fc.constantFrom("passed" as const, "failed" as const, "waiting" as const),
        confidence,
        findings: fc.constant<Finding[]>([]),
        evidence: fc.constant<Record<string, unknown>>({}),
        remediation: fc.constant<RemediationScript[]>([]),
      }),
    }),
    fc.record({ type: fc.constant("attest" as const), by: text, note: fc.option(text, { nil: undefined }) }),
    fc.record({ type: fc.constant("skip" as const), reason: text }),
    fc.constant<StepEvent>({ type: "unskip" }),
    fc.constant<StepEvent>({ type: "reset" }),
    fc.constant<StepEvent>({ type: "wait" }),
    fc.record({ type: fc.constant("note" as const), text }),
    fc.record({ type: fc.constant("assign" as const), assignee: fc.option(text, { nil: null }) }),
  );

  it("any event sequence yields storable states, and attestation never weakens a stronger pass", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        let current = initialStepState();
        for (const e of events) {
          const out = transition(current, e, NOW);
          if (!out.ok) {
            expect(out.reason.length).toBeGreaterThan(0);
            continue;
          }
          if (e.type === "attest" && current.status === "passed") expect(current.confidence).toBe("attested");
          current = out.state;
          expect(stepStateSchema.safeParse(current).success).toBe(true);
          // Invariants of a recorded state.
          if (current.status === "passed") expect(current.confidence).not.toBeNull();
          if (current.status === "skipped") expect(current.skipReason?.trim()).toBeTruthy();
          if (current.confidence === "attested") expect(current.attestation?.by.trim()).toBeTruthy();
        }
      }),
    );
  });
});
