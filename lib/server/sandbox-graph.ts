import "server-only";
import { handleGraphRequest } from "@/lib/sandbox/graph-simulator";
import { type SandboxWorld } from "@/lib/sandbox/world";
import { appMode } from "./env";
import { inNamedSession, NoSandboxRunError, readSandboxBearer, withSandboxWorld } from "./sandbox-store";

/** Where the app serves the simulator (app/api/sandbox/graph/[...path]/route.ts). */
export const SANDBOX_GRAPH_PATH = "/api/sandbox/graph";

const REFUSED = () =>
  handleGraphRequest(new Request("http://sandbox.invalid/v1.0/me"), {
    basePath: "",
    tenantFor: () => null,
  });

/**
 * The sandbox Graph simulator, reached by the wizard's own Graph client (server to server, no session cookie). Its
 * bearer names a run and carries the server's HMAC of it; any other bearer, or one for a run that is not a sandbox
 * run, gets Graph's 401 and nothing is made or kept for it. The run's world is loaded from the database and what the
 * request changed is stored back, so every instance answers alike. In live mode it does not exist.
 */
export async function serveSandboxGraph(request: Request): Promise<Response> {
  if (appMode() !== "sandbox") return new Response("Not found", { status: 404 });
  const token = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  const bearer = token ? readSandboxBearer(token) : null;
  if (!bearer) return REFUSED();
  const { runId } = bearer;
  // A clone per attempt: a retry after another instance stored first reads the body again.
  const serve = (world: SandboxWorld) =>
    handleGraphRequest(request.clone(), { basePath: SANDBOX_GRAPH_PATH, tenantFor: () => world.tenant });
  try {
    // A call of a request that holds the run's world (a verify call, lib/server/sandbox-store.ts) uses that world;
    // the request stores it once when it ends.
    const held = bearer.session ? inNamedSession(runId, bearer.session, serve) : null;
    return await (held ?? withSandboxWorld(runId, serve));
  } catch (error) {
    if (error instanceof NoSandboxRunError) return REFUSED();
    throw error;
  }
}
