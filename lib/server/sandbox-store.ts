import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";
import { type DirectoryWriter } from "@/lib/directory/writer";
import { DirectoryError } from "@/lib/directory/errors";
import { type SandboxDirectory } from "@/lib/sandbox/directory";
import {
  connectJson,
  directoryJson,
  joinWorld,
  newSandboxWorld,
  type SandboxWorld,
  tenantJson,
  worldFromJson,
} from "@/lib/sandbox/world";
import { ApiError } from "./api-error";
import { getDatabase } from "./db";
import { env } from "./env";
import { sessionSecret } from "./session";

// A sandbox run's simulated tenant, directory and Connect server live in the database, one row per run (table
// sandbox_state), so that every instance on one PostgreSQL serves the same world and a restart keeps it. A world
// exists only for a sandbox run that exists: the simulator's bearer names the run and carries an HMAC of it, and an
// unknown or forged bearer is refused before anything is made. Writes are optimistic (the row's version); within one
// process the calls for one run take turns, so that a retry never replays half of another request's change.

const PREFIX = "sbx1";

function mac(runId: string): Buffer {
  return createHmac("sha256", sessionSecret()).update(`sandbox-tenant:run:${runId}`).digest();
}

/**
 * The bearer the wizard's own Graph client presents to the sandbox simulator for a run: the run id and an HMAC of
 * it under the server's key, so knowing a run id (it is in every share link's target) is not enough to reach it.
 */
export function sandboxBearer(runId: string): string {
  return `${PREFIX}.${runId}.${mac(runId).toString("base64url")}`;
}

/**
 * The bearer for a Graph call made now: inside a sandbox session of the run (withSandboxSession), it also names
 * the session, so that the simulator serves the call from the world the session already holds.
 */
export function currentSandboxBearer(runId: string): string {
  const session = sessionContext().getStore();
  return session && session.open && session.runId === runId
    ? `${sandboxBearer(runId)}.${session.id}`
    : sandboxBearer(runId);
}

/**
 * The run a sandbox bearer stands for, and the session it names (null: none), or null when it is not one this
 * server (or a sibling instance) made.
 */
export function readSandboxBearer(token: string): { runId: string; session: string | null } | null {
  const [prefix, runId, signature, session, extra] = token.split(".");
  if (prefix !== PREFIX || !runId || !signature || extra !== undefined) return null;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId)) return null;
  if (session !== undefined && !/^[A-Za-z0-9_-]{22}$/.test(session)) return null;
  const given = Buffer.from(signature, "base64url");
  const expected = mac(runId);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { runId, session: session ?? null };
}

/** The run a sandbox bearer stands for, or null when it is not one this server (or a sibling instance) made. */
export function runIdOfSandboxBearer(token: string): string | null {
  return readSandboxBearer(token)?.runId ?? null;
}

/** The sandbox world of a run that is not a sandbox run (or does not exist): nothing to serve. */
export class NoSandboxRunError extends ApiError {
  constructor() {
    super("not-found", "There is no sandbox run with this id.");
  }
}

interface Loaded {
  world: SandboxWorld;
  /** 0: not stored yet. */
  version: number;
  /** The stored text, to tell whether a call changed anything; null when not stored yet. */
  json: string | null;
  /**
   * The stored text's two parts, once known, and which directory at which revision the directory part is: a call
   * that left the directory alone (most simulator requests) then costs serialising the small tenant part only.
   */
  parts?: {
    tenant: string;
    connect: string;
    directory: string;
    directoryRef: SandboxDirectory;
    revision: number;
  };
}

// A few recently used worlds, by run: a version check (one small query) saves parsing the stored text again.
// Bounded, and only ever filled from runs that exist, so memory does not grow with requests.
const CACHE_KEY = Symbol.for("sspr-wizard.sandbox-world-cache");
const TURNS_KEY = Symbol.for("sspr-wizard.sandbox-world-turns");
const SESSIONS_KEY = Symbol.for("sspr-wizard.sandbox-world-sessions");
const CONTEXT_KEY = Symbol.for("sspr-wizard.sandbox-world-session-context");
type Holder = Record<symbol, unknown>;

/**
 * One request's hold on a run's world (a verify call: its directory reads, its Graph calls to the simulator and
 * the on-premises lookup), so that the world is loaded once and stored at most once for the whole request.
 */
interface Session {
  /** Random, named by the bearer of the session's Graph calls; known to this process only. */
  id: string;
  runId: string;
  loaded: Loaded;
  open: boolean;
  /** A change failed part way: the world may be half changed, and is not stored. */
  broken: boolean;
  /** The session's changes take turns, as the calls of one run do outside a session. */
  chain: Promise<unknown>;
}

function sessions(): Map<string, Session> {
  const holder = globalThis as unknown as Holder;
  return (holder[SESSIONS_KEY] ??= new Map<string, Session>()) as Map<string, Session>;
}

function sessionContext(): AsyncLocalStorage<Session> {
  const holder = globalThis as unknown as Holder;
  return (holder[CONTEXT_KEY] ??= new AsyncLocalStorage<Session>()) as AsyncLocalStorage<Session>;
}

function cache(): LRUCache<string, Loaded> {
  const holder = globalThis as unknown as Holder;
  return (holder[CACHE_KEY] ??= new LRUCache<string, Loaded>({ max: 64 })) as LRUCache<string, Loaded>;
}

function turns(): Map<string, Promise<unknown>> {
  const holder = globalThis as unknown as Holder;
  return (holder[TURNS_KEY] ??= new Map<string, Promise<unknown>>()) as Map<string, Promise<unknown>>;
}

/** Runs `task` after every earlier task of the same run in this process. */
async function inTurn<T>(runId: string, task: () => Promise<T>): Promise<T> {
  const queue = turns();
  const before = queue.get(runId) ?? Promise.resolve();
  const mine = before.then(task, task);
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  queue.set(runId, settled);
  try {
    return await mine;
  } finally {
    if (queue.get(runId) === settled) queue.delete(runId);
  }
}

async function database() {
  return (await getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE })).db;
}

async function load(runId: string): Promise<Loaded> {
  const db = await database();
  const head = await db
    .selectFrom("sandbox_state")
    .select("version")
    .where("run_id", "=", runId)
    .executeTakeFirst();
  if (head) {
    const cached = cache().get(runId);
    if (cached && cached.version === head.version) return cached;
    const row = await db
      .selectFrom("sandbox_state")
      .select(["body", "version"])
      .where("run_id", "=", runId)
      .executeTakeFirst();
    const world = row ? worldFromJson(row.body) : null;
    if (row && world) return { world, version: row.version, json: row.body };
    if (row) return { world: await fresh(runId), version: row.version, json: row.body };
  }
  return { world: await fresh(runId), version: 0, json: null };
}

/** The world a sandbox run starts with, or NoSandboxRunError when there is no such sandbox run. */
async function fresh(runId: string): Promise<SandboxWorld> {
  const run = await (
    await database()
  )
    .selectFrom("runs")
    .select(["flow", "mode"])
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!run || run.mode !== "sandbox") throw new NoSandboxRunError();
  return newSandboxWorld({
    flow: run.flow === "cleanup" ? "cleanup" : "enable",
    auditDelayMs: env().SANDBOX_AUDIT_DELAY_SECONDS * 1000,
  });
}

/** Stores `loaded.world` if it changed; false when another instance stored a newer version first. */
async function save(runId: string, loaded: Loaded): Promise<boolean> {
  const { world } = loaded;
  const known = loaded.parts;
  const tenant = tenantJson(world);
  const connect = connectJson(world);
  const sameDirectory =
    known !== undefined &&
    known.directoryRef === world.directory &&
    known.revision === world.directory.revision;
  if (sameDirectory && tenant === known.tenant && connect === known.connect) {
    cache().set(runId, loaded);
    return true;
  }
  const directory = sameDirectory ? known.directory : directoryJson(world);
  const parts = {
    tenant,
    connect,
    directory,
    directoryRef: world.directory,
    revision: world.directory.revision,
  };
  const json = joinWorld(tenant, directory, connect);
  if (json === loaded.json) {
    cache().set(runId, { ...loaded, parts });
    return true;
  }
  const db = await database();
  const at = new Date().toISOString();
  const stored =
    loaded.version === 0
      ? (
          await db
            .insertInto("sandbox_state")
            .values({ run_id: runId, body: json, version: 1, updated_at: at })
            .onConflict((oc) => oc.column("run_id").doNothing())
            .executeTakeFirst()
        ).numInsertedOrUpdatedRows === 1n
      : (
          await db
            .updateTable("sandbox_state")
            .set({ body: json, version: loaded.version + 1, updated_at: at })
            .where("run_id", "=", runId)
            .where("version", "=", loaded.version)
            .executeTakeFirst()
        ).numUpdatedRows === 1n;
  if (!stored) {
    cache().delete(runId);
    return false;
  }
  cache().set(runId, { world, version: loaded.version + 1, json, parts });
  return true;
}

const ATTEMPTS = 5;

/**
 * Runs `change` on the run's world and stores what it changed. A sibling instance storing first makes it run again
 * on the newer world (so `change` must do its work on the world it is given, nothing else). NoSandboxRunError
 * when the run does not exist or is not a sandbox run: nothing is made for it.
 */
export function withSandboxWorld<T>(
  runId: string,
  change: (world: SandboxWorld) => T | Promise<T>,
): Promise<T> {
  // Within a session of this run (the same request), its world: loading it here would wait for the session's turn.
  const session = sessionContext().getStore();
  if (session && session.open && session.runId === runId) return inSession(session, change);
  return inTurn(runId, async () => {
    for (let attempt = 1; ; attempt++) {
      const loaded = await load(runId);
      let result: T;
      try {
        result = await change(loaded.world);
      } catch (error) {
        // The world may be half changed: forget it, the stored one is still whole.
        cache().delete(runId);
        throw error;
      }
      if (await save(runId, loaded)) return result;
      if (attempt >= ATTEMPTS)
        throw new ApiError("conflict", "The sandbox changed on another server meanwhile. Try again.");
    }
  });
}

/** Runs `change` on the session's world, after the session's earlier changes. */
function inSession<T>(session: Session, change: (world: SandboxWorld) => T | Promise<T>): Promise<T> {
  const mine = session.chain.then(async () => {
    try {
      return await change(session.loaded.world);
    } catch (error) {
      session.broken = true;
      throw error;
    }
  });
  session.chain = mine.catch(() => undefined);
  return mine;
}

/**
 * Runs `task` (one request, e.g. a verify call) with the run's world loaded once: the sandbox calls it makes for
 * the run — withSandboxWorld in this process, and the simulator's Graph calls whose bearer is
 * currentSandboxBearer(runId) — use that world, and what they changed is stored once, when the task ends (also
 * when it throws: the simulator's answers have been given). A sibling instance storing first makes the whole task
 * run again on the newer world, as withSandboxWorld does with one change; a change that failed part way leaves the
 * stored world as it was. The run's other sandbox calls in this process wait until the task ends.
 */
export function withSandboxSession<T>(runId: string, task: () => Promise<T>): Promise<T> {
  return inTurn(runId, async () => {
    for (let attempt = 1; ; attempt++) {
      const loaded = await load(runId);
      const session: Session = {
        id: randomBytes(16).toString("base64url"),
        runId,
        loaded,
        open: true,
        broken: false,
        chain: Promise.resolve(),
      };
      sessions().set(session.id, session);
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await sessionContext().run(session, task) };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        session.open = false;
        sessions().delete(session.id);
      }
      // A change still under way (a Graph call the task stopped waiting for) finishes before the world is stored.
      await session.chain;
      if (session.broken) {
        cache().delete(runId);
      } else if (!(await save(runId, loaded))) {
        if (attempt >= ATTEMPTS)
          throw new ApiError("conflict", "The sandbox changed on another server meanwhile. Try again.");
        continue;
      }
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    }
  });
}

/**
 * Runs `change` on the world of the open session a simulator call names (its bearer's session part), or null when
 * this process has no such session for the run (closed, or another instance's): the caller then loads the world.
 */
export function inNamedSession<T>(
  runId: string,
  sessionId: string,
  change: (world: SandboxWorld) => T | Promise<T>,
): Promise<T> | null {
  const session = sessions().get(sessionId);
  return session && session.open && session.runId === runId ? inSession(session, change) : null;
}

/** Starts the run's world again (its flow's tenant and the built-in directory). */
export function resetSandboxWorld(runId: string): Promise<SandboxWorld> {
  return inTurn(runId, async () => {
    for (let attempt = 1; ; attempt++) {
      const loaded = await load(runId);
      const world = await fresh(runId);
      if (await save(runId, { ...loaded, world, parts: undefined })) return world;
      if (attempt >= ATTEMPTS)
        throw new ApiError("conflict", "The sandbox changed on another server meanwhile. Try again.");
    }
  });
}

/**
 * A writer over the run's sandbox directory for one fix: the changes are made on a copy of the world and stored
 * when the fix completes (nothing is stored when it does not). The run's other sandbox calls in this process wait
 * until the writer closes; a sibling instance that stored first makes the fix fail with a conflict, unchanged.
 */
export async function openSandboxWriter(runId: string): Promise<DirectoryWriter> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let ready!: (loaded: Loaded) => void;
  let failed!: (error: unknown) => void;
  const loading = new Promise<Loaded>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  void inTurn(runId, async () => {
    try {
      const loaded = await load(runId);
      // A private copy: the cached world must not see changes that may yet be undone.
      const copy = loaded.json ? worldFromJson(loaded.json) : null;
      ready({ ...loaded, world: copy ?? (await fresh(runId)), parts: undefined });
    } catch (error) {
      failed(error);
      return;
    }
    await held;
  });
  let loaded: Loaded;
  try {
    loaded = await loading;
  } catch (error) {
    release();
    throw error;
  }
  const writer = loaded.world.directory.writer();
  return {
    ...writer,
    close: async (completed) => {
      try {
        await writer.close(completed);
        if (completed && !(await save(runId, loaded))) {
          throw new DirectoryError(
            "conflict",
            "The sandbox directory changed on another server while the fix was applied; nothing was changed.",
            "Review the new preview and apply again.",
          );
        }
      } finally {
        release();
      }
    },
  };
}
