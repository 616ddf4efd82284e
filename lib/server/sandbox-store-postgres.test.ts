import { afterAll, describe, it, vi } from "vitest";

// The sandbox store on PostgreSQL (TEST_DATABASE_URL, a schema of its own): the suite of sandbox-store.test.ts.
// The configuration is read once, on first use, so the schema is made and named before anything reads it.
const backend = await vi.hoisted(async () => {
  const { postgresBackend } = await import("@/lib/testing/database-backends");
  const pg = postgresBackend();
  if (!pg.skip && !pg.missing) process.env.DATABASE_URL = (await pg.freshStore()).url ?? "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
  return pg;
});

import { getDatabase } from "@/lib/server/db";
import { describeSandboxStore } from "@/lib/testing/sandbox-store-suite";

if (backend.skip) {
  describe.skip(`the sandbox store on PostgreSQL: ${backend.skip}`, () => it("skipped", () => {}));
} else {
  afterAll(async () => {
    await (await getDatabase()).close();
    await backend.cleanup();
  });
  const missing = backend.missing;
  if (missing)
    it("has PostgreSQL", () => {
      throw new Error(missing);
    });
  else describeSandboxStore("PostgreSQL");
}
