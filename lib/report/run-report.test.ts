import { describe, expect, it } from "vitest";
import { initialStepStates } from "@/lib/steps/machine";
import {
  buildRunReport,
  isSecretKey,
  redactText,
  renderReportMarkdown,
  type ReportInput,
} from "./run-report";

const TOKEN = "dwcZ5rV3tHdnf_caUtFDqj42TmQMb1nj62cfu5kc1Vw";
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
const SID = "S-1-5-21-1004336348-1177238915-682003330-512";

function input(): ReportInput {
  const steps = initialStepStates("enable");
  steps["connector-permissions"] = {
    ...steps["connector-permissions"],
    status: "failed",
    confidence: "verified",
    checkedAt: "2026-01-02T10:00:00.000Z",
    findings: [
      { code: "missing-right", target: `CN=Ada,OU=Staff (${SID})`, message: "Reset password is missing." },
    ],
    evidence: {
      usersChecked: 1200,
      connector: "CONTOSO\\MSOL_ab12",
      bindPassword: "Sup3rSecret!",
      graphToken: JWT,
      nested: { clientSecret: "abc", note: `see /share/${TOKEN}` },
    },
  };
  steps.prerequisites = {
    ...steps.prerequisites,
    status: "passed",
    confidence: "attested",
    checkedAt: "2026-01-01T09:00:00.000Z",
    attestation: { by: "Ada Admin", at: "2026-01-01T09:00:00.000Z", note: "password = Hunter2" },
    notes: `Bearer ${JWT}`,
  };
  return {
    id: "run1",
    flow: "enable",
    mode: "sandbox",
    title: "Enable | writeback",
    version: 4,
    createdAt: "2026-01-01T08:00:00.000Z",
    updatedAt: "2026-01-02T10:00:00.000Z",
    steps,
    events: [
      {
        at: "2026-01-01T08:00:00.000Z",
        actor: "Ada Admin",
        type: "run-created",
        stepId: null,
        summary: "Run created",
      },
      {
        at: "2026-01-01T09:00:00.000Z",
        actor: "Ada Admin",
        type: "attested",
        stepId: "prerequisites",
        summary: "Ada Admin confirmed “Check the prerequisites” was done",
      },
      {
        at: "2026-01-02T10:00:00.000Z",
        actor: "domain admin (via link)",
        type: "verified",
        stepId: "connector-permissions",
        summary: `Checked with token ${TOKEN}`,
      },
    ],
  };
}

describe("run report", () => {
  const report = buildRunReport(input(), new Date("2026-01-03T00:00:00.000Z"));
  const markdown = renderReportMarkdown(report);
  const json = JSON.stringify(report);

  it("has every step with status, confidence, who and when, and the whole timeline", () => {
    expect(report.steps.map((s) => s.id)).toHaveLength(7);
    const prerequisites = report.steps.find((s) => s.id === "prerequisites");
    expect(prerequisites).toMatchObject({
      statusLabel: "Passed",
      confidenceLabel: "Attested",
      lastChangedBy: "Ada Admin",
    });
    expect(report.steps.find((s) => s.id === "connector-permissions")).toMatchObject({
      status: "failed",
      lastChangedBy: "domain admin (via link)",
    });
    expect(report.timeline).toHaveLength(3);
    expect(markdown).toContain("| Step | Status | Confidence | Who and when |");
    expect(markdown).toContain("# Enable | writeback");
    expect(markdown).toContain("## Timeline");
    expect(markdown).toContain("usersChecked: 1200");
  });

  it("links Microsoft's page under every step", () => {
    const links = markdown.match(
      /^- Microsoft's page: \[[^\]]+\]\(https:\/\/learn\.microsoft\.com\/entra\/identity\/[^)]+\)$/gm,
    );
    expect(links).toHaveLength(report.steps.length);
    expect(markdown).toContain(
      "- Microsoft's page: [Enable Microsoft Entra password writeback: prerequisites](https://learn.microsoft.com/entra/identity/authentication/tutorial-enable-sspr-writeback#prerequisites)",
    );
  });

  it("keeps SIDs and DNs readable", () => {
    expect(markdown).toContain(SID);
    expect(markdown).toContain("MSOL_ab12");
  });

  it.each([TOKEN, JWT, "Sup3rSecret!", "Hunter2", '"abc"'])("leaves out %s", (secret) => {
    expect(json).not.toContain(secret);
    expect(markdown).not.toContain(secret);
  });

  it.each([
    "password",
    "bindPassword",
    "client_secret",
    "clientSecret",
    "tokenHash",
    "shareToken",
    "apiKey",
    "private-key",
    "authorization",
    "sessionCookie",
    "passwordValue",
    "secret_text",
    "credentials",
  ])("drops the value of the secret key %s", (key) => expect(isSecretKey(key)).toBe(true));

  it.each([
    "passed",
    "pwdLastSet",
    "passwordNeverExpires",
    "passwordSetAt",
    "mustChangeAtNextLogon",
    "keyCount",
    "bypass",
  ])("keeps the value of %s, a fact a report is for", (key) => expect(isSecretKey(key)).toBe(false));

  it("keeps the counts of passed steps and the pwdLastSet evidence in both exports", () => {
    const run = input();
    run.steps["end-to-end-test"] = {
      ...run.steps["end-to-end-test"]!,
      status: "passed",
      confidence: "verified",
      checkedAt: "2026-01-02T11:00:00.000Z",
      evidence: { pwdLastSet: "2026-01-02T10:59:00.000Z", passwordNeverExpires: false },
    };
    const report = buildRunReport(run);
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/"passed":"\[redacted\]"/);
    expect(text).toContain("2026-01-02T10:59:00.000Z");
    expect(renderReportMarkdown(report)).not.toContain("[redacted] passed");
    expect(renderReportMarkdown(report)).toContain("2026-01-02T10:59:00.000Z");
  });

  it("redacts secrets in free text but not ordinary words", () => {
    expect(redactText("pwd: x1 and token=abc")).toBe("pwd: [redacted] and token=[redacted]");
    expect(redactText("Set Minimum password age to 0")).toBe("Set Minimum password age to 0");
    expect(redactText(`https://wizard/share/${TOKEN}`)).toBe("https://wizard/share/[redacted]");
    expect(redactText("a".repeat(64).replace(/a/g, "f"))).toBe("[redacted]");
  });
});

describe("report redaction by what a value is", () => {
  const BEARER = "Bearer abc.DEF-123_xyz";
  function run(): ReportInput {
    const base = input();
    base.steps["end-to-end-test"] = {
      ...base.steps["end-to-end-test"]!,
      status: "passed",
      confidence: "verified",
      checkedAt: "2026-01-02T11:00:00.000Z",
      evidence: {
        passed: 7,
        pwdLastSet: "134112345670000000",
        rights: { changePassword: true, resetPassword: false },
        request: `GET /v1.0/me with Authorization: ${BEARER}`,
        handedOver: `https://wizard.example/share/${TOKEN}`,
      },
    };
    return base;
  }
  const report = buildRunReport(run(), new Date("2026-01-03T00:00:00.000Z"));
  const json = JSON.stringify(report);
  const markdown = renderReportMarkdown(report);

  it("keeps an audit record's id: an identifier, not a token", () => {
    const id = "Directory_8a7c3b2e-1f4d-4c6a-9b8e-2d3f4a5b6c7d_ABCDE_12345678";
    expect(redactText(`"auditRecordId":"${id}"`)).toBe(`"auditRecordId":"${id}"`);
    expect(redactText(`token ${TOKEN}`)).toBe("token [redacted]");
  });

  it("keeps a key named passed, pwdLastSet and changePassword with their values", () => {
    const evidence = report.steps.find((s) => s.id === "end-to-end-test")!.evidence;
    expect(evidence).toContainEqual({ key: "passed", value: "7" });
    expect(evidence).toContainEqual({ key: "pwdLastSet", value: "134112345670000000" });
    expect(evidence.find((e) => e.key === "rights")?.value).toBe(
      '{"changePassword":true,"resetPassword":false}',
    );
    expect(markdown).toContain("- pwdLastSet: 134112345670000000");
  });

  it("removes a bearer token and a share URL wherever they are", () => {
    for (const text of [json, markdown]) {
      expect(text).not.toContain("abc.DEF-123_xyz");
      expect(text).not.toContain(TOKEN);
      expect(text).toContain("Bearer [redacted]");
      expect(text).toContain("/share/[redacted]");
    }
  });

  it("keeps every count in the progress line as digits", () => {
    expect(markdown).toMatch(/- Progress: \d+ passed, \d+ skipped, \d+ failed of \d+ steps/);
    expect(json).not.toContain('"passed":"[redacted]"');
  });

  it("still drops a string under a secret's name, and a credential object whole", () => {
    const redacted = JSON.stringify(
      buildRunReport({
        ...run(),
        steps: {
          ...run().steps,
          prerequisites: {
            ...run().steps.prerequisites!,
            evidence: { password: "Winter2026!", credential: { bindDn: "CN=x", password: "p" } },
          },
        },
      }),
    );
    expect(redacted).not.toContain("Winter2026!");
    expect(redacted).not.toContain("CN=x");
  });
});

describe("report: confidence and the wizard's own changes", () => {
  const base = input();
  base.events.push({
    at: "2026-01-02T10:05:00.000Z",
    actor: "Ada Admin",
    type: "fix-applied",
    stepId: "connector-permissions",
    summary: "Applied 2 changes for CONTOSO\\MSOL_ab12 on DC=contoso,DC=test and 1 other object",
    detail: {
      changes: 2,
      entriesAdded: 4,
      entriesRemoved: 0,
      targets: ["DC=contoso,DC=test", "OU=Legacy,DC=contoso,DC=test"],
    },
  });
  base.events.push({
    at: "2026-01-02T11:05:00.000Z",
    actor: "Ada Admin",
    type: "fix-revoked",
    stepId: "revoke-connector-permissions",
    summary: "Revoked the permissions of CONTOSO\\MSOL_ab12: 1 change on DC=contoso,DC=test",
    detail: { changes: 1, entriesAdded: 0, entriesRemoved: 3, targets: ["DC=contoso,DC=test"] },
  });
  base.steps["connector-permissions"]!.evidence = {
    ...base.steps["connector-permissions"]!.evidence,
    source: "LDAPS to dc1.contoso.test",
  };
  const report = buildRunReport(base, new Date("2026-01-03T00:00:00.000Z"));
  const markdown = renderReportMarkdown(report);

  it("says per step how its confidence was established", () => {
    const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
    expect(byId["connector-permissions"]?.confidenceSource).toContain("Read from LDAPS to dc1.contoso.test.");
    expect(byId["connector-permissions"]?.confidenceSource).toContain("Sandbox run");
    expect(byId.prerequisites?.confidenceSource).toMatch(/^Confirmed by Ada Admin, /);
    expect(byId["password-policy"]?.confidenceSource).toBe("Not established yet.");
    expect(markdown).toContain("- Confidence: Verified — Read from LDAPS to dc1.contoso.test.");
  });

  it("lists the fixes applied and revoked with their counts and targets", () => {
    expect(report.directoryChanges.map((c) => [c.kind, c.changes, c.entriesAdded, c.entriesRemoved])).toEqual(
      [
        ["applied", 2, 4, 0],
        ["revoked", 1, 0, 3],
      ],
    );
    expect(markdown).toContain("## Changes the wizard made to the directory");
    expect(markdown).toContain("  - OU=Legacy,DC=contoso,DC=test");
    expect(markdown).toMatch(/2 object\(s\), 4 permission entr\(y\/ies\) added, 0 removed/);
  });
});
