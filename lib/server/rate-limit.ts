import "server-only";
import { LRUCache } from "lru-cache";

// Token buckets in this process's memory. Several instances behind a load balancer each keep their own
// buckets, so the effective limit is per instance (docs/security.md); a guessed 256-bit token is out of reach
// either way, the limit only keeps the noise down.

export interface BucketOptions {
  /** Most attempts in a burst. */
  capacity: number;
  /** Attempts regained per minute. */
  refillPerMinute: number;
  /** Keys remembered at most; the least recently touched are forgotten first. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketLimiter {
  // Only the size is capped; a bucket needs no expiry, since its refill is computed from when it was last used.
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(
    private readonly options: BucketOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.buckets = new LRUCache({ max: options.maxKeys ?? 10_000 });
  }

  private current(key: string): Bucket {
    const now = this.clock();
    // peek: asking how long to wait is not a use, only consuming an attempt is.
    const stored = this.buckets.peek(key);
    const { capacity, refillPerMinute } = this.options;
    if (!stored) return { tokens: capacity, at: now };
    const regained = ((now - stored.at) / 60_000) * refillPerMinute;
    return { tokens: Math.min(capacity, stored.tokens + regained), at: now };
  }

  /** Seconds until `key` may try again; 0 when it may try now. Does not consume. */
  retryAfter(key: string): number {
    const bucket = this.current(key);
    if (bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) * 60) / this.options.refillPerMinute);
  }

  /** Uses one attempt of `key`. */
  consume(key: string): void {
    const bucket = this.current(key);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(key, bucket);
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.buckets.clear();
  }
}

/**
 * The key for a client. Next sets X-Forwarded-For from the socket when the request has none; behind a reverse
 * proxy that appends its peer's address, the last entry is the one the proxy saw. A client can still put any
 * value there when it talks to Next directly, which is why share-link guesses also share one global bucket.
 */
export function clientKey(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || request.headers.get("x-real-ip")?.trim() || "unknown";
}

export interface GuessLimiter {
  /** Seconds to wait before this client may present a token again; 0 when it may now. */
  retryAfter(request: Request): number;
  /** Records a failed attempt (unknown, malformed, expired or revoked token). */
  fail(request: Request): void;
  clear(): void;
}

export function createGuessLimiter(
  perClient: BucketOptions = { capacity: 10, refillPerMinute: 10 },
  overall: BucketOptions = { capacity: 300, refillPerMinute: 300 },
  clock: () => number = Date.now,
): GuessLimiter {
  const clients = new TokenBucketLimiter(perClient, clock);
  const all = new TokenBucketLimiter(overall, clock);
  return {
    retryAfter: (request) => Math.max(clients.retryAfter(clientKey(request)), all.retryAfter("*")),
    fail: (request) => {
      clients.consume(clientKey(request));
      all.consume("*");
    },
    clear: () => {
      clients.clear();
      all.clear();
    },
  };
}

// Kept on globalThis so that dev-mode module reloading keeps the counts.
const GLOBAL_KEY = "__ssprShareGuessLimiter";
type GlobalWithLimiter = typeof globalThis & { [GLOBAL_KEY]?: GuessLimiter };

/** The process-wide limiter for failed share-token attempts. */
export function shareGuessLimiter(): GuessLimiter {
  const holder = globalThis as GlobalWithLimiter;
  holder[GLOBAL_KEY] ??= createGuessLimiter();
  return holder[GLOBAL_KEY];
}

// Kept on globalThis for the same reason.
const OPEN_KEY = "__ssprShareOpenLimiter";
type GlobalWithOpenLimiter = typeof globalThis & { [OPEN_KEY]?: TokenBucketLimiter };

/**
 * Openings of one share link, keyed by the link's id: a person opens a link a few times, a script thousands.
 * Past the burst even a valid opening waits, so one link cannot be used to load the server or its counters.
 */
export function shareOpenLimiter(): TokenBucketLimiter {
  const holder = globalThis as GlobalWithOpenLimiter;
  holder[OPEN_KEY] ??= new TokenBucketLimiter({ capacity: 60, refillPerMinute: 60, maxKeys: 10_000 });
  return holder[OPEN_KEY];
}
