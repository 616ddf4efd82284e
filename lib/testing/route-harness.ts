import { NextRequest } from "next/server";
import { encodeSession, newSession, SESSION_COOKIE, type Session } from "@/lib/server/session";

// Calls App Router handlers directly, the way Next does: a NextRequest and a context whose params is a promise.

type Handler<P> = (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  body?: unknown;
  rawBody?: string | Uint8Array<ArrayBuffer>;
  session?: Session | null;
  headers?: Record<string, string>;
  /** Further cookies, e.g. the share-link grants cookie (`sspr_links`). */
  cookies?: Record<string, string>;
}

export function makeSession(name: string | null = null): Session {
  return { ...newSession(), name };
}

export async function call<P>(
  handler: Handler<P>,
  path: string,
  params: P,
  options: CallOptions = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown>; text: string }> {
  const headers = new Headers({ host: "localhost:3000", ...options.headers });
  const cookies = Object.entries(options.cookies ?? {}).map(([name, value]) => `${name}=${value}`);
  if (options.session) cookies.unshift(`${SESSION_COOKIE}=${await encodeSession(options.session)}`);
  if (cookies.length > 0) headers.set("cookie", cookies.join("; "));
  let body: string | Uint8Array<ArrayBuffer> | undefined;
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
  const isJson = /json/i.test(response.headers.get("content-type") ?? "application/json");
  return {
    status: response.status,
    headers: response.headers,
    json: text && isJson ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
  };
}

/** The value a response sets for one cookie (from Set-Cookie), or null. */
export function setCookieValue(headers: Headers, name: string): string | null {
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(";");
    const index = pair?.indexOf("=") ?? -1;
    if (pair && index > 0 && pair.slice(0, index).trim() === name) return pair.slice(index + 1);
  }
  return null;
}
