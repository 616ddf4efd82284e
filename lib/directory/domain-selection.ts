// Which domains of the forest the directory steps read (DIRECTORY_DOMAINS, `verify --domains`). Kept apart from
// the forest code so that configuration parsing does not load the LDAP client.

import { DirectoryError } from "./errors";

/** Which domains the directory steps read. */
export type DomainSelection =
  /** The domain of the configured connection (and any domain the scope names). The default. */
  | { kind: "connected" }
  /** Every domain of the forest. */
  | { kind: "all" }
  /** These domains, by DNS name (the connected one is read when named). */
  | { kind: "named"; dnsNames: string[] };

const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** Reads DIRECTORY_DOMAINS / --domains: empty = the connected domain, "all", or DNS names split by commas or spaces. */
export function parseDomainSelection(text: string | undefined | null): DomainSelection {
  const trimmed = text?.trim() ?? "";
  if (trimmed === "") return { kind: "connected" };
  if (trimmed.toLowerCase() === "all") return { kind: "all" };
  const names = trimmed.split(/[\s,]+/).filter(Boolean);
  const bad = names.filter((n) => !DNS_NAME.test(n));
  if (bad.length > 0)
    throw new DirectoryError(
      "configuration",
      `The domain list names ${bad.map((b) => `"${b}"`).join(", ")}, which ${bad.length === 1 ? "is not a DNS domain name" : "are not DNS domain names"}.`,
      'Give DNS names of the forest\'s domains separated by commas (e.g. "contoso.com, emea.contoso.com"), or "all".',
    );
  return { kind: "named", dnsNames: [...new Set(names.map((n) => n.toLowerCase()))] };
}
