import "server-only";
import { readFileSync } from "node:fs";
import { type DomainSelection, parseDomainSelection } from "@/lib/directory/domain-selection";
import { type LdapConnectionConfig } from "@/lib/directory/ldap-adapter";
import { ConfigurationError, env, type Env } from "../env";

// The deployment's directory connection, from configuration (.env.example documents every variable). The read-only
// password is read from DIRECTORY_BIND_PASSWORD_FILE (preferred) or DIRECTORY_BIND_PASSWORD when a connection is
// opened; it is never logged or sent anywhere but the DC.

export interface DirectoryConfiguration {
  /** Everything but the password, for connections made with another credential (the admin's, for a fix). */
  connection: Omit<LdapConnectionConfig, "password" | "bindDn">;
  bindDn: string;
  readPassword: () => string;
  connector: string | null;
  scope: string[];
  /** DIRECTORY_DOMAINS: which domains of the forest the directory steps read. */
  domains: DomainSelection;
}

/** Splits DIRECTORY_SCOPE at unescaped ";" (RFC 4514 escapes a literal one as "\;"). */
export function parseScope(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\\" && i + 1 < value.length) {
      current += c + (value[i + 1] as string);
      i++;
    } else if (c === ";") {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

/** The configured connection, or null when DIRECTORY_LDAP_URL is empty. Throws ConfigurationError naming the variable. */
export function directoryConfiguration(config: Env = env()): DirectoryConfiguration | null {
  const url = config.DIRECTORY_LDAP_URL;
  if (!url) return null;
  if (!config.DIRECTORY_BIND_DN)
    throw new ConfigurationError(
      "Configuration error: DIRECTORY_BIND_DN is required when DIRECTORY_LDAP_URL is set.",
    );
  if (!config.DIRECTORY_BIND_PASSWORD_FILE && !config.DIRECTORY_BIND_PASSWORD) {
    throw new ConfigurationError(
      "Configuration error: DIRECTORY_BIND_PASSWORD_FILE (or DIRECTORY_BIND_PASSWORD) is required when DIRECTORY_LDAP_URL is set.",
    );
  }
  let caPem: string[] | null = null;
  if (config.DIRECTORY_CA_FILE) {
    try {
      caPem = [readFileSync(config.DIRECTORY_CA_FILE, "utf8")];
    } catch {
      throw new ConfigurationError(
        `Configuration error: DIRECTORY_CA_FILE ${config.DIRECTORY_CA_FILE} cannot be read.`,
      );
    }
    if (!caPem[0]?.includes("BEGIN CERTIFICATE"))
      throw new ConfigurationError("Configuration error: DIRECTORY_CA_FILE is not a PEM certificate file.");
  }
  const passwordFile = config.DIRECTORY_BIND_PASSWORD_FILE;
  const inline = config.DIRECTORY_BIND_PASSWORD;
  return {
    connection: {
      url,
      caPem,
      ...(config.DIRECTORY_TLS_SERVER_NAME ? { serverName: config.DIRECTORY_TLS_SERVER_NAME } : {}),
      ...(config.DIRECTORY_BASE_DN ? { baseDn: config.DIRECTORY_BASE_DN } : {}),
      connectTimeoutMs: config.DIRECTORY_CONNECT_TIMEOUT_MS,
      operationTimeoutMs: config.DIRECTORY_OPERATION_TIMEOUT_MS,
    },
    bindDn: config.DIRECTORY_BIND_DN,
    readPassword: () => {
      if (!passwordFile) return inline ?? "";
      try {
        return readFileSync(passwordFile, "utf8").replace(/\r?\n$/, "");
      } catch {
        throw new ConfigurationError(
          `Configuration error: DIRECTORY_BIND_PASSWORD_FILE ${passwordFile} cannot be read.`,
        );
      }
    },
    connector: config.DIRECTORY_CONNECTOR_ACCOUNT ?? null,
    scope: parseScope(config.DIRECTORY_SCOPE),
    domains: parseDomainSelection(config.DIRECTORY_DOMAINS),
  };
}
