import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allowedTenantIds, appMode, ConfigurationError, envSchema, parseEnv } from "./env";

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
    [{ SESSION_SECRET_PREVIOUS: `${"a".repeat(32)},short` }, "SESSION_SECRET_PREVIOUS"],
    [{ MAX_BODY_BYTES: "lots" }, "MAX_BODY_BYTES"],
    [{ MAX_BODY_BYTES: "10" }, "MAX_BODY_BYTES"],
    [{ PUBLIC_ORIGIN: "https://wizard.contoso.com/path" }, "PUBLIC_ORIGIN"],
    [{ ENTRA_CLIENT_ID: "not-a-guid" }, "ENTRA_CLIENT_ID"],
    [{ DIRECTORY_DOMAINS: "contoso.com; DC=emea" }, "DIRECTORY_DOMAINS"],
  ])("refuses %o with a sentence naming %s", (source, name) => {
    expect(() => parseEnv(source)).toThrow(ConfigurationError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`^Configuration error: ${name} `));
  });

  it("reads which domains of the forest to check: none named, all, or DNS names", () => {
    expect(parseEnv({}).DIRECTORY_DOMAINS).toBeUndefined();
    expect(parseEnv({ DIRECTORY_DOMAINS: " all " }).DIRECTORY_DOMAINS).toBe("all");
    expect(parseEnv({ DIRECTORY_DOMAINS: "contoso.com, emea.contoso.com" }).DIRECTORY_DOMAINS).toBe(
      "contoso.com, emea.contoso.com",
    );
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

describe("parseEnv: Entra sign-in and Microsoft Graph", () => {
  const GUID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

  it("defaults to the global cloud: multi-tenant authority, Graph, a 15 s timeout", () => {
    const env = parseEnv({});
    expect(env.ENTRA_TENANT_ID).toBe("organizations");
    expect(env.ENTRA_AUTHORITY_HOST).toBe("https://login.microsoftonline.com");
    expect(env.GRAPH_BASE_URL).toBe("https://graph.microsoft.com");
    expect(env.GRAPH_TIMEOUT_MS).toBe(15_000);
    expect(env.SANDBOX_GRAPH_URL).toBeUndefined();
    expect(env.ENTRA_REDIRECT_URI).toBeUndefined();
  });

  it("accepts national-cloud hosts and a local simulator", () => {
    const env = parseEnv({
      ENTRA_TENANT_ID: GUID,
      ENTRA_ALLOWED_TENANT_IDS: ` ${GUID.replace("a", "b")} , ${GUID.replace("a", "c")}`,
      ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.us",
      ENTRA_REDIRECT_URI: "https://wizard.contoso.us/auth/redirect",
      GRAPH_BASE_URL: "https://graph.microsoft.us",
      GRAPH_TIMEOUT_MS: "30000",
      SANDBOX_GRAPH_URL: "http://127.0.0.1:4000/api/sandbox/graph",
    });
    expect(env.GRAPH_TIMEOUT_MS).toBe(30_000);
    expect(parseEnv({ GRAPH_BASE_URL: "http://localhost:4010" }).GRAPH_BASE_URL).toBe(
      "http://localhost:4010",
    );
  });

  it.each([
    [{ ENTRA_TENANT_ID: "contoso.onmicrosoft.com" }, "ENTRA_TENANT_ID"],
    [{ ENTRA_TENANT_ID: "common" }, "ENTRA_TENANT_ID"],
    [{ ENTRA_ALLOWED_TENANT_IDS: `${GUID},not-a-guid` }, "ENTRA_ALLOWED_TENANT_IDS"],
    [{ ENTRA_AUTHORITY_HOST: "http://login.microsoftonline.com" }, "ENTRA_AUTHORITY_HOST"],
    [{ ENTRA_AUTHORITY_HOST: "https://login.microsoftonline.com/organizations" }, "ENTRA_AUTHORITY_HOST"],
    [{ ENTRA_REDIRECT_URI: "/auth/redirect" }, "ENTRA_REDIRECT_URI"],
    // Graph itself is always https; plain http only for a simulator on this machine.
    [{ GRAPH_BASE_URL: "http://graph.microsoft.com" }, "GRAPH_BASE_URL"],
    [{ GRAPH_BASE_URL: "https://graph.microsoft.com/v1.0" }, "GRAPH_BASE_URL"],
    [{ GRAPH_TIMEOUT_MS: "soon" }, "GRAPH_TIMEOUT_MS"],
    [{ GRAPH_TIMEOUT_MS: "999" }, "GRAPH_TIMEOUT_MS"],
    [{ GRAPH_TIMEOUT_MS: "120001" }, "GRAPH_TIMEOUT_MS"],
    [{ GRAPH_TIMEOUT_MS: "1500.5" }, "GRAPH_TIMEOUT_MS"],
    [{ SANDBOX_GRAPH_URL: "localhost:3000/api/sandbox/graph" }, "SANDBOX_GRAPH_URL"],
  ])("refuses %o with a sentence naming %s", (source, name) => {
    expect(() => parseEnv(source)).toThrow(ConfigurationError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`^Configuration error: ${name} `));
  });

  it("allows the configured tenant plus the listed ones, lower-cased and without duplicates", () => {
    const upper = GUID.toUpperCase();
    const other = "11111111-2222-3333-4444-555555555555";
    expect(
      allowedTenantIds(parseEnv({ ENTRA_TENANT_ID: upper, ENTRA_ALLOWED_TENANT_IDS: `${other},${GUID}` })),
    ).toEqual([other, GUID]);
    // Multi-tenant ("organizations") allows nobody until the operator lists tenants.
    expect(allowedTenantIds(parseEnv({}))).toEqual([]);
  });
});

describe("documentation of the configuration", () => {
  // NODE_ENV is set by Next itself (dev, build, start), never by an operator.
  const documented = Object.keys(envSchema.shape).filter((name) => name !== "NODE_ENV");
  const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

  it.each(documented)("%s is in .env.example and in the README's configuration table", (name) => {
    expect(example).toMatch(new RegExp(`^${name}=`, "m"));
    expect(readme).toMatch(new RegExp(`^\\| \`${name}\` `, "m"));
  });

  it("reads the re-check switch and the port", () => {
    expect(parseEnv({}).RECHECK_SCHEDULER).toBe("on");
    expect(parseEnv({ RECHECK_SCHEDULER: " OFF " }).RECHECK_SCHEDULER).toBe("off");
    expect(() => parseEnv({ RECHECK_SCHEDULER: "false" })).toThrow(
      /^Configuration error: RECHECK_SCHEDULER /,
    );
    expect(parseEnv({}).PORT).toBe(3000);
    expect(() => parseEnv({ PORT: "http" })).toThrow(/^Configuration error: PORT /);
  });
});
