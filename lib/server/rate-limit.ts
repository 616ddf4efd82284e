import "server-only";
import { type Kysely, sql } from "kysely";
import { LRUCache } from "lru-cache";
import { clientKey } from "./client-address";
import { type Database } from "./db/schema";

// Token buckets. On PostgreSQL they live in the database (table rate_limits), so that every instance behind a load
// balancer counts against the same buckets; on SQLite, whose file one process owns, in this process's memory.
// Two limits guard share links: failed attempts per client (a guesser), and openings per link (someone replaying a
// valid link). Neither is global, so one client cannot make every link fail for everyone.

export { clientKey } from "./client-address";

export interface BucketOptions {
  /** Most attempts in a burst. */
  capacity: number;
  /** Attempts regained per minute. */
  refillPerMinute: number;
  /** Keys remembered at most (memory store); the least recently touched are forgotten first. */
  maxKeys?: number;
}

export interface Bucket extends BucketOptions {
  /** Names the limit; keys of different buckets never meet. */
  name: string;
}

/** Failed share-token attempts of one client. */
export const SHARE_GUESS_BUCKET: Bucket = { name: "share-guess", capacity: 10, refillPerMinute: 10 };
/** Openings of one share link (valid ones: each is recorded in the run's history). */
export const LINK_OPEN_BUCKET: Bucket = { name: "link-open", capacity: 30, refillPerMinute: 30 };

interface Tokens {
  tokens: number;
  at: number;
}

function refilled(stored: Tokens | undefined, options: BucketOptions, now: number): number {
  if (!stored) return options.capacity;
  const regained = (Math.max(0, now - stored.at) / 60_000) * options.refillPerMinute;
  return Math.min(options.capacity, stored.tokens + regained);
}

function waitFor(tokens: number, options: BucketOptions): number {
  return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 60) / options.refillPerMinute);
}

export class TokenBucketLimiter {
  // Only the size is capped; a bucket needs no expiry, since its refill is computed from when it was last used.
  private readonly buckets: LRUCache<string, Tokens>;

  constructor(
    private readonly options: BucketOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.buckets = new LRUCache({ max: options.maxKeys ?? 10_000 });
  }

  /** Seconds until `key` may try again; 0 when it may try now. Does not consume. */
  retryAfter(key: string): number {
    // peek: asking how long to wait is not a use, only consuming an attempt is.
    return waitFor(refilled(this.buckets.peek(key), this.options, this.clock()), this.options);
  }

  /** Uses one attempt of `key` if it has one: 0, else the seconds to wait (and nothing is used). */
  take(key: string): number {
    const now = this.clock();
    const tokens = refilled(this.buckets.peek(key), this.options, now);
    const wait = waitFor(tokens, this.options);
    this.buckets.set(key, { tokens: wait === 0 ? tokens - 1 : tokens, at: now });
    return wait;
  }

  /** Uses one attempt of `key` (none left: stays empty). */
  consume(key: string): void {
    this.take(key);
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.buckets.clear();
  }
}

/** Where buckets are kept. */
export interface RateLimitStore {
  /** Seconds until `key` may use an attempt of `bucket`; 0 when it may now. Uses nothing. */
  retryAfter(bucket: Bucket, key: string): Promise<number>;
  /** Uses one attempt when there is one (0), else answers the seconds to wait and uses nothing. Atomic. */
  take(bucket: Bucket, key: string): Promise<number>;
  clear(): Promise<void>;
}

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly limiters = new Map<string, TokenBucketLimiter>();

  constructor(private readonly clock: () => number = Date.now) {}

  private limiter(bucket: Bucket): TokenBucketLimiter {
    let limiter = this.limiters.get(bucket.name);
    if (!limiter) this.limiters.set(bucket.name, (limiter = new TokenBucketLimiter(bucket, this.clock)));
    return limiter;
  }

  async retryAfter(bucket: Bucket, key: string): Promise<number> {
    return this.limiter(bucket).retryAfter(key);
  }

  async take(bucket: Bucket, key: string): Promise<number> {
    return this.limiter(bucket).take(key);
  }

  async clear(): Promise<void> {
    this.limiters.clear();
  }
}

/** Rows untouched this long are full again whatever they held, and are deleted now and then. */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * Buckets in the database: one row per (bucket, key), read and written under a row lock in one transaction, so
 * that two instances taking the last attempt at once cannot both get it.
 */
export class DatabaseRateLimitStore implements RateLimitStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: "sqlite" | "postgres" = "postgres",
    private readonly clock: () => number = Date.now,
  ) {}

  async retryAfter(bucket: Bucket, key: string): Promise<number> {
    const row = await this.db
      .selectFrom("rate_limits")
      .select(["tokens", "at_ms"])
      .where("bucket", "=", bucket.name)
      .where("key", "=", key)
      .executeTakeFirst();
    const stored = row ? { tokens: Number(row.tokens), at: Number(row.at_ms) } : undefined;
    return waitFor(refilled(stored, bucket, this.clock()), bucket);
  }

  async take(bucket: Bucket, key: string): Promise<number> {
    const now = this.clock();
    const wait = await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("rate_limits")
        .values({ bucket: bucket.name, key, tokens: bucket.capacity, at_ms: now })
        .onConflict((oc) => oc.columns(["bucket", "key"]).doNothing())
        .execute();
      let select = trx
        .selectFrom("rate_limits")
        .select(["tokens", "at_ms"])
        .where("bucket", "=", bucket.name)
        .where("key", "=", key);
      if (this.dialect === "postgres") select = select.forUpdate();
      const row = await select.executeTakeFirstOrThrow();
      const tokens = refilled({ tokens: Number(row.tokens), at: Number(row.at_ms) }, bucket, now);
      const wait = waitFor(tokens, bucket);
      await trx
        .updateTable("rate_limits")
        .set({ tokens: wait === 0 ? tokens - 1 : tokens, at_ms: Math.max(now, Number(row.at_ms)) })
        .where("bucket", "=", bucket.name)
        .where("key", "=", key)
        .execute();
      return wait;
    });
    // Now and then, forget buckets nobody touched for an hour (they would be full again anyway).
    if (Math.random() < 0.01) {
      await this.db
        .deleteFrom("rate_limits")
        .where("at_ms", "<", now - FORGET_AFTER_MS)
        .execute();
    }
    return wait;
  }

  async clear(): Promise<void> {
    await sql`delete from rate_limits`.execute(this.db);
  }
}

// Kept on globalThis so that dev-mode module reloading keeps the counts.
const GLOBAL_KEY = "__ssprRateLimitStore";
type GlobalWithStore = typeof globalThis & { [GLOBAL_KEY]?: Promise<RateLimitStore> };

/** The process's store: the database on PostgreSQL (shared by every instance), memory on SQLite. */
export function rateLimitStore(): Promise<RateLimitStore> {
  const holder = globalThis as GlobalWithStore;
  const existing = holder[GLOBAL_KEY];
  if (existing) return existing;
  const opening = import("./db").then(async ({ getDatabase }) => {
    const { db, dialect } = await getDatabase();
    return dialect === "postgres" ? new DatabaseRateLimitStore(db, dialect) : new MemoryRateLimitStore();
  });
  holder[GLOBAL_KEY] = opening;
  opening.catch(() => {
    if (holder[GLOBAL_KEY] === opening) delete holder[GLOBAL_KEY];
  });
  return opening;
}

export interface GuessLimiter {
  /** Seconds to wait before this client may present a token again; 0 when it may now. */
  retryAfter(request: Request): Promise<number>;
  /** Records a failed attempt (unknown, malformed, expired or revoked token). */
  fail(request: Request): Promise<void>;
  /** Uses one opening of a valid link: 0, or the seconds until the link may be opened again. */
  open(linkId: string): Promise<number>;
  clear(): Promise<void>;
}

export function createGuessLimiter(
  store: RateLimitStore | (() => Promise<RateLimitStore>) = rateLimitStore,
  buckets: { guess: Bucket; open: Bucket } = { guess: SHARE_GUESS_BUCKET, open: LINK_OPEN_BUCKET },
): GuessLimiter {
  const get = typeof store === "function" ? store : async () => store;
  return {
    retryAfter: async (request) => (await get()).retryAfter(buckets.guess, clientKey(request)),
    fail: async (request) => void (await (await get()).take(buckets.guess, clientKey(request))),
    open: async (linkId) => (await get()).take(buckets.open, linkId),
    clear: async () => (await get()).clear(),
  };
}

const LIMITER_KEY = "__ssprShareGuessLimiter";
type GlobalWithLimiter = typeof globalThis & { [LIMITER_KEY]?: GuessLimiter };

/** The limiter for share-token attempts and link openings, over the process's store. */
export function shareGuessLimiter(): GuessLimiter {
  const holder = globalThis as GlobalWithLimiter;
  holder[LIMITER_KEY] ??= createGuessLimiter();
  return holder[LIMITER_KEY];
}
