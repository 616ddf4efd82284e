import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "pg";
import { type DatabaseConfig } from "@/lib/server/db";
import { integrationRequired } from "./integration";

// The two databases every persistence suite runs on. Each backend hands out fresh, empty stores:
// - SQLite: a new file in a temp folder, deleted afterwards.
// - PostgreSQL (TEST_DATABASE_URL, see scripts/setup-postgres.sh): a new uniquely named schema
//   (`wizard_test_<time>_<random>`), selected for every pooled connection through the URL's
//   `options=-c search_path=<schema>`, and dropped with CASCADE afterwards, so concurrent test runs against the
//   same database never see each other's tables. Runs that crash before cleanup leave a harmless schema behind.
// Without TEST_DATABASE_URL the PostgreSQL half is skipped, unless REQUIRE_INTEGRATION=1 (CI), where it fails.

export interface Backend {
  name: "sqlite" | "postgres";
  /** Why the backend is skipped, if it is. */
  skip?: string;
  /** Why the backend cannot run although it is required. */
  missing?: string;
  freshStore(): Promise<DatabaseConfig>;
  cleanup(): Promise<void>;
}

export function sqliteBackend(prefix: string): Backend {
  let folder: string | undefined;
  return {
    name: "sqlite",
    async freshStore() {
      folder ??= mkdtempSync(join(tmpdir(), `${prefix}-`));
      return { file: join(folder, `${randomBytes(6).toString("hex")}.db`) };
    },
    async cleanup() {
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url) {
    const base = {
      name: "postgres" as const,
      freshStore: () => Promise.reject(new Error("unreachable")),
      cleanup: async () => {},
    };
    return integrationRequired()
      ? {
          ...base,
          missing:
            "REQUIRE_INTEGRATION=1 but TEST_DATABASE_URL is not set. Run `sudo bash scripts/setup-postgres.sh` and export the TEST_DATABASE_URL=… line it prints.",
        }
      : { ...base, skip: "TEST_DATABASE_URL not set" };
  }
  const admin = new Pool({ connectionString: url, max: 2 });
  const schemas: string[] = [];
  return {
    name: "postgres",
    async freshStore() {
      const schema = `wizard_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
      await admin.query(`create schema "${schema}"`);
      schemas.push(schema);
      const scoped = new URL(url);
      scoped.searchParams.set("options", `-c search_path=${schema}`);
      return { url: scoped.toString() };
    },
    async cleanup() {
      for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    },
  };
}
