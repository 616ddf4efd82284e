import { NextRequest } from "next/server";
import { encodeSession, newSession, SESSION_COOKIE, type Session } from "@/lib/server/session";

// Calls App Router handlers directly, the way Next does: a NextRequest and a context whose params is a promise.

type Handler<P> = (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  body?: unknown;
  rawBody?: string;
  session?: Session | null;
  headers?: Record<string, string>;
}

export function makeSession(name: string | null = null): Session {
  return { ...newSession(), name };
}

export async function call<P>(
  handler: Handler<P>,
  path: string,
  params: P,
  options: CallOptions = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers = new Headers({ host: "localhost:3000", ...options.headers });
  if (options.session) headers.set("cookie", `${SESSION_COOKIE}=${encodeSession(options.session)}`);
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const request = new NextRequest(new URL(path, "http://localhost:3000"), {
    method: options.method ?? "GET",
    headers,
    body,
  });
  const response = await handler(request, { params: Promise.resolve(params) });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
