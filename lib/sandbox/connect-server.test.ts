import { describe, expect, it } from "vitest";
import { parseConnectEvidence } from "@/lib/connect/evidence-schema";
import { evaluateConnectEvidence } from "@/lib/verify/verdicts/connect";
import {
  connectServerFromState,
  healthyConnectServer,
  type SandboxConnectServer,
  sandboxConnectEvidence,
} from "./connect-server";

const now = new Date("2026-12-06T10:00:00.000Z");
const reset = {
  activityDisplayName: "Reset password (self-service)",
  activityDateTime: "2026-12-06T09:00:00.000Z",
  additionalDetails: [{ key: "OnPremisesAgent", value: "Microsoft Entra Connect" }],
};

function judge(server: SandboxConnectServer, writeback = true, question: "enabled" | "disabled" = "enabled") {
  const evidence = parseConnectEvidence(
    JSON.parse(JSON.stringify(sandboxConnectEvidence({ server, writeback, audits: [reset], now }))),
  );
  return { evidence, result: evaluateConnectEvidence(evidence, question, now) };
}

describe("the sandbox Connect server's evidence", () => {
  it("is a valid collector file that passes connect-writeback, naming the sandbox directory's connector", () => {
    const { evidence, result } = judge(healthyConnectServer());
    expect(result.status).toBe("passed");
    expect(result.confidence).toBe("evidence");
    expect(result.evidence).toMatchObject({
      connectorAccounts: [{ connector: "contoso.test", account: "CONTOSO\\MSOL_d351318b693c" }],
    });
    expect(evidence.Events.Summary.find((e) => e.Id === 31002)?.Count).toBe(1);
  });

  it("follows the tenant's Connect switch: off fails the enable step and passes the clean-up", () => {
    expect(judge(healthyConnectServer(), false).result.status).toBe("failed");
    expect(judge(healthyConnectServer(), false, "disabled").result.status).toBe("passed");
  });

  it("fails with adsync-stopped when the service is stopped, and passes again after a restore", () => {
    const server = { ...healthyConnectServer(), adsyncRunning: false, brokenAt: now.toISOString() };
    const { result } = judge(server);
    expect(result.status).toBe("failed");
    expect(result.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(["adsync-stopped", "writeback-service-stopped"]),
    );
    expect(judge(healthyConnectServer()).result.status).toBe("passed");
  });

  it("fails with service-bus-unreachable, the missing heartbeat and the 32002 errors when Service Bus is blocked", () => {
    const server = { ...healthyConnectServer(), serviceBusReachable: false, brokenAt: now.toISOString() };
    const { result } = judge(server);
    expect(result.status).toBe("failed");
    const codes = result.findings.map((f) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "service-bus-unreachable",
        "writeback-heartbeat-missing",
        "writeback-event-errors",
      ]),
    );
    expect(result.findings.some((f) => f.target === "PasswordResetService 32002")).toBe(true);
  });

  it("reads a stored server back, and a world stored without one (or with a bad one) has a healthy server", () => {
    const stopped = { adsyncRunning: false, serviceBusReachable: true, brokenAt: now.toISOString() };
    expect(connectServerFromState(JSON.parse(JSON.stringify(stopped)))).toEqual(stopped);
    expect(connectServerFromState(undefined)).toEqual(healthyConnectServer());
    expect(
      connectServerFromState({ adsyncRunning: "no", serviceBusReachable: true, brokenAt: null }),
    ).toEqual(healthyConnectServer());
  });
});
