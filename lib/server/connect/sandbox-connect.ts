import "server-only";
import { type SandboxConnectAction, type SandboxConnectResponse } from "@/lib/contract/connect";
import { healthyConnectServer, sandboxConnectEvidence } from "@/lib/sandbox/connect-server";
import { type Who } from "../access";
import { ApiError } from "../api-error";
import { appMode } from "../env";
import { loadRun } from "../runs-service";
import { withSandboxWorld } from "../sandbox-store";
import { uploadConnectEvidence } from "./evidence-service";

// The sandbox's Connect server: each control changes the simulated server (or leaves it as it is), runs its
// "collector" on the run's simulated state and uploads the file through the same path as a real upload, so the
// Connect steps are then checked at evidence level by the same code. Edit rights, like any change to the run.

const MESSAGES: Record<SandboxConnectAction, string> = {
  "upload-evidence": "Simulated: the collector ran on the Connect server and its file was uploaded.",
  "stop-adsync":
    "Simulated: the ADSync service stopped on the Connect server; the collector ran again and its file was uploaded.",
  "block-service-bus":
    "Simulated: a firewall now blocks the Connect server's outbound HTTPS to Service Bus; the collector ran again and its file was uploaded.",
  restore:
    "Simulated: the Connect server is healthy again (service running, Service Bus reachable); the collector ran again and its file was uploaded.",
};

export async function applySandboxConnectControl(
  who: Who,
  runId: string,
  action: SandboxConnectAction,
  now = new Date(),
): Promise<SandboxConnectResponse> {
  if (appMode() !== "sandbox")
    throw new ApiError("not-found", "There is no sandbox Connect server in live mode.");
  await loadRun(who, runId, "edit");
  // The simulated server is part of the run's stored world, so whichever instance serves the next control sees it.
  const evidence = await withSandboxWorld(runId, (world) => {
    if (action === "restore") world.connect = healthyConnectServer();
    const server = world.connect;
    if (action === "stop-adsync" && server.adsyncRunning) {
      server.adsyncRunning = false;
      server.brokenAt = now.toISOString();
    }
    if (action === "block-service-bus" && server.serviceBusReachable) {
      server.serviceBusReachable = false;
      server.brokenAt = now.toISOString();
    }
    return sandboxConnectEvidence({
      server,
      writeback: world.tenant.switches.connectWriteback,
      audits: world.tenant.audits,
      now,
    });
  });
  return {
    evidence: await uploadConnectEvidence(who, runId, JSON.stringify(evidence), now),
    message: MESSAGES[action],
  };
}
