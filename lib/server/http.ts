import "server-only";
import { randomUUID } from "node:crypto";
import { type NextRequest, type NextResponse } from "next/server";
import { type z } from "zod";
import { type Principal } from "./access";
import { ApiError, invalidBody } from "./api-error";
import { errorResponse } from "./error-response";
import { env } from "./env";
import { decodeGrants, LINK_GRANTS_COOKIE } from "./link-grants";
import { decodeSession, SESSION_COOKIE, type Session } from "./session";

// The thin shell every route handler shares: request id, CSRF defence for mutations, session, body limits
// and the single error path. Decisions live in lib/, never here.

export interface RouteContext<P> {
  request: NextRequest;
  params: P;
  session: Session;
  /** The session plus the share-link grants this browser holds; what run-scoped use cases take. */
  principal: Principal;
  requestId: string;
  /** Reads the JSON body (size-limited) and parses it with the schema; 413/415/422 on failure. */
  body<S extends z.ZodType>(schema: S): Promise<z.infer<S>>;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response | NextResponse>;

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** localhost, 127.0.0.0/8 and [::1], with or without a port: names that reach only this machine. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  return name === "localhost" || name === "[::1]" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * Browsers send Origin (and Sec-Fetch-Site) on every cross-site write; refusing foreign ones closes CSRF.
 * Requests without either header come from non-browser clients, which carry no ambient cookies.
 *
 * The allowed origin is PUBLIC_ORIGIN, scheme and host. Without it, the request's own scheme and Host header are
 * trusted only when Host names this machine (loopback): any other Host may be a name an attacker points at the
 * server (DNS rebinding), so a wizard reached by another name needs PUBLIC_ORIGIN (the server says so at start).
 */
export function assertSameOrigin(
  request: Request,
  configured: string | undefined = env().PUBLIC_ORIGIN,
): void {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    throw new ApiError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site}).`);
  }
  const origin = request.headers.get("origin");
  if (!origin) return;
  let actual: URL;
  try {
    actual = new URL(origin);
  } catch {
    throw new ApiError("forbidden", "Request refused: the Origin header is not a valid origin.");
  }
  let allowed: string | null = null;
  if (configured) allowed = new URL(configured).origin;
  else {
    const host = request.headers.get("host");
    if (host && isLoopbackHost(host)) allowed = `${new URL(request.url).protocol}//${host}`.toLowerCase();
  }
  if (allowed === null) {
    throw new ApiError(
      "forbidden",
      "Request refused: this wizard is reached by a name other than localhost and PUBLIC_ORIGIN is not set, so it cannot tell its own origin from another. Set PUBLIC_ORIGIN to the address people use.",
    );
  }
  if (actual.origin.toLowerCase() !== allowed) {
    throw new ApiError("forbidden", "Request refused: it comes from another origin than this wizard.");
  }
}

/** A body that sends nothing for this long has stopped (a Content-Length larger than what is sent). */
export const BODY_IDLE_TIMEOUT_MS = 3000;
/** No body of this wizard takes longer than this to arrive, even a large snapshot on a slow link. */
export const BODY_TOTAL_TIMEOUT_MS = 120_000;

export interface BodyLimits {
  /** Most bytes accepted; a declared Content-Length above it is refused before reading. */
  limit: number;
  /** Longest pause between two chunks. */
  idleTimeoutMs?: number;
  /** Longest time for the whole body. */
  totalTimeoutMs?: number;
}

function tooLarge(limit: number): ApiError {
  return new ApiError("payload-too-large", `The request body is larger than the ${limit}-byte limit.`);
}

/**
 * Reads a request body within a size and a time limit, for every route that takes one. Refuses a declared
 * Content-Length over the limit with 413 before reading a byte; a body that stops arriving (idle) or takes too
 * long in all gets a prompt 400 instead of holding the connection until the server's own timeout.
 */
export async function readBodyLimited(request: Request, limits: BodyLimits): Promise<Uint8Array> {
  const { limit, idleTimeoutMs = BODY_IDLE_TIMEOUT_MS, totalTimeoutMs = BODY_TOTAL_TIMEOUT_MS } = limits;
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const deadline = Date.now() + totalTimeoutMs;
  try {
    for (;;) {
      const wait = Math.min(idleTimeoutMs, deadline - Date.now());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<"stalled">((resolve) => {
        timer = setTimeout(() => resolve("stalled"), Math.max(0, wait));
      });
      let next: ReadableStreamReadResult<Uint8Array> | "stalled";
      try {
        next = await Promise.race([reader.read(), stalled]);
      } catch {
        throw new ApiError("bad-request", "The request body was cut off before its end.");
      } finally {
        clearTimeout(timer);
      }
      if (next === "stalled") {
        throw new ApiError(
          "bad-request",
          Date.now() >= deadline
            ? `The request body took longer than ${Math.round(totalTimeoutMs / 1000)} s to arrive.`
            : `The request body stopped arriving before its end (nothing for ${idleTimeoutMs / 1000} s); check its Content-Length.`,
        );
      }
      if (next.done) break;
      total += next.value.byteLength;
      if (total > limit) throw tooLarge(limit);
      chunks.push(next.value);
    }
  } catch (error) {
    // Stop reading what is left; the answer goes out at once.
    reader.cancel().catch(() => {});
    throw error;
  }
  return Buffer.concat(chunks);
}

export async function readLimitedText(
  request: Request,
  limit: number,
  timeouts: Omit<BodyLimits, "limit"> = {},
): Promise<string> {
  return Buffer.from(await readBodyLimited(request, { limit, ...timeouts })).toString("utf8");
}

/**
 * The request body as it arrives, chunk by chunk, for bodies too large to hold (a snapshot): a declared length over
 * `limit` is refused at once with 413, and so is a body that turns out longer while it is read.
 */
export function streamLimitedBody(request: Request, limit: number): AsyncIterable<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    throw new ApiError("payload-too-large", `The request body is larger than the ${limit}-byte limit.`);
  }
  const body = request.body;
  return (async function* () {
    if (!body) return;
    const reader = body.getReader();
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        total += value.byteLength;
        if (total > limit) {
          throw new ApiError("payload-too-large", `The request body is larger than the ${limit}-byte limit.`);
        }
        yield value;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  })();
}

export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError("unsupported-media-type", "Send the body as JSON (Content-Type: application/json).");
  }
  const text = await readLimitedText(request, env().MAX_BODY_BYTES);
  let data: unknown;
  try {
    data = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError("bad-request", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
}

export async function sessionFrom(request: NextRequest): Promise<Session | null> {
  return decodeSession(request.cookies.get(SESSION_COOKIE)?.value);
}

export async function principalFrom(request: NextRequest, session: Session): Promise<Principal> {
  return { session, grants: await decodeGrants(request.cookies.get(LINK_GRANTS_COOKIE)?.value) };
}

/** True when If-None-Match names the current ETag, so a poll can be answered with an empty 304. */
export function matchesIfNoneMatch(request: Request, etag: string): boolean {
  const header = request.headers.get("if-none-match");
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

export function route<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = randomUUID();
    try {
      if (MUTATING.has(request.method)) assertSameOrigin(request);
      const session = await sessionFrom(request);
      if (!session) {
        throw new ApiError(
          "unauthenticated",
          "No wizard session: open the wizard in a browser and try again.",
        );
      }
      const params = await context.params;
      const response = await handler({
        request,
        params,
        session,
        principal: await principalFrom(request, session),
        requestId,
        body: (schema) => readJsonBody(request, schema),
      });
      response.headers.set("x-request-id", requestId);
      response.headers.set("cache-control", "no-store");
      return response;
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}
