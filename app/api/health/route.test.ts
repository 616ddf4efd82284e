import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-health-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
});

import { GET } from "./route";

describe("GET /api/health", () => {
  it("answers 200 without a session once the database answers, and is never cached", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
