import "server-only";
import {
  type AuthenticationProvider,
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
} from "@microsoft/microsoft-graph-client";

// The Graph client the adapter uses: Microsoft's graph-client with our own middleware chain, because the
// defaults do not fit a server that acts for a person who is waiting on a page:
// - the token is the caller's own, forwarded as is, and only ever sent to the configured Graph origin
//   (national clouds and the sandbox simulator are other origins; a nextLink to anywhere else is refused);
// - throttling (429) and unavailability (503/504) are retried only a few times and only for short waits: a
//   Retry-After of minutes is better reported than sat out;
// - every attempt has a timeout.

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com, https://graph.microsoft.us, or the sandbox simulator's URL. */
  baseUrl: string;
  /** The caller's Graph access token (or what reads it per call). Held in memory for this request only. */
  token: string | (() => string);
  timeoutMs?: number;
  maxRetries?: number;
  /** Longest single wait the client sits out; a longer Retry-After ends the call as throttled. */
  maxRetryWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where a request goes once the chain has prepared it; by default `fetch` (the network). The sandbox hands its
   * simulator's handler here, so the wizard's calls reach it in the same process, through the same middleware.
   */
  transport?: (request: Request) => Promise<Response>;
}

export const GRAPH_VERSION = "v1.0";
const RETRYABLE = new Set([429, 503, 504]);

/** Forwards the caller's token; it is opaque to us (DOMAIN.md: only Graph validates Graph tokens). */
export class ForwardedTokenProvider implements AuthenticationProvider {
  constructor(private readonly token: string | (() => string)) {}
  getAccessToken(): Promise<string> {
    return Promise.resolve(typeof this.token === "function" ? this.token() : this.token);
  }
}

export class GraphTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Microsoft Graph did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    this.name = "GraphTimeoutError";
  }
}

export class ForeignHostError extends Error {
  constructor() {
    super("Refused to send the Graph token to a host other than the configured Graph base URL.");
    this.name = "ForeignHostError";
  }
}

function urlOf(context: Context): string {
  return typeof context.request === "string" ? context.request : context.request.url;
}

function setHeader(context: Context, name: string, value: string): void {
  const options = (context.options ??= {});
  const headers = options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else options.headers = { ...(headers as Record<string, string> | undefined), [name]: value };
}

abstract class Link implements Middleware {
  protected next: Middleware | undefined;
  setNext(next: Middleware): void {
    this.next = next;
  }
  protected forward(context: Context): Promise<void> {
    if (!this.next) throw new Error("Graph middleware chain is incomplete.");
    return this.next.execute(context);
  }
  abstract execute(context: Context): Promise<void>;
}

/** Adds `Authorization: Bearer …` for the configured origin only. */
export class BearerTokenHandler extends Link {
  constructor(
    private readonly provider: AuthenticationProvider,
    private readonly origin: string,
  ) {
    super();
  }
  async execute(context: Context): Promise<void> {
    if (new URL(urlOf(context)).origin !== this.origin) throw new ForeignHostError();
    setHeader(context, "Authorization", `Bearer ${await this.provider.getAccessToken()}`);
    await this.forward(context);
  }
}

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export class RetryAfterHandler extends Link {
  constructor(
    private readonly maxRetries: number,
    private readonly maxWaitMs: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    super();
  }
  async execute(context: Context): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.forward(context);
      const response = context.response;
      if (!response || !RETRYABLE.has(response.status) || attempt >= this.maxRetries) return;
      // Without Retry-After, back off exponentially (1 s, 2 s, 4 s …) as Graph's throttling guidance asks.
      const wait = parseRetryAfter(response.headers.get("retry-after")) ?? 1000 * 2 ** attempt;
      if (wait > this.maxWaitMs) return;
      await response.body?.cancel().catch(() => undefined);
      await this.sleep(wait);
    }
  }
}

export class TimeoutHandler extends Link {
  constructor(private readonly timeoutMs: number) {
    super();
  }
  async execute(context: Context): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    context.options = { ...context.options, signal };
    try {
      await this.forward(context);
    } catch (error) {
      if (signal.aborted) throw new GraphTimeoutError(this.timeoutMs);
      throw error;
    }
  }
}

/** The end of the chain when a transport other than fetch is given: the same Request fetch would have sent. */
export class TransportHandler implements Middleware {
  constructor(private readonly transport: (request: Request) => Promise<Response>) {}
  async execute(context: Context): Promise<void> {
    const request =
      typeof context.request === "string" ? new Request(context.request, context.options) : context.request;
    context.response = await this.transport(request);
  }
}

export function createGraphClient(options: GraphClientOptions): Client {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const retry = new RetryAfterHandler(
    options.maxRetries ?? 3,
    options.maxRetryWaitMs ?? 10_000,
    options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  );
  const bearer = new BearerTokenHandler(new ForwardedTokenProvider(options.token), new URL(baseUrl).origin);
  const timeout = new TimeoutHandler(options.timeoutMs ?? 15_000);
  const http = options.transport ? new TransportHandler(options.transport) : new HTTPMessageHandler();
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: GRAPH_VERSION,
    middleware: [retry, bearer, timeout, http],
  });
}
