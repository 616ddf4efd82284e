import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";

// Serves Next route handlers on a real loopback port, for code that reaches a route over HTTP (the wizard's Graph
// client calling the sandbox simulator route, as `next start` would serve it). Only the transport is added: the
// handler is the route module's own export.

type Handler = (request: Request) => Promise<Response>;

export interface RouteServer {
  origin: string;
  /** Every request served, in order: what the code under test actually sent over the wire. */
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function serveRoute(handlers: Partial<Record<"GET" | "POST", Handler>>): Promise<RouteServer> {
  const requests: RouteServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const url = `http://${req.headers.host}${req.url ?? "/"}`;
      requests.push({ method, path: new URL(url).pathname });
      const handler = method === "GET" || method === "POST" ? handlers[method] : undefined;
      if (!handler) {
        res.writeHead(405).end();
        return;
      }
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers))
        if (typeof value === "string") headers.set(key, value);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      handler(new Request(url, { method, headers, body }))
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
