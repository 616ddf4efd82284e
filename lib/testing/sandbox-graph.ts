import * as sandboxGraphRoute from "@/app/api/sandbox/graph/[...path]/route";
import { SANDBOX_GRAPH_PATH } from "@/lib/server/sandbox-graph";
import { serveRoute, type RouteServer } from "./route-server";

/**
 * Serves the app's own sandbox Graph route on a loopback port and points SANDBOX_GRAPH_URL at it, so route tests
 * reach the run's simulated tenant over HTTP the way `next start` does. Call it before the first request of the
 * test file: the configuration is parsed once, on first use.
 */
export async function startSandboxGraph(): Promise<RouteServer> {
  const server = await serveRoute({ GET: sandboxGraphRoute.GET, POST: sandboxGraphRoute.POST });
  process.env.SANDBOX_GRAPH_URL = `${server.origin}${SANDBOX_GRAPH_PATH}`;
  // Route tests read audit records right after making them: no simulated audit-log delay here.
  process.env.SANDBOX_AUDIT_DELAY_SECONDS ??= "0";
  return server;
}
