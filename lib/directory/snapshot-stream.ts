// Reads a snapshot as a stream: gzip or plain bytes in, users out one page at a time, so a domain of 100,000 users is
// checked in the memory of a page of users plus the domains' headers (ARCHITECTURE.md "Snapshot format"; the
// compact format /2 writes each distinct security descriptor once, in `sds`, and users refer to it by index).
//
// The file is split as it arrives (json-split.ts): each element of `domains[d].users` is parsed and validated on its
// own, naming `domains[d].users[i].<field>` when it is wrong; the rest (format, connector, `sds`, each domain's
// fields and containers) is validated once at the end by the same schema as a whole snapshot (snapshot.ts).

import { once } from "node:events";
import { Readable } from "node:stream";
import { createGunzip, createGzip } from "node:zlib";
import { domainHolding, isWithin, normalizeDn } from "./dn";
import { DirectoryError } from "./errors";
import { JsonSplitError, JsonSplitter, type JsonPath } from "./json-split";
import { type DirectoryObject, type OnPremisesUser, type StreamOptions, type UserRecord } from "./port";
import {
  checkSddl,
  invalidField,
  invalidSnapshot,
  onPremisesUserOf,
  PAGE,
  parseSnapshot,
  resolveSd,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_COMPACT,
  type Snapshot,
  SnapshotDirectory,
  type SnapshotUser,
  userRecordOf,
  userSchema,
} from "./snapshot";

/** One user as read from the stream, its `sd` resolved to SDDL. */
export interface StreamedUser {
  /** Index of its domain in `domains`. */
  domain: number;
  /** Index in that domain's `users`. */
  index: number;
  user: SnapshotUser;
}

/** What a whole read returns: the snapshot without its users (each domain's `users` is empty) and their counts. */
export interface SnapshotHeader {
  snapshot: Snapshot;
  /** Users per domain, in the order of `snapshot.domains`. */
  userCounts: number[];
}

export interface SnapshotStreamLimits {
  /** Most bytes after gunzip (a small gzip file can expand enormously). */
  maxInflatedBytes?: number;
  /** Largest single user record, in bytes. */
  maxUserBytes?: number;
  /** Largest part outside the users (domains' fields, containers, the sds table), in bytes. */
  maxHeaderBytes?: number;
  /**
   * Most values in that part. Parsed, it is held whole, and its memory follows its values: a few kB of gzip can
   * unpack to millions of empty objects. 4 million is about 50 times what a domain of 100,000 OUs needs.
   */
  maxHeaderValues?: number;
  /** The sender said the bytes are gzip (Content-Encoding or Content-Type): anything else is refused. */
  expectGzip?: boolean;
}

export const DEFAULT_LIMITS: Required<Omit<SnapshotStreamLimits, "expectGzip">> = {
  maxInflatedBytes: 4 * 1024 ** 3,
  maxUserBytes: 1024 ** 2,
  maxHeaderBytes: 256 * 1024 ** 2,
  maxHeaderValues: 4_000_000,
};

const REMEDY = "Run the evidence collector again and upload its output unchanged.";

/** Placeholder for a domain whose SID comes after its users: the SDDL's syntax is checked the same. */
const PLACEHOLDER_DOMAIN_SID = "S-1-5-21-0-0-0";
/** Distinct descriptors remembered as valid, per domain SID; most users share a handful. */
const SDDL_CACHE_SIZE = 4096;

const isUsersArray = (p: JsonPath) => p.length === 3 && p[0] === "domains" && p[2] === "users";

/** Splits the document, validating each user as it comes; `take()` hands over the users read so far. */
export class SnapshotStreamReader {
  private readonly splitter: JsonSplitter;
  private pending: StreamedUser[] = [];
  private format: string | null = null;
  private sds: string[] | null = null;
  private readonly domainSids = new Map<number, string>();
  private readonly counts: number[] = [];
  /** Per domain SID, descriptors already found valid (their sds index, or their text). */
  private readonly validSddl = new Map<string, Set<string | number>>();
  /** The first user that uses an index while the format is not yet known (an index is only valid in /2). */
  private firstIndexUser: string | null = null;

  constructor(limits: SnapshotStreamLimits = {}) {
    const { maxUserBytes, maxHeaderBytes, maxHeaderValues } = { ...DEFAULT_LIMITS, ...limits };
    this.splitter = new JsonSplitter({
      split: isUsersArray,
      onElement: (path, index, text) => this.user(path[1] as number, index, text),
      tap: (p) =>
        (p.length === 1 && (p[0] === "format" || p[0] === "sds")) ||
        (p.length === 3 && p[0] === "domains" && p[2] === "sid"),
      onValue: (path, text) => this.tapped(path, text),
      maxElementBytes: maxUserBytes,
      maxSkeletonBytes: maxHeaderBytes,
      maxSkeletonValues: maxHeaderValues,
      skeletonName: "the file apart from its users",
    });
  }

  private tapped(path: JsonPath, text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw notJson();
    }
    if (path[0] === "format") this.format = typeof value === "string" ? value : null;
    else if (path[0] === "sds") {
      // Checked as a whole at the end; here only what resolving an index needs.
      this.sds = Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : "")) : null;
    } else if (typeof value === "string") this.domainSids.set(path[1] as number, value);
  }

  private user(domain: number, index: number, text: string): void {
    const path = `domains[${domain}].users[${index}]`;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw notJson(path);
    }
    let sdIndex: number | null = null;
    if (typeof raw === "object" && raw !== null && typeof (raw as { sd?: unknown }).sd === "number") {
      sdIndex = (raw as { sd: number }).sd;
      if (this.format === SNAPSHOT_FORMAT)
        throw invalidField(`${path}.sd`, "must be SDDL text (an index needs format /2)");
      if (this.format === null) this.firstIndexUser ??= `${path}.sd`;
      (raw as { sd?: unknown }).sd = resolveSd((raw as { sd: unknown }).sd, this.sds, `${path}.sd`);
    }
    const parsed = userSchema.safeParse(raw);
    if (!parsed.success) throw invalidSnapshot(parsed.error.issues, ["domains", domain, "users", index]);
    const user = parsed.data;
    if (user.sd !== null) {
      const sid = this.domainSids.get(domain) ?? PLACEHOLDER_DOMAIN_SID;
      // By index in the compact format (no hashing of a long string), by the text itself otherwise.
      const key = sdIndex ?? user.sd;
      let valid = this.validSddl.get(sid);
      if (!valid) this.validSddl.set(sid, (valid = new Set()));
      if (!valid.has(key)) {
        checkSddl(user.sd, sid, `${path}.sd`);
        if (valid.size >= SDDL_CACHE_SIZE) valid.clear();
        valid.add(key);
      }
    }
    this.counts[domain] = index + 1;
    this.pending.push({ domain, index, user });
  }

  /** Feeds bytes (already inflated). */
  write(chunk: Uint8Array): void {
    try {
      this.splitter.write(chunk);
    } catch (error) {
      throw asSnapshotError(error);
    }
  }

  /** The users completed since the last call. */
  take(): StreamedUser[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Ends the document: validates everything but the users and returns it. */
  end(): SnapshotHeader {
    let skeleton: string;
    try {
      skeleton = this.splitter.end();
    } catch (error) {
      throw asSnapshotError(error);
    }
    let value: unknown;
    try {
      value = JSON.parse(skeleton);
    } catch {
      throw notJson();
    }
    const snapshot = parseSnapshot(value);
    if (snapshot.format === SNAPSHOT_FORMAT && this.firstIndexUser)
      throw invalidField(this.firstIndexUser, "must be SDDL text (an index needs format /2)");
    return { snapshot, userCounts: snapshot.domains.map((_, d) => this.counts[d] ?? 0) };
  }
}

function notJson(path?: string): DirectoryError {
  return new DirectoryError(
    "snapshot-invalid",
    path ? `The snapshot is not valid JSON (in ${path}).` : "The snapshot is not valid JSON.",
    "Upload the file the collector wrote (.json or .json.gz; PowerShell may add a byte-order mark, that is fine).",
    path ? [path] : [],
  );
}

function asSnapshotError(error: unknown): unknown {
  if (error instanceof JsonSplitError)
    return new DirectoryError(
      "snapshot-invalid",
      `${error.kind === "limit" ? "The snapshot cannot be read" : "The snapshot is not valid JSON"}: ${error.message} (at byte ${error.offset.toLocaleString("en-US")}).`,
      REMEDY,
    );
  if (error instanceof TypeError && /encoded data|decode/i.test(error.message))
    return new DirectoryError("snapshot-invalid", "The snapshot is not valid UTF-8 text.", REMEDY);
  return error;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The bytes of a snapshot file as sent: gzip is recognised by its magic bytes (a `.json.gz` file or a body sent with
 * `Content-Encoding: gzip`) and inflated as it streams; anything else is passed through. Bad gzip is a
 * DirectoryError, and so is more than `maxInflatedBytes` after inflating.
 */
export async function* inflated(
  source: AsyncIterable<Uint8Array>,
  limits: SnapshotStreamLimits = {},
): AsyncGenerator<Uint8Array> {
  const max = limits.maxInflatedBytes ?? DEFAULT_LIMITS.maxInflatedBytes;
  const iterator = source[Symbol.asyncIterator]();
  // Enough bytes to tell gzip from JSON.
  const head: Uint8Array[] = [];
  let headSize = 0;
  while (headSize < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    headSize += next.value.byteLength;
  }
  const first = Buffer.concat(head);
  const rest = {
    [Symbol.asyncIterator]: () => iterator,
  };
  if (first[0] !== GZIP_MAGIC[0] || first[1] !== GZIP_MAGIC[1]) {
    if (limits.expectGzip)
      throw new DirectoryError(
        "snapshot-invalid",
        "The snapshot was sent as gzip but is not gzip.",
        "Upload the .json.gz file the collector wrote, unchanged, or send the plain .json as application/json.",
      );
    let total = first.byteLength;
    if (total > max) throw tooLarge(max);
    if (first.byteLength > 0) yield first;
    for await (const chunk of rest) {
      total += chunk.byteLength;
      if (total > max) throw tooLarge(max);
      yield chunk;
    }
    return;
  }
  const input = Readable.from(
    (async function* () {
      yield first;
      yield* rest;
    })(),
    { objectMode: false },
  );
  const gunzip = createGunzip();
  input.on("error", (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > max) throw tooLarge(max);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof DirectoryError) throw error;
    if (isZlibError(error))
      throw new DirectoryError(
        "snapshot-invalid",
        "The snapshot is not valid gzip (the file is cut short or damaged).",
        "Upload the .json.gz file the collector wrote, unchanged, or the plain .json.",
      );
    throw error;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("Z_") || code === "ERR_ZLIB_INITIALIZATION_FAILED");
}

function tooLarge(max: number): DirectoryError {
  return new DirectoryError(
    "snapshot-invalid",
    `The snapshot is larger than ${max.toLocaleString("en-US")} bytes once unpacked.`,
    "Collect a smaller scope (one domain or a few OUs at a time) and upload each.",
  );
}

/**
 * Streams the users of a snapshot file (gzip or plain) in batches as they are read, validating each; returns the
 * header once the file ends. A refusal throws DirectoryError("snapshot-invalid") naming the field.
 */
export async function* streamSnapshotUsers(
  source: AsyncIterable<Uint8Array>,
  limits: SnapshotStreamLimits = {},
): AsyncGenerator<StreamedUser[], SnapshotHeader> {
  const reader = new SnapshotStreamReader(limits);
  for await (const chunk of inflated(source, limits)) {
    reader.write(chunk);
    const users = reader.take();
    if (users.length > 0) yield users;
  }
  return reader.end();
}

/** Reads a whole snapshot file to its end, handing each batch of users to `onUsers`; returns the header. */
export async function readSnapshotStream(
  source: AsyncIterable<Uint8Array>,
  onUsers: (users: StreamedUser[]) => void | Promise<void> = () => undefined,
  limits: SnapshotStreamLimits = {},
): Promise<SnapshotHeader> {
  const stream = streamSnapshotUsers(source, limits);
  for (;;) {
    const next = await stream.next();
    if (next.done) return next.value;
    await onUsers(next.value);
  }
}

/** A buffer (or several) as the async source the readers take. */
export async function* bytesOf(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  // In slices, as a stream would deliver them, so a large buffer is not copied whole by what reads it.
  const SLICE = 1 << 16;
  for (const part of parts)
    for (let i = 0; i < part.byteLength; i += SLICE)
      yield part.subarray(i, Math.min(i + SLICE, part.byteLength));
}

/**
 * A snapshot in the compact format /2: each distinct descriptor once in `sds`, every `sd` an index into it. The
 * collector writes this form; the wizard uses it for tests and benchmarks.
 */
export function toCompact(snapshot: Snapshot): Record<string, unknown> {
  const sds: string[] = [];
  const index = new Map<string, number>();
  const ref = (sd: string | null | undefined): number | null => {
    if (sd === null || sd === undefined) return null;
    let n = index.get(sd);
    if (n === undefined) {
      n = sds.length;
      sds.push(sd);
      index.set(sd, n);
    }
    return n;
  };
  const domains = snapshot.domains.map((d) => ({
    ...d,
    sd: ref(d.sd),
    samServer: d.samServer ? { ...d.samServer, sd: ref(d.samServer.sd) } : d.samServer,
    containers: d.containers.map((c) => ({ ...c, sd: ref(c.sd) })),
    users: d.users.map((u) => ({ ...u, sd: ref(u.sd) })),
  }));
  // `sds` comes before `domains`: a reader resolves each user's index as the user arrives.
  const { domains: _domains, ...rest } = snapshot;
  return { ...rest, format: SNAPSHOT_FORMAT_COMPACT, sds, domains };
}

/**
 * Checks a snapshot file as it streams (gzip or plain) and packs it for storage: the result is the header and the
 * whole file gzipped, so what is kept is a fraction of what was sent and the users can be streamed again from it.
 * Nothing is returned for a file that is refused (the DirectoryError names the field).
 */
export async function checkAndPack(
  source: AsyncIterable<Uint8Array>,
  limits: SnapshotStreamLimits = {},
): Promise<{ header: SnapshotHeader; packed: Buffer }> {
  const reader = new SnapshotStreamReader(limits);
  const gzip = createGzip({ level: 6 });
  const packed: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => packed.push(chunk));
  const ended = once(gzip, "end");
  try {
    for await (const chunk of inflated(source, limits)) {
      reader.write(chunk);
      reader.take();
      if (!gzip.write(chunk)) await once(gzip, "drain");
    }
    const header = reader.end();
    gzip.end();
    await ended;
    return { header, packed: Buffer.concat(packed) };
  } finally {
    gzip.destroy();
  }
}

/**
 * The Directory port over a stored snapshot, reading its users from the file each time they are asked for, page by
 * page: the domains, containers and connector come from the header, which is small.
 */
export class StreamedSnapshotDirectory extends SnapshotDirectory {
  constructor(
    private readonly header: SnapshotHeader,
    /** Opens the stored file (gzip or plain) from its start. */
    private readonly open: () => AsyncIterable<Uint8Array>,
  ) {
    super(header.snapshot);
  }

  /** Every user of the domain with index `domain` (all domains when null), in file order. */
  private async *all(domain: number | null): AsyncGenerator<StreamedUser[]> {
    for await (const batch of streamSnapshotUsers(this.open()))
      yield domain === null ? batch : batch.filter((u) => u.domain === domain);
  }

  async *users(base: string, options: StreamOptions = {}): AsyncIterable<UserRecord[]> {
    const domain = domainHolding(base, this.snapshot.domains);
    if (!domain) return;
    const d = this.snapshot.domains.indexOf(domain);
    // The count is known for a whole domain; for an OU only as the users are read.
    const total = normalizeDn(base) === normalizeDn(domain.dn) ? (this.header.userCounts[d] ?? null) : null;
    let page: UserRecord[] = [];
    let scanned = 0;
    for await (const batch of this.all(d)) {
      for (const { user } of batch) {
        if (!isWithin(user.dn, base)) continue;
        page.push(userRecordOf(user));
        if (page.length === PAGE) {
          scanned += page.length;
          options.onProgress?.({ phase: "users", scanned, total });
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) {
      scanned += page.length;
      options.onProgress?.({ phase: "users", scanned, total });
      yield page;
    }
  }

  async readObject(target: string): Promise<DirectoryObject | null> {
    const found = await super.readObject(target);
    if (found) return found;
    const key = normalizeDn(target);
    for await (const batch of this.all(null))
      for (const { user } of batch)
        if (normalizeDn(user.dn) === key) return { dn: user.dn, sd: user.sd, objectClass: user.objectClass };
    return null;
  }

  async findUserBySid(wanted: string): Promise<OnPremisesUser | null> {
    const key = wanted.trim().toUpperCase();
    for await (const batch of this.all(null))
      for (const { user } of batch) if (user.sid?.toUpperCase() === key) return onPremisesUserOf(user);
    return null;
  }
}
