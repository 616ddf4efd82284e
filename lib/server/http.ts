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

/**
 * Browsers send Origin (and Sec-Fetch-Site) on every cross-site write; refusing foreign ones closes CSRF.
 * Requests without either header come from non-browser clients, which carry no ambient cookies.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    throw new ApiError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site}).`);
  }
  const origin = request.headers.get("origin");
  if (!origin) return;
  const configured = env().PUBLIC_ORIGIN;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new ApiError("forbidden", "Request refused: the Origin header is not a valid origin.");
  }
  const allowedHost = configured ? new URL(configured).host : request.headers.get("host");
  if (originHost !== allowedHost) {
    throw new ApiError("forbidden", "Request refused: it comes from another origin than this wizard.");
  }
}

export async function readLimitedText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    throw new ApiError("payload-too-large", `The request body is larger than the ${limit}-byte limit.`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new ApiError("payload-too-large", `The request body is larger than the ${limit}-byte limit.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
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
