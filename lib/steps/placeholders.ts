// The admin's own values in place of the catalogue's placeholders (`<ACCOUNT>`, `<DOMAIN_FQDN>`, `<connector
// account>` …) once the run knows them: every script, dsacls line and attestation sentence then reads as it is to be
// run or signed. What is still unknown stays a placeholder, for the page to highlight as "fill this in". Pure.

/** `<NAME>` or `<two words>`: a letter first, then letters, digits, underscores or spaces. */
const PLACEHOLDER = /<([A-Za-z][A-Za-z0-9_ ]*)>/g;

export type PlaceholderValues = Readonly<Record<string, string | undefined>>;

export type Segment =
  { kind: "text"; text: string } | { kind: "placeholder"; name: string; value: string | null };

export interface Filled {
  /** The text with every known placeholder replaced (unknown ones kept as `<NAME>`). */
  text: string;
  segments: Segment[];
  /** Placeholders left, in order of first appearance. */
  missing: string[];
}

export function fillPlaceholders(text: string, values: PlaceholderValues): Filled {
  const segments: Segment[] = [];
  const missing: string[] = [];
  let out = "";
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > last) segments.push({ kind: "text", text: text.slice(last, index) });
    const name = match[1]!;
    const value = values[name]?.trim() ? values[name]!.trim() : null;
    segments.push({ kind: "placeholder", name, value });
    out += text.slice(last, index) + (value ?? match[0]);
    if (value === null && !missing.includes(name)) missing.push(name);
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  out += text.slice(last);
  return { text: out, segments, missing };
}

/** "DC=contoso,DC=test" from any DN inside that domain; null without DC= parts. */
export function domainDnOf(dn: string): string | null {
  const parts = dn.split(/(?<!\\),/).map((p) => p.trim());
  const first = parts.findIndex((p) => /^DC=/i.test(p));
  if (first < 0 || !parts.slice(first).every((p) => /^DC=/i.test(p))) return null;
  return parts.slice(first).join(",");
}

/** "contoso.test" from "DC=contoso,DC=test". */
export function fqdnOf(domainDn: string): string {
  return domainDn
    .split(",")
    .map((p) => p.trim().replace(/^DC=/i, ""))
    .join(".");
}

/** Whether a text has a placeholder {@link directoryValues} can fill. */
export function hasDirectoryPlaceholders(text: string): boolean {
  return /<(ACCOUNT|DOMAIN|DOMAIN_FQDN|domainDN|connector account|domain)>/.test(text);
}

/**
 * The values the run knows once the connector is settled: its name as `DOMAIN\account` and its DN. The catalogue's
 * placeholder names map onto them (`<DOMAIN>` is the NetBIOS name, `<DOMAIN_FQDN>` and `<domain>` the DNS name).
 */
export function directoryValues(connector: { name: string; dn: string } | null): Record<string, string> {
  if (!connector) return {};
  const values: Record<string, string> = { "connector account": connector.name };
  const slash = connector.name.indexOf("\\");
  if (slash > 0) {
    values.DOMAIN = connector.name.slice(0, slash);
    values.ACCOUNT = connector.name.slice(slash + 1);
  }
  const domainDn = domainDnOf(connector.dn);
  if (domainDn) {
    values.domainDN = domainDn;
    values.DOMAIN_FQDN = fqdnOf(domainDn);
    values.domain = fqdnOf(domainDn);
  }
  return values;
}
