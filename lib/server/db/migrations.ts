import "server-only";

import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from "kysely";
import { type Database } from "./schema";

export type DatabaseDialect = "sqlite" | "postgres";

export class MigrationFailedError extends Error {
  constructor(
    readonly migrationName: string | undefined,
    options: { cause: unknown },
  ) {
    super(`Database migration ${migrationName ?? "setup"} failed.`, options);
    this.name = "MigrationFailedError";
  }
}

/**
 * Every migration, in code. A static provider (not Kysely's FileMigrationProvider) because the Next.js
 * server bundle has no migrations folder to scan. Names sort in run order; never rename or edit one that
 * has shipped — add a new one.
 */
export function migrationsFor(dialect: DatabaseDialect): Record<string, Migration> {
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("runs")
          .addColumn("id", "text", (col) => col.primaryKey())
          .addColumn("flow", "text", (col) => col.notNull())
          .addColumn("mode", "text", (col) => col.notNull())
          .addColumn("owner_id", "text", (col) => col.notNull())
          .addColumn("title", "text", (col) => col.notNull())
          .addColumn("state", "text", (col) => col.notNull())
          .addColumn("version", "integer", (col) => col.notNull())
          .addColumn("created_at", "text", (col) => col.notNull())
          .addColumn("updated_at", "text", (col) => col.notNull())
          // `flow` and step ids are not CHECKed: that list grows with the app and is parsed on read instead.
          .addCheckConstraint("runs_mode_check", sql`mode in ('sandbox', 'live')`)
          .addCheckConstraint("runs_version_check", sql`version >= 1`)
          .execute();
        // Serves listByOwner's `where owner_id = ? order by updated_at desc`.
        await db.schema
          .createIndex("runs_owner_updated_idx")
          .on("runs")
          .columns(["owner_id", "updated_at"])
          .execute();

        await db.schema
          .createTable("step_results")
          .addColumn("id", "integer", (col) => identity(dialect, col))
          .addColumn("run_id", "text", (col) => col.notNull().references("runs.id").onDelete("cascade"))
          .addColumn("step_id", "text", (col) => col.notNull())
          .addColumn("status", "text", (col) => col.notNull())
          .addColumn("confidence", "text")
          .addColumn("result", "text", (col) => col.notNull())
          .addColumn("actor", "text", (col) => col.notNull())
          .addColumn("created_at", "text", (col) => col.notNull())
          .execute();
        await db.schema
          .createIndex("step_results_run_step_idx")
          .on("step_results")
          .columns(["run_id", "step_id", "id"])
          .execute();

        await db.schema
          .createTable("events")
          .addColumn("id", "integer", (col) => identity(dialect, col))
          .addColumn("run_id", "text", (col) => col.notNull().references("runs.id").onDelete("cascade"))
          .addColumn("at", "text", (col) => col.notNull())
          .addColumn("actor", "text", (col) => col.notNull())
          .addColumn("type", "text", (col) => col.notNull())
          .addColumn("step_id", "text")
          .addColumn("summary", "text", (col) => col.notNull())
          .addColumn("detail", "text", (col) => col.notNull())
          .execute();
        // Events are read per run in insertion order (and "latest N" backwards).
        await db.schema.createIndex("events_run_id_idx").on("events").columns(["run_id", "id"]).execute();

        await db.schema
          .createTable("share_links")
          .addColumn("id", "text", (col) => col.primaryKey())
          .addColumn("run_id", "text", (col) => col.notNull().references("runs.id").onDelete("cascade"))
          .addColumn("token_hash", "text", (col) => col.notNull().unique())
          .addColumn("role", "text", (col) => col.notNull())
          .addColumn("label", "text", (col) => col.notNull())
          .addColumn("created_at", "text", (col) => col.notNull())
          .addColumn("expires_at", "text", (col) => col.notNull())
          .addColumn("revoked_at", "text")
          .addColumn("created_by", "text", (col) => col.notNull())
          .addCheckConstraint("share_links_role_check", sql`role in ('view', 'edit')`)
          .execute();
        await db.schema.createIndex("share_links_run_id_idx").on("share_links").column("run_id").execute();
      },
    },
    // Issue 5: per-run directory artifacts (uploaded snapshot, confirmed connector and scope, full scan lists,
    // applied changes). One row per (run, kind); large JSON bodies kept out of the run's state.
    "0002_directory_artifacts": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("directory_artifacts")
          .addColumn("run_id", "text", (col) => col.notNull().references("runs.id").onDelete("cascade"))
          .addColumn("kind", "text", (col) => col.notNull())
          .addColumn("body", "text", (col) => col.notNull())
          .addColumn("updated_at", "text", (col) => col.notNull())
          .addPrimaryKeyConstraint("directory_artifacts_pk", ["run_id", "kind"])
          .execute();
      },
    },
    // Issue 5: server-side re-checks of steps waiting for replication. One row per waiting (run, step): when the
    // next check is due, and a claim (instance + lease) so that one instance runs it when several share the store.
    "0003_rechecks": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("rechecks")
          .addColumn("run_id", "text", (col) => col.notNull().references("runs.id").onDelete("cascade"))
          .addColumn("step_id", "text", (col) => col.notNull())
          .addColumn("due_at", "text", (col) => col.notNull())
          .addColumn("attempt", "integer", (col) => col.notNull())
          .addColumn("claimed_by", "text")
          .addColumn("claimed_until", "text")
          .addPrimaryKeyConstraint("rechecks_pk", ["run_id", "step_id"])
          .execute();
        await db.schema.createIndex("rechecks_due_at_idx").on("rechecks").column("due_at").execute();
      },
    },
    // Issue 15: opening a share link is counted on the link, not appended to the run's timeline (which moved the
    // run's version and grew every GET of it). One row per link, so a flood of openings takes no more room.
    // The counts of openings and refusals already in the timeline are carried over; the events stay where they are.
    "0004_holes_share_link_uses": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("share_link_uses")
          .addColumn("link_id", "text", (col) =>
            col.primaryKey().references("share_links.id").onDelete("cascade"),
          )
          .addColumn("run_id", "text", (col) => col.notNull().references("runs.id").onDelete("cascade"))
          .addColumn("opened", "integer", (col) => col.notNull().defaultTo(0))
          .addColumn("last_opened_at", "text")
          .addColumn("refused", "integer", (col) => col.notNull().defaultTo(0))
          .addColumn("last_refused_at", "text")
          .execute();
        await db.schema
          .createIndex("share_link_uses_run_id_idx")
          .on("share_link_uses")
          .column("run_id")
          .execute();

        const { rows } = await sql<{ run_id: string; at: string; type: string; detail: string }>`
          select run_id, at, type, detail from events where type in ('link-opened', 'link-refused') order by id`.execute(
          db,
        );
        const uses = new Map<
          string,
          {
            runId: string;
            opened: number;
            lastOpenedAt: string | null;
            refused: number;
            lastRefusedAt: string | null;
          }
        >();
        for (const row of rows) {
          let linkId: unknown;
          try {
            linkId = (JSON.parse(row.detail) as { linkId?: unknown }).linkId;
          } catch {
            continue;
          }
          if (typeof linkId !== "string") continue;
          const use = uses.get(linkId) ?? {
            runId: row.run_id,
            opened: 0,
            lastOpenedAt: null,
            refused: 0,
            lastRefusedAt: null,
          };
          if (row.type === "link-opened") {
            use.opened += 1;
            use.lastOpenedAt = row.at;
          } else {
            use.refused += 1;
            use.lastRefusedAt = row.at;
          }
          uses.set(linkId, use);
        }
        for (const [linkId, use] of uses) {
          // A link deleted since (its run was deleted) has nothing to count on.
          await sql`insert into share_link_uses (link_id, run_id, opened, last_opened_at, refused, last_refused_at)
            select ${linkId}, ${use.runId}, ${use.opened}, ${use.lastOpenedAt}, ${use.refused}, ${use.lastRefusedAt}
            where exists (select 1 from share_links where id = ${linkId})`.execute(db);
        }
      },
    },
    // Issue 15: rate limits shared by every instance on one PostgreSQL (token buckets; SQLite keeps them in memory,
    // one process owns its file). One row per (bucket, key); `at_ms` is when the bucket was last refilled.
    "0004_multi_rate_limits": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("rate_limits")
          .addColumn("bucket", "text", (col) => col.notNull())
          .addColumn("key", "text", (col) => col.notNull())
          .addColumn("tokens", "double precision", (col) => col.notNull())
          .addColumn("at_ms", "bigint", (col) => col.notNull())
          .addPrimaryKeyConstraint("rate_limits_pk", ["bucket", "key"])
          .execute();
        await db.schema.createIndex("rate_limits_at_idx").on("rate_limits").column("at_ms").execute();
      },
    },
    // Issue 15: a sandbox run's simulated tenant and directory, stored with the run (not in one process's memory,
    // not keyed by a bearer string), so that any instance serves them and nobody can make one without a run.
    "0004_multi_sandbox_state": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("sandbox_state")
          .addColumn("run_id", "text", (col) => col.primaryKey().references("runs.id").onDelete("cascade"))
          .addColumn("body", "text", (col) => col.notNull())
          .addColumn("version", "integer", (col) => col.notNull())
          .addColumn("updated_at", "text", (col) => col.notNull())
          .execute();
      },
    },
  };
}

function identity(dialect: DatabaseDialect, col: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  // SQLite: AUTOINCREMENT so ids are never reused after a delete (event ids double as an ordering key).
  return dialect === "sqlite"
    ? col.primaryKey().autoIncrement()
    : col.primaryKey().generatedByDefaultAsIdentity();
}

/**
 * Brings the schema up to date. Safe when several processes start at once:
 * - PostgreSQL: Kysely's Migrator holds a session advisory lock and runs the migrations in one transaction.
 * - SQLite: Kysely's SQLite "lock" is a no-op (it assumes one connection per database), and a deferred
 *   transaction that reads then writes fails with SQLITE_BUSY when another process got there first. So we
 *   take the write lock up front with BEGIN IMMEDIATE (which waits out `busy_timeout`) and let the Migrator
 *   run inside it; a latecomer then finds every migration already recorded.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: DatabaseDialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };

  if (dialect === "postgres") {
    // Pin Kysely's bookkeeping tables to the schema we actually use: its "does the table exist" check
    // otherwise looks across all schemas and is fooled by a kysely_migration table in another one.
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (!schema) {
      throw new MigrationFailedError(undefined, {
        cause: new Error(
          "No schema on the search_path exists (check the `options=-c search_path=…` of DATABASE_URL).",
        ),
      });
    }
    await runMigrator(new Migrator({ db, provider, migrationTableSchema: schema }));
    return;
  }

  await db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      await runMigrator(new Migrator({ db: conn, provider, disableTransactions: true }));
      await sql`commit`.execute(conn);
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}

async function runMigrator(migrator: Migrator): Promise<void> {
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === "Error");
    throw new MigrationFailedError(failed?.migrationName, { cause: error });
  }
}
