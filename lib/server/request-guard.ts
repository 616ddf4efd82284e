import "server-only";
import { randomUUID } from "node:crypto";
import { type IncomingMessage, Server, type ServerResponse } from "node:http";
import { type Socket } from "node:net";
import { CONNECT_EVIDENCE_MAX_BYTES } from "@/lib/connect/evidence-schema";
import { CLOUD_SYNC_EVIDENCE_MAX_BYTES } from "@/lib/verify/cloud-sync/evidence";
import { env } from "./env";
import { BODY_IDLE_TIMEOUT_MS } from "./http";

// A guard in front of Next's own request handling, installed once at start (startup.ts). Some requests fail inside
// Next before proxy.ts or a route could answer them — a method undici will not build a Request for (TRACE, CONNECT,
// TRACK), a path whose percent-encoding is not UTF-8 — and come out as a plain-text 500 with a stack trace in the
// log. The guard answers them itself, in the app's JSON error shape, and never lets them reach Next.

/** The methods some route or page of the wizard answers; anything else is a 405. */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const ALLOWED = new Set<string>(ALLOWED_METHODS);

export interface Refusal {
  status: 400 | 405 | 413;
  code: "bad-request" | "method-not-allowed" | "payload-too-large";
  message: string;
  headers: Record<string, string>;
}

/** The snapshot upload takes a domain's worth of JSON, Connect evidence and cloud sync agent files their own limits; every other body is an
 * ordinary request's. A route with a larger limit of its own is listed here too (request-guard.test.ts). */
const SNAPSHOT_UPLOAD = /^\/api\/runs\/[^/]+\/directory\/snapshot\/?$/;
const CONNECT_EVIDENCE = /^\/api\/runs\/[^/]+\/connect-evidence\/?$/;
const CLOUD_SYNC_EVIDENCE = /^\/api\/runs\/[^/]+\/cloud-sync-evidence\/?$/;

/** The most bytes any route at `path` accepts (the route itself checks its own limit again). */
export function bodyLimitFor(path: string): number {
  const config = env();
  if (SNAPSHOT_UPLOAD.test(path)) return config.DIRECTORY_SNAPSHOT_MAX_BYTES;
  if (CONNECT_EVIDENCE.test(path)) return Math.max(config.MAX_BODY_BYTES, CONNECT_EVIDENCE_MAX_BYTES);
  if (CLOUD_SYNC_EVIDENCE.test(path)) return Math.max(config.MAX_BODY_BYTES, CLOUD_SYNC_EVIDENCE_MAX_BYTES);
  return config.MAX_BODY_BYTES;
}

/**
 * The path the request is routed to. Next resolves dot segments the way a URL parser does — `%2e%2e` counts as
 * `..` (WHATWG URL) — so `/api/%2e%2e` is the start page, not an API route; the guard decides on that path, not on
 * the raw one. A target that is not a path (absolute-form, `*`) is parsed as it stands.
 */
export function routedPath(url: string | undefined): string {
  const target = url ?? "/";
  try {
    return new URL(target.startsWith("/") ? `http://guard${target}` : target).pathname;
  } catch {
    return target.split("?")[0] || "/";
  }
}

/**
 * Why the wizard cannot serve this request at all, or null when it is for the routes to decide. A declared
 * Content-Length over the route's limit is refused here, before Next reads (and buffers) a byte of the body.
 */
export function requestRefusal(
  method: string | undefined,
  url: string | undefined,
  contentLength?: string,
): Refusal | null {
  if (!method || !ALLOWED.has(method)) {
    return {
      status: 405,
      code: "method-not-allowed",
      message: `The method ${String(method).slice(0, 20)} is not served here; use ${ALLOWED_METHODS.join(", ")}.`,
      headers: { allow: ALLOWED_METHODS.join(", ") },
    };
  }
  const raw = (url ?? "/").split("?")[0] ?? "/";
  const path = routedPath(url);
  // Pages are read, never posted to: the wizard has no Server Actions, and Next logs an error (with a stack) for a
  // POST it takes for one. Routes outside /api that take other methods would be listed here.
  if (!path.startsWith("/api/") && method !== "GET" && method !== "HEAD") {
    return {
      status: 405,
      code: "method-not-allowed",
      message: `Pages are only read (GET); ${method.slice(0, 20)} is not served at this address.`,
      headers: { allow: "GET, HEAD" },
    };
  }
  try {
    decodeURIComponent(raw);
  } catch {
    return {
      status: 400,
      code: "bad-request",
      message: "The address is not valid: its percent-encoding does not decode to UTF-8 text.",
      headers: {},
    };
  }
  const declared = Number(contentLength ?? "NaN");
  const limit = bodyLimitFor(path);
  if (Number.isFinite(declared) && declared > limit) {
    return {
      status: 413,
      code: "payload-too-large",
      message: `The request body is larger than the ${limit}-byte limit.`,
      headers: {},
    };
  }
  return null;
}

function answer(res: ServerResponse, refusal: Refusal): void {
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message, requestId } });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(refusal.status, {
    ...refusal.headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "x-request-id": requestId,
    // The request's body (if any) is not read: the connection is not reused for another request.
    connection: "close",
  });
  res.end(body);
}

/**
 * A request Node's HTTP parser refuses (a request line with bytes that are not ASCII, headers too large) never
 * becomes a request event; Node would answer a bare 400 itself. The same answer, in the JSON error shape.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || !socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", "headers-too-large", "The request's headers are too large."]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", "request-timeout", "The request took too long to arrive."]
        : [
            400,
            "Bad Request",
            "bad-request",
            "The request is not valid HTTP (its request line or headers could not be read).",
          ];
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code, message, requestId } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n` +
      `x-request-id: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

const INSTALLED = Symbol.for("sspr.requestGuard");
type Guarded = typeof Server.prototype & { [INSTALLED]?: true };

const ERROR_CODES: Record<number, string> = {
  400: "bad-request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  406: "not-acceptable",
  408: "request-timeout",
  409: "conflict",
  411: "length-required",
  412: "stale-version",
  413: "payload-too-large",
  414: "uri-too-long",
  415: "unsupported-media-type",
  431: "headers-too-large",
};

/**
 * An API error that Next answers itself (a 405 for a method the route does not export, a 400 for a path it cannot
 * parse) has an empty body; it gets the app's JSON error shape instead, so every /api answer reads the same way.
 */
function jsonEmptyApiErrors(req: IncomingMessage, res: ServerResponse): void {
  if (!routedPath(req.url).startsWith("/api/") || req.method === "HEAD") return;
  let pending = false;
  let wrote = false;
  const requestId = randomUUID();
  const body = (status: number): string => {
    if (!res.headersSent) res.setHeader("x-request-id", requestId);
    const code = ERROR_CODES[status] ?? (status >= 500 ? "internal" : "bad-request");
    const message =
      status === 405
        ? `The method ${String(req.method)} is not served at this address.`
        : "The request could not be served at this address.";
    return JSON.stringify({ error: { code, message, requestId } });
  };
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = function writeHeadJson(this: ServerResponse, ...args: unknown[]): ServerResponse {
    const status = Number(args[0]);
    const given = args.find((arg) => typeof arg === "object" && arg !== null && !Array.isArray(arg)) as
      Record<string, unknown> | undefined;
    const typed =
      res.getHeader("content-type") !== undefined ||
      Object.keys(given ?? {}).some((name) => name.toLowerCase() === "content-type");
    if (status >= 400 && !typed) {
      // Next's own empty error answer (405 for a method the route does not export, 400 for a path it cannot
      // parse): it goes out as JSON, the body written at end().
      pending = true;
      res.setHeader("x-request-id", requestId);
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      res.removeHeader("content-length");
      for (const name of Object.keys(given ?? {}))
        if (name.toLowerCase() === "content-length") delete given?.[name];
    }
    return writeHead(...args);
  } as typeof res.writeHead;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = function writeTracked(this: ServerResponse, ...args: unknown[]): boolean {
    if ((args[0] as { length?: number } | undefined)?.length) wrote = true;
    return write(...args);
  } as typeof res.write;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = function endWithJson(this: ServerResponse, ...args: unknown[]): ServerResponse {
    const [chunk] = args;
    const empty =
      chunk === undefined || typeof chunk === "function" || (chunk as { length?: number }).length === 0;
    if (empty && !wrote && pending) return end(body(res.statusCode));
    if (empty && !wrote && !res.headersSent && res.statusCode >= 400 && !res.getHeader("content-type")) {
      const text = body(res.statusCode);
      res.setHeader("content-type", "application/json");
      res.setHeader("content-length", Buffer.byteLength(text));
      res.setHeader("cache-control", "no-store");
      return end(text);
    }
    return end(...args);
  } as typeof res.end;
}

/**
 * A body that stops arriving (a Content-Length larger than what is sent) would hold the request until Node's own
 * request timeout (5 minutes): Next reads the whole body before proxy.ts runs. The socket's byte count is watched
 * (reading the stream here would take the body from Next); after BODY_IDLE_TIMEOUT_MS without a byte, the request
 * is answered with a 400 and the connection closed.
 */
function watchBody(req: IncomingMessage, res: ServerResponse): void {
  const length = Number(req.headers["content-length"] ?? "0");
  if (!(length > 0) && req.headers["transfer-encoding"] === undefined) return;
  const socket = req.socket;
  let seen = socket.bytesRead;
  let quietSince = Date.now();
  const tick = Math.max(50, Math.min(500, BODY_IDLE_TIMEOUT_MS / 4));
  const timer = setInterval(() => {
    if (req.complete || res.writableEnded || socket.destroyed) {
      clearInterval(timer);
      return;
    }
    if (socket.bytesRead !== seen) {
      seen = socket.bytesRead;
      quietSince = Date.now();
      return;
    }
    if (Date.now() - quietSince < BODY_IDLE_TIMEOUT_MS) return;
    clearInterval(timer);
    answer(res, {
      status: 400,
      code: "bad-request",
      message: `The request body stopped arriving before its end (nothing for ${BODY_IDLE_TIMEOUT_MS / 1000} s); check its Content-Length.`,
      headers: {},
    });
    socket.destroySoon();
  }, tick);
  timer.unref();
  res.once("close", () => clearInterval(timer));
}

/**
 * Wraps every HTTP server's `request` event in this process (`next start` creates its server before
 * instrumentation runs, and reads its handler through `emit`). Idempotent.
 */
export function installRequestGuard(): void {
  const proto = Server.prototype as Guarded;
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit;
  proto.emit = function guardedEmit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const refusal = requestRefusal(req.method, req.url, req.headers["content-length"]);
      if (refusal) {
        answer(res, refusal);
        return true;
      }
      jsonEmptyApiErrors(req, res);
      watchBody(req, res);
    }
    if (event === "clientError") {
      const [error, socket] = args as [NodeJS.ErrnoException, Socket];
      answerClientError(error, socket);
      return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof proto.emit;
}
