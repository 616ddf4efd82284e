import "server-only";
import { randomUUID } from "node:crypto";
import { type IncomingMessage, Server, type ServerResponse } from "node:http";

// A guard in front of Next's own request handling, installed once at start (startup.ts). Some requests fail inside
// Next before proxy.ts or a route could answer them — a method undici will not build a Request for (TRACE, CONNECT,
// TRACK), a path whose percent-encoding is not UTF-8 — and come out as a plain-text 500 with a stack trace in the
// log. The guard answers them itself, in the app's JSON error shape, and never lets them reach Next.

/** The methods some route or page of the wizard answers; anything else is a 405. */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const ALLOWED = new Set<string>(ALLOWED_METHODS);

export interface Refusal {
  status: 400 | 405;
  code: "bad-request" | "method-not-allowed";
  message: string;
  headers: Record<string, string>;
}

/** Why the wizard cannot serve this request at all, or null when it is for the routes to decide. */
export function requestRefusal(method: string | undefined, url: string | undefined): Refusal | null {
  if (!method || !ALLOWED.has(method)) {
    return {
      status: 405,
      code: "method-not-allowed",
      message: `The method ${String(method).slice(0, 20)} is not served here; use ${ALLOWED_METHODS.join(", ")}.`,
      headers: { allow: ALLOWED_METHODS.join(", ") },
    };
  }
  const path = (url ?? "/").split("?")[0] ?? "/";
  try {
    decodeURIComponent(path);
  } catch {
    return {
      status: 400,
      code: "bad-request",
      message: "The address is not valid: its percent-encoding does not decode to UTF-8 text.",
      headers: {},
    };
  }
  return null;
}

function answer(res: ServerResponse, refusal: Refusal): void {
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message, requestId } });
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

const INSTALLED = Symbol.for("sspr.requestGuard");
type Guarded = typeof Server.prototype & { [INSTALLED]?: true };

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
      const refusal = requestRefusal(req.method, req.url);
      if (refusal) {
        answer(res, refusal);
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof proto.emit;
}
