import "server-only";
import { handleGraphRequest } from "@/lib/sandbox/graph-simulator";
import { appMode } from "./env";
import { SANDBOX_GRAPH_PATH, sandboxTenantOf } from "./tenant-access";

/**
 * The sandbox Graph simulator, reached by the wizard's own Graph client (server to server, no session cookie). In
 * live mode it does not exist.
 */
export async function serveSandboxGraph(request: Request): Promise<Response> {
  if (appMode() !== "sandbox") return new Response("Not found", { status: 404 });
  return handleGraphRequest(request, {
    basePath: SANDBOX_GRAPH_PATH,
    tenantFor: (token) => sandboxTenantOf(token),
  });
}
