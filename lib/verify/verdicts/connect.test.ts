import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ConnectEvidence, parseConnectEvidenceText } from "@/lib/connect/evidence-schema";
import { CONNECT_CODE_LABELS, CONNECT_FINDING_CODES } from "@/lib/steps/finding-codes";
import {
  compareVersions,
  connectorAccounts,
  evaluateConnectEvidence,
  HEARTBEAT_STALE_MINUTES,
} from "./connect";

// The committed sample (written by hand from Microsoft's documented cmdlet output) goes through the real parser
// and the real verdicts; each case below changes one fact of it and expects its own finding code.

const SAMPLE = readFileSync(join(__dirname, "../../connect/samples/connect-evidence.sample.json"), "utf8");
const NOW = new Date("2026-12-06T10:00:00.000Z");

function sample(change: (e: ConnectEvidence) => void = () => {}): ConnectEvidence {
  const evidence = parseConnectEvidenceText(SAMPLE);
  change(evidence);
  return evidence;
}

const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);

describe("the Connect evidence verdicts", () => {
  it("pass the committed sample at evidence level for the enable flow, with its warnings and the accounts", () => {
    const result = evaluateConnectEvidence(sample(), "enabled", NOW);
    expect(result.status).toBe("passed");
    expect(result.confidence).toBe("evidence");
    expect(codes(result)).toEqual([
      "writeback-event-errors",
      "writeback-event-errors",
      "connect-connector-accounts",
    ]);
    expect(result.evidence).toMatchObject({
      writebackEnabled: true,
      serviceStatus: "Running",
      connectVersion: "2.4.131.0",
      lastHeartbeat: "2026-12-06T09:27:41.000Z",
    });
  });

  it("fails connect-writeback-off when the setting is off in the enable flow", () => {
    const result = evaluateConnectEvidence(
      sample((e) => {
        if (e.PasswordResetConfiguration) e.PasswordResetConfiguration.Enabled = false;
      }),
      "enabled",
      NOW,
    );
    expect(result.status).toBe("failed");
    expect(codes(result)).toContain("connect-writeback-off");
  });

  it("fails connect-writeback-still-on in the clean-up, and passes once it is off (a stopped service does not matter there)", () => {
    expect(evaluateConnectEvidence(sample(), "disabled", NOW)).toMatchObject({ status: "failed" });
    expect(codes(evaluateConnectEvidence(sample(), "disabled", NOW))).toContain("connect-writeback-still-on");
    const off = evaluateConnectEvidence(
      sample((e) => {
        if (e.PasswordResetConfiguration) e.PasswordResetConfiguration.Enabled = false;
        if (e.Service) e.Service.Status = "Stopped";
      }),
      "disabled",
      NOW,
    );
    expect(off.status).toBe("passed");
    expect(codes(off)).not.toContain("adsync-stopped");
  });

  it("fails connect-writeback-unread when the collector could not read the setting", () => {
    const result = evaluateConnectEvidence(
      sample((e) => (e.PasswordResetConfiguration = null)),
      "enabled",
      NOW,
    );
    expect(result.status).toBe("failed");
    expect(codes(result)).toContain("connect-writeback-unread");
  });

  it("fails adsync-stopped with the start script, and adsync-not-installed without the service", () => {
    const stopped = evaluateConnectEvidence(
      sample((e) => {
        if (e.Service) e.Service.Status = "Stopped";
      }),
      "enabled",
      NOW,
    );
    expect(stopped.status).toBe("failed");
    expect(codes(stopped)).toContain("adsync-stopped");
    expect(stopped.remediation.map((r) => r.script).join()).toContain("Start-Service -Name 'ADSync'");
    const missing = evaluateConnectEvidence(
      sample((e) => (e.Service = null)),
      "prerequisites",
      NOW,
    );
    expect(missing.status).toBe("failed");
    expect(codes(missing)).toContain("adsync-not-installed");
  });

  it("fails writeback-service-stopped when 31016 has no later 31015", () => {
    const result = evaluateConnectEvidence(
      sample((e) =>
        e.Events.Summary.push({
          ProviderName: "PasswordResetService",
          Id: 31016,
          Count: 1,
          LastTime: "2026-12-02T08:00:00.000Z",
        }),
      ),
      "enabled",
      NOW,
    );
    expect(result.status).toBe("failed");
    expect(codes(result)).toContain("writeback-service-stopped");
    // A start after the stop clears it.
    const restarted = evaluateConnectEvidence(
      sample((e) =>
        e.Events.Summary.push({
          ProviderName: "PasswordResetService",
          Id: 31016,
          Count: 1,
          LastTime: "2026-11-30T08:00:00.000Z",
        }),
      ),
      "enabled",
      NOW,
    );
    expect(codes(restarted)).not.toContain("writeback-service-stopped");
  });

  it("fails connect-version-old below 2.4.18.0 (2.4.21.0 outside the commercial cloud), warns connect-version-unknown", () => {
    const old = evaluateConnectEvidence(
      sample((e) => (e.ConnectVersion = "2.3.20.0")),
      "enabled",
      NOW,
    );
    expect(old.status).toBe("failed");
    expect(codes(old)).toContain("connect-version-old");
    const gov = evaluateConnectEvidence(
      sample((e) => {
        e.ConnectVersion = "2.4.18.0";
        e.Cloud = "AzureUSGovernment";
        e.ServiceBus = [];
      }),
      "enabled",
      NOW,
    );
    expect(codes(gov)).toContain("connect-version-old");
    expect(
      codes(
        evaluateConnectEvidence(
          sample((e) => (e.ConnectVersion = "2.4.18.0")),
          "enabled",
          NOW,
        ),
      ),
    ).not.toContain("connect-version-old");
    const unknown = evaluateConnectEvidence(
      sample((e) => (e.ConnectVersion = null)),
      "enabled",
      NOW,
    );
    expect(unknown.status).toBe("passed");
    expect(codes(unknown)).toContain("connect-version-unknown");
  });

  it("fails writeback-heartbeat-missing when no 31019 is newer than the limit, and says the limit is the wizard's", () => {
    const old = new Date(Date.parse("2026-12-06T09:30:00.000Z") - (HEARTBEAT_STALE_MINUTES + 5) * 60_000);
    const result = evaluateConnectEvidence(
      sample((e) => {
        const heartbeat = e.Events.Summary.find((s) => s.Id === 31019);
        if (heartbeat) heartbeat.LastTime = old.toISOString();
      }),
      "enabled",
      NOW,
    );
    expect(result.status).toBe("failed");
    const finding = result.findings.find((f) => f.code === "writeback-heartbeat-missing");
    expect(finding?.message).toMatch(/does not say how often 31019 is logged/);
    const none = evaluateConnectEvidence(
      sample((e) => (e.Events.Summary = e.Events.Summary.filter((s) => s.Id !== 31019))),
      "enabled",
      NOW,
    );
    expect(codes(none)).toContain("writeback-heartbeat-missing");
  });

  it("fails service-bus-unreachable naming the endpoint", () => {
    const result = evaluateConnectEvidence(
      sample((e) => {
        const probe = e.ServiceBus[0];
        if (probe) probe.TcpTestSucceeded = false;
      }),
      "enabled",
      NOW,
    );
    expect(result.status).toBe("failed");
    expect(result.findings.find((f) => f.code === "service-bus-unreachable")?.target).toBe(
      "ssprdedicatedsbprodscu.servicebus.windows.net:443",
    );
  });

  it("warns tls12-not-enforced with Microsoft's values as the fix", () => {
    const result = evaluateConnectEvidence(
      sample((e) => {
        const value = e.Tls12.find((v) => v.Name === "SchUseStrongCrypto");
        if (value) value.Value = "Not Found";
      }),
      "enabled",
      NOW,
    );
    expect(codes(result)).toContain("tls12-not-enforced");
    expect(result.remediation.map((r) => r.script).join()).toContain("SchUseStrongCrypto");
  });

  it("fails dotnet-too-old below .NET Framework 4.8 (528040)", () => {
    const result = evaluateConnectEvidence(
      sample((e) => (e.DotNetRelease = 461808)),
      "enabled",
      NOW,
    );
    expect(result.status).toBe("failed");
    expect(codes(result)).toContain("dotnet-too-old");
    expect(
      codes(
        evaluateConnectEvidence(
          sample((e) => (e.DotNetRelease = 528040)),
          "enabled",
          NOW,
        ),
      ),
    ).not.toContain("dotnet-too-old");
  });

  it("warns connect-on-domain-controller for DomainRole 4 and 5", () => {
    for (const role of [4, 5]) {
      const result = evaluateConnectEvidence(
        sample((e) => (e.DomainRole = role)),
        "enabled",
        NOW,
      );
      expect(codes(result)).toContain("connect-on-domain-controller");
    }
    expect(
      codes(
        evaluateConnectEvidence(
          sample((e) => (e.DomainRole = 3)),
          "enabled",
          NOW,
        ),
      ),
    ).not.toContain("connect-on-domain-controller");
  });

  it("warns restrict-remote-sam naming the connector account to allow", () => {
    const result = evaluateConnectEvidence(
      sample((e) => (e.RestrictRemoteSam = "O:BAG:BAD:(A;;RC;;;BA)")),
      "enabled",
      NOW,
    );
    expect(result.findings.find((f) => f.code === "restrict-remote-sam")?.message).toContain(
      "CONTOSO\\MSOL_0123456789ab",
    );
  });

  it("groups writeback-event-errors by event id with Microsoft's meaning, fix and the newest message", () => {
    const result = evaluateConnectEvidence(sample(), "enabled", NOW);
    const errors = result.findings.filter((f) => f.code === "writeback-event-errors");
    expect(errors.map((f) => f.target)).toEqual(["ADSync 6329", "PasswordResetService 33004"]);
    const permissions = errors.find((f) => f.target === "PasswordResetService 33004");
    expect(permissions?.message).toContain("ADPermissionsError");
    expect(permissions?.message).toContain("Reset password");
    expect(permissions?.message).toContain("CN=Megan Bowen");
    // Informational ids (resets that worked, heartbeats) are no errors.
    expect(errors.some((f) => /31019|31002/.test(f.target ?? ""))).toBe(false);
  });

  it("warns connect-evidence-stale after 24 hours, still judging the file", () => {
    const later = new Date(Date.parse("2026-12-06T09:30:00.000Z") + 25 * 3_600_000);
    const result = evaluateConnectEvidence(sample(), "enabled", later);
    expect(result.status).toBe("passed");
    expect(codes(result)).toContain("connect-evidence-stale");
    expect(codes(evaluateConnectEvidence(sample(), "enabled", NOW))).not.toContain("connect-evidence-stale");
  });

  it("reads the AD connector accounts as DOMAIN\\name (connect-connector-accounts)", () => {
    expect(connectorAccounts(sample())).toEqual([
      { connector: "contoso.com", account: "CONTOSO\\MSOL_0123456789ab" },
    ]);
    expect(
      codes(
        evaluateConnectEvidence(
          sample((e) => (e.Connectors = [])),
          "enabled",
          NOW,
        ),
      ),
    ).not.toContain("connect-connector-accounts");
  });

  it("prerequisites judge the server's health without the setting", () => {
    const result = evaluateConnectEvidence(
      sample((e) => {
        if (e.PasswordResetConfiguration) e.PasswordResetConfiguration.Enabled = false;
      }),
      "prerequisites",
      NOW,
    );
    expect(result.status).toBe("passed");
  });

  it("emit only codes of the browser's list, each with a label", () => {
    const seen = new Set<string>();
    const variants: ConnectEvidence[] = [
      sample(),
      sample((e) => {
        e.PasswordResetConfiguration = null;
        e.Service = null;
        e.ConnectVersion = "1.6.4.0";
        e.DotNetRelease = 1;
        e.DomainRole = 5;
        e.RestrictRemoteSam = "O:BAG:BAD:(A;;RC;;;BA)";
        e.Tls12 = [];
        e.ServiceBus.forEach((p) => (p.TcpTestSucceeded = false));
      }),
    ];
    for (const v of variants)
      for (const q of ["enabled", "disabled", "prerequisites"] as const)
        for (const f of evaluateConnectEvidence(v, q, new Date("2027-01-01T00:00:00Z")).findings)
          seen.add(f.code);
    for (const code of seen) expect(CONNECT_FINDING_CODES as readonly string[]).toContain(code);
    for (const code of CONNECT_FINDING_CODES) expect(CONNECT_CODE_LABELS[code]).toMatch(/\S/);
  });

  it("compares versions numerically", () => {
    expect(compareVersions("2.4.131.0", "2.4.18.0")).toBe(1);
    expect(compareVersions("2.4.18.0", "2.4.18.0")).toBe(0);
    expect(compareVersions("1.6.4.0", "2.4.18.0")).toBe(-1);
    expect(compareVersions("unknown", "2.4.18.0")).toBeNull();
  });
});
