import { vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-sandbox-store-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "";
});

import { describeSandboxStore } from "@/lib/testing/sandbox-store-suite";

// The sandbox store on SQLite; sandbox-store-postgres.test.ts runs the same suite on PostgreSQL.
describeSandboxStore("SQLite");
