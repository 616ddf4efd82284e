import "server-only";
import { parseDomainSelection } from "@/lib/directory/domain-selection";
import { isIP } from "node:net";
import { z } from "zod";

// Configuration is parsed once, at start, and a bad value stops the server with a sentence naming it.

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  // Key rotation: the keys used before the current one, separated by commas. They still open cookies (so nobody
  // is signed out) but never seal new ones; remove them once the cookies they sealed have expired.
  SESSION_SECRET_PREVIOUS: optionalString.refine(
    (value) =>
      value === undefined ||
      value
        .split(",")
        .map((key) => key.trim())
        .filter(Boolean)
        .every((key) => key.length >= 32),
    "must be a comma-separated list of earlier SESSION_SECRET values, each at least 32 characters",
  ),
  SESSION_SECRET_FILE: z.string().trim().min(1).default("./data/session-secret"),
  // The port `npm start` (and `next start`) listens on; the sandbox reaches its Graph simulator through it.
  PORT: z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole port number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535")
    .default(3000),
  // The address `npm start` binds to (scripts/start.mjs passes it to `next start -H`); only read to warn at start
  // when PUBLIC_ORIGIN is unset on an address other machines can reach.
  HOSTNAME_BIND: optionalString,
  PUBLIC_ORIGIN: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/[^/]+$/.test(value),
    "must be an origin such as https://wizard.contoso.com (scheme and host, no path)",
  ),
  // Reverse proxies whose X-Forwarded-For the rate limits believe: addresses or CIDR ranges, comma-separated
  // (docs/deployment.md). Unset: the client is the socket's peer, whatever X-Forwarded-For says.
  TRUSTED_PROXIES: optionalString.refine(
    (value) =>
      value === undefined ||
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean)
        .every((entry) => {
          const [address = "", bits, extra] = entry.split("/");
          const family = isIP(address);
          const max = family === 6 ? 128 : 32;
          return (
            family !== 0 &&
            extra === undefined &&
            (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max))
          );
        }),
    "must be IP addresses or CIDR ranges separated by commas (e.g. 10.0.0.5, 192.168.0.0/24, fd00::/8)",
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
  // Entra sign-in and Microsoft Graph (live mode). National clouds use other hosts: docs/national-clouds.md.
  ENTRA_TENANT_ID: z
    .string()
    .trim()
    .default("organizations")
    .refine(
      (value) => value === "organizations" || GUID.test(value),
      "must be your directory (tenant) id, a GUID, or `organizations`",
    ),
  ENTRA_ALLOWED_TENANT_IDS: optionalString.refine(
    (value) => value === undefined || value.split(",").every((id) => GUID.test(id.trim())),
    "must be a comma-separated list of tenant ids (GUIDs)",
  ),
  ENTRA_AUTHORITY_HOST: z
    .string()
    .trim()
    .default("https://login.microsoftonline.com")
    .refine(
      (value) => /^https:\/\/[^/]+$/.test(value),
      "must be an https origin such as https://login.microsoftonline.us",
    ),
  ENTRA_REDIRECT_URI: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/[^/]+\/\S*$/.test(value),
    "must be an absolute URL such as https://wizard.contoso.com/auth/redirect",
  ),
  GRAPH_BASE_URL: z
    .string()
    .trim()
    .default("https://graph.microsoft.com")
    // Plain http only on this machine (tests, a local simulator); Graph itself is always https.
    .refine(
      (value) => /^https:\/\/[^/]+$/.test(value) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(value),
      "must be an https origin such as https://graph.microsoft.us (no path)",
    ),
  GRAPH_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int()
    .min(1000, "must be at least 1000")
    .max(120_000, "must be at most 120000")
    .default(15_000),
  // Sandbox only: how long a new audit record takes to show in the simulated tenant's audit log. Microsoft lists
  // 2 minutes (95th percentile) and 5 (99th) for audit logs; the default is a short wait inside that, tests use 0.
  // ms-fact: audit-log-latency
  SANDBOX_AUDIT_DELAY_SECONDS: z.coerce
    .number({ error: "must be a number of seconds" })
    .int()
    .min(0, "must be 0 or more")
    .max(300, "must be at most 300 (Microsoft's 99th percentile for audit logs is 5 minutes)")
    .default(30),
  SANDBOX_GRAPH_URL: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/[^/]+(\/\S*)?$/.test(value),
    "must be an absolute URL of the sandbox Graph simulator",
  ),
  // On-premises directory. LDAPS, or ldap:// which is always upgraded with StartTLS; the certificate is
  // always verified. The read-only service account's password comes from a file (preferred) or the variable.
  DIRECTORY_LDAP_URL: optionalString.refine(
    (value) => value === undefined || /^ldaps?:\/\/[^/\s]+\/?$/i.test(value),
    "must be ldaps://host[:port] or ldap://host[:port] (StartTLS), with no path",
  ),
  DIRECTORY_BIND_DN: optionalString,
  DIRECTORY_BIND_PASSWORD: optionalString,
  DIRECTORY_BIND_PASSWORD_FILE: optionalString,
  DIRECTORY_CA_FILE: optionalString,
  DIRECTORY_TLS_SERVER_NAME: optionalString,
  DIRECTORY_BASE_DN: optionalString.refine(
    (value) => value === undefined || value.includes("="),
    "must be a DN such as DC=contoso,DC=com",
  ),
  DIRECTORY_CONNECTOR_ACCOUNT: optionalString,
  DIRECTORY_SCOPE: optionalString,
  DIRECTORY_DOMAINS: optionalString.refine((value) => {
    try {
      parseDomainSelection(value);
      return true;
    } catch {
      return false;
    }
  }, 'must be "all" or DNS domain names separated by commas (e.g. "contoso.com, emea.contoso.com")'),
  DIRECTORY_CONNECT_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int()
    .min(500, "must be at least 500")
    .max(120_000, "must be at most 120000")
    .default(5_000),
  DIRECTORY_OPERATION_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int()
    .min(1000, "must be at least 1000")
    .max(600_000, "must be at most 600000")
    .default(60_000),
  // `off` in a deployment that runs the re-checks of steps waiting for replication in another process.
  RECHECK_SCHEDULER: optionalString
    .transform((value) => (value ?? "on").toLowerCase())
    .refine((value) => value === "on" || value === "off", "must be on or off (empty: on)"),
  DIRECTORY_SNAPSHOT_MAX_BYTES: z.coerce
    .number({ error: "must be a number of bytes" })
    .int()
    .min(1024, "must be at least 1024")
    .max(1024 * 1024 * 1024, "must be at most 1073741824")
    .default(256 * 1024 * 1024),
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
  if (result.success) {
    // PostgreSQL is how several instances share state; a key generated per instance (SESSION_SECRET_FILE) would make
    // each instance refuse the others' cookies and sandbox keys, so every instance must be given the same one.
    if (result.data.DATABASE_URL && !result.data.SESSION_SECRET) {
      throw new ConfigurationError(
        "Configuration error: SESSION_SECRET must be set when DATABASE_URL is PostgreSQL (every instance needs the same key; generate one with `openssl rand -base64 48`).",
      );
    }
    return result.data;
  }
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

/** Tenants whose admins may sign in: the configured tenant, or the explicit allow-list for multi-tenant use. */
export function allowedTenantIds(config: Env = env()): string[] {
  const listed = (config.ENTRA_ALLOWED_TENANT_IDS ?? "")
    .split(",")
    .map((id) => id.trim().toLowerCase())
    .filter(Boolean);
  if (config.ENTRA_TENANT_ID !== "organizations") listed.push(config.ENTRA_TENANT_ID.toLowerCase());
  return [...new Set(listed)];
}
