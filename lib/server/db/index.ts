import "server-only";

import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { Pool } from "pg";
import { env } from "../env";
import { type DatabaseDialect, migrateToLatest } from "./migrations";
import { type Database } from "./schema";

export type { DatabaseDialect } from "./migrations";

export interface DatabaseConfig {
  /** `postgres://` or `postgresql://` selects PostgreSQL; unset or empty selects SQLite. */
  url?: string;
  /** SQLite file; ignored for PostgreSQL. */
  file?: string;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DatabaseDialect;
  /** Closes the pool or file. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_DATABASE_FILE = "./data/wizard.db";

/** SQLite waits this long for another process's write lock before giving up with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

export class DatabaseConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseConfigError";
  }
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/**
 * Opens the database and brings its schema up to date before returning.
 * A non-empty `url` that is not a PostgreSQL URL is rejected rather than silently falling back to a local
 * SQLite file: an operator who mistypes DATABASE_URL on a multi-instance deployment would otherwise get one
 * private database per instance.
 */
export async function createDatabase(config: DatabaseConfig = {}): Promise<DatabaseHandle> {
  const url = config.url?.trim() ?? "";
  if (url !== "" && !isPostgresUrl(url)) {
    throw new DatabaseConfigError(
      "DATABASE_URL must start with postgres:// or postgresql:// (leave it unset to use SQLite).",
    );
  }
  const dialect: DatabaseDialect = url === "" ? "sqlite" : "postgres";
  const db =
    dialect === "postgres"
      ? openPostgres(url)
      : await openSqlite(config.file?.trim() || DEFAULT_DATABASE_FILE);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= db.destroy());

  try {
    await migrateToLatest(db, dialect);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, dialect, close };
}

function openPostgres(connectionString: string): Kysely<Database> {
  const pool = new Pool({ connectionString });
  // An idle client losing its connection emits `error` on the pool; unhandled, that kills the process.
  // The pool discards the client and the next query reconnects. The message can name the host, never the password.
  pool.on("error", (error) => {
    console.error(`PostgreSQL idle client error: ${error.message}`);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function openSqlite(file: string): Promise<Kysely<Database>> {
  if (file !== ":memory:") {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    ownerOnly(file);
  }
  const database = new SQLite(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    // Pragmas are per connection; Kysely's SQLite driver keeps this one connection for its lifetime.
    // synchronous=FULL: a committed run survives power loss (NORMAL may lose the last commits in WAL mode).
    // foreign_keys is off by default in SQLite.
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma("synchronous = FULL");
    database.pragma("foreign_keys = ON");
    // WAL: readers never block the writer. Switching a new file to WAL needs an exclusive lock, and SQLite
    // answers SQLITE_BUSY at once (no busy handler) when another process is opening the same new file,
    // so wait for it here. The mode is stored in the file: once set, later opens find it already set.
    const mode = await retryWhileBusy(() => database.pragma("journal_mode = WAL", { simple: true }));
    if (file !== ":memory:" && mode !== "wal") {
      throw new Error(`SQLite refused WAL journal mode for ${file} (got ${String(mode)}).`);
    }
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

/**
 * The database holds directory snapshots and runs: readable by the wizard's own user only. SQLite creates the -wal
 * and -shm files with the database file's permissions, so creating (or tightening) that file first covers them;
 * the existing ones of an older install are tightened too.
 */
function ownerOnly(file: string): void {
  // The path is the operator's DATABASE_URL, known only at run time: the comments keep Turbopack from tracing the
  // whole project into the build for it.
  if (!existsSync(/*turbopackIgnore: true*/ file))
    closeSync(openSync(/*turbopackIgnore: true*/ file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(/*turbopackIgnore: true*/ path)) chmodSync(/*turbopackIgnore: true*/ path, 0o600);
    } catch {
      // A file owned by another user (a read-only mount, say) keeps its mode; opening it says what is wrong.
    }
  }
}

async function retryWhileBusy<T>(attempt: () => T): Promise<T> {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return attempt();
    } catch (error) {
      const busy = error instanceof SQLite.SqliteError && error.code.startsWith("SQLITE_BUSY");
      if (!busy || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
  }
}

// Kept on globalThis so that Next.js dev-mode module reloading does not open a new pool per edit.
const GLOBAL_KEY = "__ssprWizardDatabase";
type GlobalWithDatabase = typeof globalThis & { [GLOBAL_KEY]?: Promise<DatabaseHandle> };

/**
 * The process-wide database. The first call decides the configuration: `config` if given, else DATABASE_URL /
 * DATABASE_FILE as the env module parsed them. A failed open is not cached, so a later call retries.
 */
export function getDatabase(config?: DatabaseConfig): Promise<DatabaseHandle> {
  const holder = globalThis as GlobalWithDatabase;
  const existing = holder[GLOBAL_KEY];
  if (existing) return existing;

  const opening = createDatabase(config ?? { url: env().DATABASE_URL, file: env().DATABASE_FILE });
  holder[GLOBAL_KEY] = opening;
  opening.catch(() => {
    if (holder[GLOBAL_KEY] === opening) delete holder[GLOBAL_KEY];
  });
  return opening;
}
