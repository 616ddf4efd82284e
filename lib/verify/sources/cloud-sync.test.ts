import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type AutomaticResult } from "@/lib/steps/types";
import { parseCloudSyncEvidence, type CloudSyncEvidence } from "@/lib/verify/cloud-sync/evidence";
import { prerequisites } from "@/lib/verify/prerequisites";
import { runVerifier } from "@/lib/verify/run-verifier";
import { result, type StepVerifier, type VerifyContext } from "@/lib/verify/types";
import { cloudSyncAgentSource } from "./cloud-sync";

// The cloud sync agent as an optional part of prerequisites: absent, the step is judged as before; present, its
// verdict joins the step's (a failing agent fails the step, a passing one lowers the confidence to evidence).

const NOW = new Date("2026-12-06T10:00:00Z");
const sample = (): CloudSyncEvidence => {
  const parsed = parseCloudSyncEvidence(
    readFileSync(
      join(__dirname, "..", "..", "..", "docs", "samples", "sspr-writeback-cloud-sync.sample.json"),
      "utf8",
    ),
  );
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.evidence;
};

const passing: AutomaticResult = {
  status: "passed",
  confidence: "verified",
  findings: [],
  evidence: { read: true },
  remediation: [],
};

const verifier: StepVerifier = {
  stepId: "prerequisites",
  sources: [
    { confidence: "verified", describe: "directory", part: "directory", check: async () => result(passing) },
    { confidence: "verified", describe: "tenant", part: "tenant", check: async () => result(passing) },
    cloudSyncAgentSource,
  ],
};

const ctx = (files?: CloudSyncEvidence[]): VerifyContext => ({
  run: { id: "r", flow: "enable", mode: "live" },
  now: NOW,
  ...(files ? { cloudSyncEvidence: files } : {}),
});

describe("the cloud sync agent part of prerequisites", () => {
  it("is one of the prerequisites step's sources", () => {
    expect(prerequisites.sources).toContain(cloudSyncAgentSource);
  });

  it("without agent files, leaves the step as the other parts judge it (no attestation asked for)", async () => {
    const outcome = await runVerifier(verifier, ctx());
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "passed", confidence: "verified" } });
    expect(await runVerifier(verifier, ctx([]))).toMatchObject({ kind: "checked" });
  });

  it("with a healthy agent's file, passes at evidence level and keeps the agent's facts", async () => {
    const outcome = await runVerifier(verifier, ctx([sample()]));
    expect(outcome.kind).toBe("checked");
    if (outcome.kind !== "checked") return;
    expect(outcome.result).toMatchObject({ status: "passed", confidence: "evidence" });
    expect(outcome.result.evidence["cloud-sync-agent"]).toMatchObject({ minimumAgentVersion: "1.1.977.0" });
  });

  it("with a stopped or too old agent, fails the step with the agent's finding", async () => {
    const old = sample();
    old.agent.fileVersion = "1.1.818.0";
    const outcome = await runVerifier(verifier, ctx([old]));
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "failed" } });
    if (outcome.kind === "checked")
      expect(outcome.result.findings.map((f) => f.code)).toContain("cloud-sync-agent-too-old");
  });

  it("a required part that stands aside still asks for attestation (only the agent part is optional)", async () => {
    const withMissingTenant: StepVerifier = {
      ...verifier,
      sources: [
        verifier.sources[0]!,
        {
          confidence: "verified",
          describe: "tenant",
          part: "tenant",
          check: async () => ({ kind: "stand-aside", reason: "not-configured", notice: null }),
        },
        cloudSyncAgentSource,
      ],
    };
    const outcome = await runVerifier(withMissingTenant, ctx([sample()]));
    expect(outcome.kind).toBe("needs-attestation");
    if (outcome.kind === "needs-attestation") expect(outcome.findings[0]?.message).toContain("(tenant)");
  });
});
