import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { handleGraphRequest } from "@/lib/tenant/sandbox/simulator";
import { SandboxTenant } from "@/lib/tenant/sandbox/tenant-model";

// Serves the sandbox Graph simulator on a real loopback port, so tests reach it over HTTP exactly as the app
// does: same adapter, same middleware, only the base URL differs.

export const SIMULATOR_PATH = "/api/sandbox/graph";

export interface SimulatorServer {
  baseUrl: string;
  /** The tenant behind a token; created on first use. */
  tenant(token: string): SandboxTenant;
  requests: { method: string; url: string; authorization: string | null }[];
  close(): Promise<void>;
}

export async function startSimulator(basePath: string = SIMULATOR_PATH): Promise<SimulatorServer> {
  const tenants = new Map<string, SandboxTenant>();
  const tenant = (token: string) => {
    let found = tenants.get(token);
    if (!found) tenants.set(token, (found = new SandboxTenant()));
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
