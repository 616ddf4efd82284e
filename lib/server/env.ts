import "server-only";
import { z } from "zod";

// Configuration is parsed once, at start, and a bad value stops the server with a sentence naming it.

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\//.test(value),
    "must be a postgres:// or postgresql:// URL (leave it empty to use SQLite)",
  ),
  DATABASE_FILE: z.string().trim().min(1).default("./data/wizard.db"),
  SESSION_SECRET: optionalString.refine(
    (value) => value === undefined || value.length >= 32,
    "must be at least 32 characters (generate one with `openssl rand -base64 48`)",
  ),
  SESSION_SECRET_FILE: z.string().trim().min(1).default("./data/session-secret"),
  PUBLIC_ORIGIN: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/[^/]+$/.test(value),
    "must be an origin such as https://wizard.contoso.com (scheme and host, no path)",
  ),
  MAX_BODY_BYTES: z.coerce
    .number({ error: "must be a number of bytes" })
    .int("must be a whole number of bytes")
    .min(1024, "must be at least 1024")
    .max(10 * 1024 * 1024, "must be at most 10485760")
    .default(64 * 1024),
  ENTRA_CLIENT_ID: optionalString.refine(
    (value) => value === undefined || /^[0-9a-f-]{36}$/i.test(value),
    "must be the application (client) id, a GUID",
  ),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** Parses an environment; throws one sentence per bad variable, naming it. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const sentences = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    return `Configuration error: ${name} ${issue.message}.`;
  });
  throw new ConfigurationError(sentences.join("\n"));
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The product runs against a simulated tenant and directory until an Entra app is configured. */
export function appMode(config: Env = env()): "sandbox" | "live" {
  return config.ENTRA_CLIENT_ID ? "live" : "sandbox";
}
