import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { SandboxDirectory } from "@/lib/sandbox/directory";
import { handleGraphRequest } from "@/lib/sandbox/graph-simulator";
import { SandboxTenant } from "@/lib/sandbox/tenant-model";

// Serves the sandbox Graph simulator on a real loopback port, so tests reach it over HTTP exactly as the app
// does: same adapter, same middleware, only the base URL differs.

export const SIMULATOR_PATH = "/api/sandbox/graph";

export interface SimulatorServer {
  baseUrl: string;
  /** The tenant behind a token; created on first use. */
  tenant(token: string): SandboxTenant;
  /** The on-premises directory the tenant of a token writes resets into; created with the tenant. */
  directory(token: string): SandboxDirectory;
  requests: { method: string; url: string; authorization: string | null }[];
  close(): Promise<void>;
}

export async function startSimulator(basePath: string = SIMULATOR_PATH): Promise<SimulatorServer> {
  const directories = new Map<string, SandboxDirectory>();
  const directory = (token: string) => {
    let found = directories.get(token);
    if (!found) directories.set(token, (found = new SandboxDirectory()));
    return found;
  };
  const tenants = new Map<string, SandboxTenant>();
  const tenant = (token: string) => {
    let found = tenants.get(token);
    if (!found) tenants.set(token, (found = new SandboxTenant(() => new Date(), directory(token))));
    return found;
  };
  const requests: SimulatorServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = `http://${req.headers.host}${req.url ?? "/"}`;
      requests.push({ method: req.method ?? "GET", url, authorization: req.headers.authorization ?? null });
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers))
        if (typeof value === "string") headers.set(key, value);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      void handleGraphRequest(new Request(url, { method: req.method, headers, body }), {
        basePath,
        // A token starting with "expired" stands for one Graph no longer accepts.
        tenantFor: (token) => (token.startsWith("expired") ? null : tenant(token)),
      }).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    tenant,
    directory,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A token shaped like a Graph access token (header.claims.signature, base64url) with the given claims and scopes.
 * The simulator, like the wizard, treats it as opaque except for the claims; the signature is not a real one.
 */
export function fakeGraphToken(claims: Record<string, unknown>, scopes = "User.Read"): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ typ: "JWT", alg: "RS256" })}.${part({ aud: "https://graph.microsoft.com", scp: scopes, ...claims })}.c2lnbmF0dXJl`;
}
