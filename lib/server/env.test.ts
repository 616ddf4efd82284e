import { describe, expect, it } from "vitest";
import { appMode, ConfigurationError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("gives working defaults for an empty environment (sandbox, SQLite)", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATABASE_FILE).toBe("./data/wizard.db");
    expect(env.MAX_BODY_BYTES).toBe(65536);
    expect(appMode(env)).toBe("sandbox");
  });

  it("treats blank values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "  ", SESSION_SECRET: "" }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ SESSION_SECRET: "short" }, "SESSION_SECRET"],
    [{ MAX_BODY_BYTES: "lots" }, "MAX_BODY_BYTES"],
    [{ MAX_BODY_BYTES: "10" }, "MAX_BODY_BYTES"],
    [{ PUBLIC_ORIGIN: "https://wizard.contoso.com/path" }, "PUBLIC_ORIGIN"],
    [{ ENTRA_CLIENT_ID: "not-a-guid" }, "ENTRA_CLIENT_ID"],
  ])("refuses %o with a sentence naming %s", (source, name) => {
    expect(() => parseEnv(source)).toThrow(ConfigurationError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`^Configuration error: ${name} `));
  });

  it("names every bad variable at once", () => {
    try {
      parseEnv({ DATABASE_URL: "mysql://x", MAX_BODY_BYTES: "x" });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain("DATABASE_URL");
      expect(String(error)).toContain("MAX_BODY_BYTES");
    }
  });

  it("is live once an Entra client id is configured", () => {
    expect(appMode(parseEnv({ ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555" }))).toBe("live");
  });
});
