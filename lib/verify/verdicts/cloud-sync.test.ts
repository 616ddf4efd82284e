import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectParsesAsPowerShell } from "@/lib/testing/powershell";
import { cloudSyncCollectScript } from "@/lib/verify/cloud-sync/collect-script";
import {
  CLOUD_SYNC_EVIDENCE_MAX_BYTES,
  cloudSyncEvidenceSchema,
  parseCloudSyncEvidence,
  type CloudSyncEvidence,
} from "@/lib/verify/cloud-sync/evidence";
import {
  CLOUD_SYNC_FINDING_CODES,
  MIN_AGENT_VERSION_FOR_WRITEBACK,
  cloudSyncVerdict,
  compareVersions,
  parseAgentVersion,
} from "./cloud-sync";

// The provisioning agent's evidence: the committed sample (written from Microsoft's documented names and version)
// through the real parser and the verdict; every finding code, each failing when its rule goes; every bad input.

const SAMPLE_PATH = join(
  __dirname,
  "..",
  "..",
  "..",
  "docs",
  "samples",
  "sspr-writeback-cloud-sync.sample.json",
);
const sampleText = readFileSync(SAMPLE_PATH, "utf8");
const NOW = new Date("2026-12-06T10:00:00Z");

function sample(): CloudSyncEvidence {
  const parsed = parseCloudSyncEvidence(sampleText);
  if (!parsed.ok) throw new Error(parsed.problem);
  return structuredClone(parsed.evidence);
}

const codes = (files: CloudSyncEvidence[], now = NOW) =>
  cloudSyncVerdict(files, now).findings.map((f) => f.code);

describe("the committed sample", () => {
  it("parses, and passes at evidence level with the writeback switch reported as not readable", () => {
    const result = cloudSyncVerdict([sample()], NOW);
    expect(result.status).toBe("passed");
    expect(result.confidence).toBe("evidence");
    expect(result.findings.map((f) => f.code).sort()).toEqual([
      "cloud-sync-agent-account",
      "cloud-sync-writeback-unknown",
    ]);
    expect(result.findings.find((f) => f.code === "cloud-sync-agent-account")?.target).toBe(
      "CONTOSO\\provAgentgMSA$",
    );
    expect(result.evidence).toMatchObject({
      cloudSyncAgents: [{ computerName: "SYNC01", agentVersion: "1.1.2505.0", serviceState: "Running" }],
    });
  });

  it("has every field the collector writes, and the collector writes every field of the format (read-only cmdlets only)", async () => {
    const script = cloudSyncCollectScript();
    await expectParsesAsPowerShell(script, "the cloud sync collector");
    for (const key of Object.keys(cloudSyncEvidenceSchema.shape)) {
      expect(script, key).toMatch(new RegExp(`\\b${key} = `));
      expect(JSON.parse(sampleText), key).toHaveProperty(key);
    }
    const verbs = new Set([...script.matchAll(/\b([A-Z][a-z]+)-[A-Z][A-Za-z]+\b/g)].map((m) => m[1]));
    for (const verb of verbs)
      expect(["Get", "Set", "Test", "Join", "ConvertTo", "Write", "New"]).toContain(verb);
    // Set- appears only as Set-StrictMode; nothing else changes the machine.
    expect([...script.matchAll(/\bSet-[A-Za-z]+/g)].map((m) => m[0])).toEqual(["Set-StrictMode"]);
  });
});

describe("cloudSyncVerdict", () => {
  it("fails an agent older than Microsoft's minimum for writeback, and passes the minimum itself", () => {
    const old = sample();
    old.agent.fileVersion = "1.1.972.0";
    old.agent.productVersion = "1.1.972.0";
    const r = cloudSyncVerdict([old], NOW);
    expect(r.status).toBe("failed");
    expect(r.findings.find((f) => f.code === "cloud-sync-agent-too-old")?.message).toContain(
      MIN_AGENT_VERSION_FOR_WRITEBACK,
    );
    expect(r.remediation.map((s) => s.title)).toContain("Upgrade the provisioning agent");
    const exact = sample();
    exact.agent.fileVersion = MIN_AGENT_VERSION_FOR_WRITEBACK;
    expect(cloudSyncVerdict([exact], NOW).status).toBe("passed");
  });

  it("fails when the file reports writeback off, with the cmdlet that turns it on", () => {
    const off = sample();
    off.passwordWriteback.enabled = false;
    const r = cloudSyncVerdict([off], NOW);
    expect(r.status).toBe("failed");
    expect(r.findings.map((f) => f.code)).toContain("cloud-sync-writeback-off");
    expect(r.findings.map((f) => f.code)).not.toContain("cloud-sync-writeback-unknown");
    expect(r.remediation.map((s) => s.script).join("\n")).toContain(
      "Set-AADCloudSyncPasswordWritebackConfiguration -Enable $true",
    );
    const on = sample();
    on.passwordWriteback.enabled = true;
    expect(codes([on])).not.toContain("cloud-sync-writeback-unknown");
    expect(cloudSyncVerdict([on], NOW).status).toBe("passed");
  });

  it("fails a stopped or missing service, and an agent that is not installed", () => {
    const stopped = sample();
    (stopped.service as NonNullable<CloudSyncEvidence["service"]>).state = "Stopped";
    expect(codes([stopped])).toContain("cloud-sync-agent-not-running");
    expect(cloudSyncVerdict([stopped], NOW).remediation[0]?.script).toContain(
      "Start-Service -Name 'AADConnectProvisioningAgent'",
    );
    const noService = sample();
    noService.service = null;
    expect(cloudSyncVerdict([noService], NOW).status).toBe("failed");
    const missing = sample();
    missing.agent.installed = false;
    expect(codes([missing])).toEqual(["cloud-sync-agent-missing"]);
    expect(codes([])).toEqual(["cloud-sync-agent-missing"]);
  });

  it("judges every server: one bad agent among good ones fails the check", () => {
    const bad = sample();
    bad.computerName = "SYNC02";
    bad.agent.fileVersion = "1.1.587.0";
    const r = cloudSyncVerdict([sample(), bad], NOW);
    expect(r.status).toBe("failed");
    expect(r.findings.find((f) => f.code === "cloud-sync-agent-too-old")?.target).toBe("SYNC02");
  });

  it("warns about an unreadable version, the US Government known issue and old evidence, without failing", () => {
    const unknown = sample();
    unknown.agent.fileVersion = null;
    unknown.agent.productVersion = "";
    expect(codes([unknown])).toContain("cloud-sync-agent-version-unknown");
    const usgov = sample();
    usgov.agent.fileVersion = "1.1.2102.0";
    expect(codes([usgov])).toContain("cloud-sync-agent-usgov-known-issue");
    const stale = codes([sample()], new Date("2026-12-07T10:00:00Z"));
    expect(stale).toContain("cloud-sync-evidence-stale");
    for (const f of [unknown, usgov]) expect(cloudSyncVerdict([f], NOW).status).toBe("passed");
    expect(codes([sample()])).not.toContain("cloud-sync-evidence-stale");
  });

  it("has a test above for every code it can produce", () => {
    const tested = new Set([
      "cloud-sync-agent-missing",
      "cloud-sync-agent-version-unknown",
      "cloud-sync-agent-too-old",
      "cloud-sync-agent-usgov-known-issue",
      "cloud-sync-agent-not-running",
      "cloud-sync-writeback-off",
      "cloud-sync-writeback-unknown",
      "cloud-sync-agent-account",
      "cloud-sync-evidence-stale",
    ]);
    expect(new Set(CLOUD_SYNC_FINDING_CODES)).toEqual(tested);
  });

  it("compares versions part by part, not as text", () => {
    expect(
      compareVersions(parseAgentVersion("1.1.1107.0")!, parseAgentVersion("1.1.977.0")!),
    ).toBeGreaterThan(0);
    expect(parseAgentVersion("1.1.977")).toEqual([1, 1, 977, 0]);
    expect(parseAgentVersion("1.1.977.0 (release)")).toEqual([1, 1, 977, 0]);
    expect(parseAgentVersion("unknown")).toBeNull();
  });
});

describe("parseCloudSyncEvidence refuses bad input, naming what is wrong", () => {
  const refused = (input: unknown) => {
    const r = parseCloudSyncEvidence(input);
    if (r.ok) throw new Error("accepted");
    return r;
  };

  it("not JSON", () => {
    expect(refused("{ not json").problem).toMatch(/not JSON/);
  });

  it("another format or version", () => {
    const r = refused(sampleText.replace("sspr-writeback-cloud-sync/1", "sspr-writeback-cloud-sync/2"));
    expect(r.fields).toEqual(["format"]);
    expect(r.problem).toContain('"sspr-writeback-cloud-sync/2"');
    expect(
      refused(sampleText.replace("sspr-writeback-cloud-sync/1", "sspr-writeback-snapshot/1")).fields,
    ).toEqual(["format"]);
  });

  it("a missing field", () => {
    const value = JSON.parse(sampleText);
    delete value.agent;
    const r = refused(value);
    expect(r.fields).toEqual(["agent"]);
  });

  it("a mistyped field", () => {
    const value = JSON.parse(sampleText);
    value.agent.installed = "yes";
    value.passwordWriteback.enabled = "true";
    const r = refused(JSON.stringify(value));
    expect(r.fields).toEqual(["agent.installed", "passwordWriteback.enabled"]);
    expect(r.problem).toMatch(/agent\.installed must be true or false/);
  });

  it("a file over the size limit, and a huge field inside it", () => {
    const big = JSON.parse(sampleText);
    big.padding = "x".repeat(CLOUD_SYNC_EVIDENCE_MAX_BYTES);
    expect(refused(JSON.stringify(big)).problem).toMatch(/limit/);
    expect(refused(new TextEncoder().encode(JSON.stringify(big))).problem).toMatch(/limit/);
    const long = JSON.parse(sampleText);
    long.agent.fileVersion = "1".repeat(500);
    expect(refused(long).fields).toEqual(["agent.fileVersion"]);
  });

  it("keeps unknown fields and accepts a byte-order mark", () => {
    const value = JSON.parse(sampleText);
    value.newerCollectorField = { anything: 1 };
    const r = parseCloudSyncEvidence(`\uFEFF${JSON.stringify(value)}`);
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.evidence as Record<string, unknown>).newerCollectorField).toEqual({ anything: 1 });
  });

  it("not an object at all", () => {
    expect(refused("[]").fields).toEqual(["(the whole file)"]);
    expect(refused("null").fields).toEqual(["(the whole file)"]);
  });
});
