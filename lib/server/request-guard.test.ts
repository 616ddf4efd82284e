import { createServer, request as httpRequest, type Server } from "node:http";
import { type AddressInfo, connect as netConnect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
});

import { bodyLimitFor, installRequestGuard, requestRefusal, routedPath } from "./request-guard";
import { CLOUD_SYNC_EVIDENCE_MAX_BYTES } from "@/lib/verify/cloud-sync/evidence";

// Requests no route can serve are answered before Next sees them, in the app's JSON error shape: Next cannot
// build a Request for TRACE or CONNECT (undici refuses those methods) and fails on a path whose percent-encoding is
// not UTF-8 — both as a plain-text 500 with a stack trace in the log.

let server: Server;
let port: number;
const next = vi.fn();

beforeAll(async () => {
  installRequestGuard();
  installRequestGuard(); // idempotent
  server = createServer((req, res) => {
    next();
    // Like Next: read the whole body first.
    req.resume();
    req.on("end", () => {
      // Next's own answer to a method the route does not export: headers first, then an empty body.
      if (req.url === "/api/empty-405") {
        res.setHeader("vary", "rsc");
        res.writeHead(405);
        res.end();
      } else if (req.url === "/api/empty-400") {
        res.statusCode = 400;
        res.end();
      } else res.end("next");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the request guard", () => {
  it.each(["TRACE", "PROPFIND", "MKCOL", "LINK"])(
    "answers %s with a JSON 405 naming the allowed methods",
    async (method) => {
      next.mockClear();
      const res = await send(method, "/api/runs");
      expect(res.status).toBe(405);
      expect(String(res.headers.allow)).toContain("GET");
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: "method-not-allowed" } });
      expect(next).not.toHaveBeenCalled();
    },
  );

  it.each([
    "/api/runs/%E0%A4%A",
    "/api/runs/%FF/directory",
    "/runs/%C3%28",
    "/share/%ED%A0%80",
    "/api/runs/%",
  ])("answers a path with invalid percent-encoding (%s) with a JSON 400", async (path) => {
    const res = await send("GET", path);
    expect(res.status).toBe(400);
    expect(res.headers["cache-control"]).toBe("no-store");
    const body = JSON.parse(res.text) as { error: { code: string; message: string; requestId: string } };
    expect(body.error).toMatchObject({ code: "bad-request" });
    expect(body.error.message).toMatch(/percent-encoding/);
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lets ordinary requests through, query strings included", async () => {
    for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const res = await send(method, "/api/runs/abc%20def?q=%FF");
      expect(res.status, method).toBe(200);
    }
  });

  it("gives Next's empty API errors the JSON error shape", async () => {
    for (const [path, status, code] of [
      ["/api/empty-405", 405, "method-not-allowed"],
      ["/api/empty-400", 400, "bad-request"],
    ] as const) {
      const res = await send("POST", path);
      expect(res.status).toBe(status);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.headers["cache-control"]).toBe("no-store");
      const body = JSON.parse(res.text) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe(code);
      expect(res.headers["x-request-id"]).toBe(body.error.requestId);
    }
  });

  it("answers a POST to a page with 405 (no Server Actions here)", async () => {
    next.mockClear();
    const res = await send("POST", "/runs/abc");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD");
    expect(next).not.toHaveBeenCalled();
  });

  it("decides on the path Next routes to, so a dot segment cannot turn a page into an API path", async () => {
    // Found by the fuzz suite (seed 620034547): /api/%2e%2e is the start page to Next, and a multipart POST there
    // was taken for a Server Action (409 with a stack trace in the log).
    next.mockClear();
    for (const path of ["/api/%2e%2e", "/api/%2E%2e/", "/api/runs/%2e%2e/%2e%2e/runs/abc", "/api/.%2e"]) {
      const res = await send("POST", path);
      expect(res.status, path).toBe(405);
      expect(res.headers.allow, path).toBe("GET, HEAD");
      expect(JSON.parse(res.text).error.code, path).toBe("method-not-allowed");
    }
    expect(next).not.toHaveBeenCalled();
    expect(routedPath("/api/%2e%2e?format=json")).toBe("/");
    expect(routedPath("/api/runs/./r/%2e/share-links")).toBe("/api/runs/r/share-links");
    expect(routedPath("/runs/%2e%2e/api/runs")).toBe("/api/runs");
    expect(requestRefusal("POST", "/runs/%2e%2e/api/runs")).toBeNull();
    expect(requestRefusal("POST", "/api/runs/r/%2e%2e/r/connect-evidence", String(400 * 1024))).toBeNull();
  });

  it("lets through a declared length within the limit of the route it is for", () => {
    expect(requestRefusal("POST", "/api/runs/r/connect-evidence", String(400 * 1024))).toBeNull();
    expect(requestRefusal("POST", "/api/runs/r/directory/snapshot", String(20 * 1024 * 1024))).toBeNull();
    expect(requestRefusal("POST", "/api/runs/r", String(400 * 1024))).toMatchObject({ status: 413 });
    expect(bodyLimitFor("/api/runs/r/cloud-sync-evidence")).toBeGreaterThanOrEqual(
      CLOUD_SYNC_EVIDENCE_MAX_BYTES,
    );
  });

  it("decides from the method and the path alone", () => {
    expect(requestRefusal("GET", "/runs/%E2%82%AC")).toBeNull();
    expect(requestRefusal("get", "/")).toMatchObject({ status: 405 });
    expect(requestRefusal("GET", "/%zz")).toMatchObject({ status: 400 });
  });
});

describe("the request guard, before the body", () => {
  function raw(head: string, body: string, waitMs = 8000): Promise<{ text: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
      const socket = netConnect(port, "127.0.0.1", () => socket.write(head + body));
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString()));
      const finish = () => resolve({ text, ms: Date.now() - started });
      socket.on("close", finish);
      socket.on("error", finish);
      setTimeout(() => socket.destroy(), waitMs);
    });
  }

  it("refuses a declared length over the limit with 413 at once, without passing the request on", async () => {
    next.mockClear();
    const res = await raw(
      "POST /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n",
      "{}",
    );
    expect(res.text).toMatch(/^HTTP\/1.1 413/);
    expect(res.text).toContain('"payload-too-large"');
    expect(res.ms).toBeLessThan(1000);
    expect(next).not.toHaveBeenCalled();
  });

  it("answers a request line Node cannot parse (a raw non-ASCII byte) with a JSON 400", async () => {
    const res = await raw("GET /api/runs/\u00e9 HTTP/1.1\r\nHost: localhost\r\n\r\n", "", 2000);
    expect(res.text).toMatch(/^HTTP\/1.1 400/);
    expect(res.text).toContain('"code":"bad-request"');
    expect(res.text).toMatch(/content-type: application\/json/i);
  });

  it("answers 400 when the body stops arriving short of its declared length", async () => {
    const res = await raw(
      "POST /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
      '{"flow":',
    );
    expect(res.text).toMatch(/^HTTP\/1.1 400/);
    expect(res.text).toContain("stopped arriving");
    expect(res.ms).toBeLessThan(5000);
  });
});
