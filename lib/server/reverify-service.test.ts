import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-reverify-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
});

import { type StepId } from "@/lib/steps/ids";
import { result, standAside, type StepVerifier } from "@/lib/verify/types";
import { type AutomaticResult } from "@/lib/steps/types";
import { reverifyRun } from "./reverify-service";
import { createRun, getRepository, verifyStep } from "./runs-service";
import { makeSession } from "@/lib/testing/route-harness";

// The drift check end to end over the real repository, with verifiers standing in for the directory and
// tenant sources (the contract is what matters here, not what the sources read).

function verifierWith(stepId: StepId, results: (AutomaticResult | null)[]): StepVerifier {
  let call = 0;
  return {
    stepId,
    sources: [
      {
        confidence: "verified",
        describe: "test source",
        check: async () => {
          const given = results[Math.min(call++, results.length - 1)];
          return given ? result(given) : standAside("not-configured");
        },
      },
    ],
  };
}

const pass: AutomaticResult = {
  status: "passed",
  confidence: "verified",
  findings: [],
  evidence: { users: 12 },
  remediation: [],
};
const fail: AutomaticResult = {
  status: "failed",
  confidence: "verified",
  findings: [
    { code: "missing-right", target: "CN=u1,OU=Staff", message: "The connector cannot reset this user." },
  ],
  evidence: { users: 12 },
  remediation: [],
};

describe("reverifyRun", () => {
  it("re-runs every verifier, records what moved, and reports appeared and disappeared findings", async () => {
    const owner = makeSession("Olivia");
    const run = await createRun(owner, "enable");
    await verifyStep(owner, "prerequisites", { runId: run.id, attestation: { by: "Olivia" } }, null);
    const verifiers = { "connector-permissions": verifierWith("connector-permissions", [pass, fail, pass]) };

    const first = await reverifyRun(owner, run.id, null, { verifiers });
    expect(first.drift.steps.find((s) => s.stepId === "connector-permissions")).toMatchObject({
      outcome: "checked",
      changed: true,
      after: { status: "passed", confidence: "verified" },
    });
    // Without a source the attested step keeps its result.
    expect(first.drift.steps.find((s) => s.stepId === "prerequisites")).toMatchObject({
      outcome: "no-automatic-check",
      changed: false,
      before: { status: "passed", confidence: "attested" },
    });

    const second = await reverifyRun(owner, run.id, null, { verifiers });
    const drifted = second.drift.steps.find((s) => s.stepId === "connector-permissions");
    expect(drifted?.before.status).toBe("passed");
    expect(drifted?.after.status).toBe("failed");
    expect(drifted?.appeared.map((f) => f.target)).toEqual(["CN=u1,OU=Staff"]);
    expect(second.run.steps["connector-permissions"]?.status).toBe("failed");

    const third = await reverifyRun(owner, run.id, null, { verifiers });
    expect(
      third.drift.steps.find((s) => s.stepId === "connector-permissions")?.disappeared.map((f) => f.code),
    ).toEqual(["missing-right"]);

    const events = third.run.events.filter((e) => e.type === "reverified");
    expect(events).toHaveLength(3);
    expect(events[1]?.summary).toContain("1 changed — “Delegate permissions to the connector account”");
    const history = await (await getRepository()).stepResults(run.id, "connector-permissions");
    expect(history.map((h) => h.status)).toEqual(["passed", "failed", "passed"]);
  });

  it("refuses a stale expected version with 412 and writes nothing", async () => {
    const owner = makeSession("Olivia");
    const run = await createRun(owner, "cleanup");
    await expect(reverifyRun(owner, run.id, null, { expectedVersion: 7 })).rejects.toMatchObject({
      status: 412,
    });
  });
});
