import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-sandbox-in-process-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
  // No simulator elsewhere, and nothing listens on this port: a call that went over the network would fail.
  delete process.env.SANDBOX_GRAPH_URL;
  process.env.PORT = "9";
  process.env.SANDBOX_AUDIT_DELAY_SECONDS = "0";
});

import * as sandboxRoute from "@/app/api/sandbox/tenant/route";
import * as verifyConnectRoute from "@/app/api/verify/connect-writeback/route";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createRunAs } from "@/lib/testing/share-harness";
import type * as SandboxGraph from "./sandbox-graph";
import { serveSandboxGraph } from "./sandbox-graph";

// In `next start` the sandbox's checks reach the Graph simulator in the same process: the Graph client's requests,
// through its retry, token and timeout middleware, are handed to the simulator's handler instead of the network.

vi.mock("./sandbox-graph", async (original) => {
  const actual = await original<typeof SandboxGraph>();
  return { ...actual, serveSandboxGraph: vi.fn(actual.serveSandboxGraph) };
});

describe("the sandbox's Graph calls without SANDBOX_GRAPH_URL", () => {
  it("reach the simulator in this process, page by page, and never the network", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const owner = makeSession("Olivia Owner");
    const runId = await createRunAs(owner);
    const ticked = await call(
      sandboxRoute.POST,
      "/api/sandbox/tenant",
      {},
      { method: "POST", body: { runId, control: { action: "connect-writeback", on: true } }, session: owner },
    );
    expect(ticked.status).toBe(200);
    const checked = await call(
      verifyConnectRoute.POST,
      "/api/verify/connect-writeback",
      {},
      { method: "POST", body: { runId }, session: owner },
    );
    expect(checked.status, JSON.stringify(checked.json)).toBe(200);
    expect(checked.json.status).toBe("passed");
    const served = vi.mocked(serveSandboxGraph).mock.calls.map(([request]) => new URL(request.url));
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(served.some((url) => url.pathname === "/api/sandbox/graph/v1.0/auditLogs/directoryAudits")).toBe(
      true,
    );
    expect(served.every((url) => url.origin === "http://localhost:9")).toBe(true);
    // Each call carried the run's sandbox bearer, set by the client's token middleware.
    for (const [request] of vi.mocked(serveSandboxGraph).mock.calls)
      expect(request.headers.get("authorization")).toMatch(/^Bearer \S+$/);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
