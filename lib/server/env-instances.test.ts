import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/server/env";

// Issue 15: several instances on one PostgreSQL must seal and open cookies with one key.
describe("SESSION_SECRET with PostgreSQL", () => {
  const url = "postgres://wizard@db.internal:5432/wizard";

  it("is required, with a sentence saying why and how to make one", () => {
    expect(() => parseEnv({ DATABASE_URL: url })).toThrow(
      /SESSION_SECRET must be set when DATABASE_URL is PostgreSQL.*openssl rand/,
    );
  });

  it("is accepted when given, and SQLite still generates its own", () => {
    expect(parseEnv({ DATABASE_URL: url, SESSION_SECRET: "k".repeat(48) }).DATABASE_URL).toBe(url);
    expect(parseEnv({}).SESSION_SECRET).toBeUndefined();
  });
});
