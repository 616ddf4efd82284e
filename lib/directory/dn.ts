// Distinguished names and search filters: escaping (RFC 4514 section 2.4, RFC 4515 section 3) and the few DN
// operations the checks need (parent, ancestry, comparison). Pure.

/**
 * RFC 4515 section 3: a value inside a search filter. `*`, `(`, `)`, `\` and NUL become `\xx`; everything else,
 * including non-ASCII, is passed as UTF-8 text (the filter is UTF-8 on the wire).
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** pwdLastSet / FILETIME ticks (100 ns since 1601-01-01 UTC) as a Date; null for 0, never-set or malformed. */
export function fileTimeToDate(ticks: string | null | undefined): Date | null {
  if (!ticks || !/^\d+$/.test(ticks)) return null;
  const value = BigInt(ticks);
  if (value === 0n || value >= 0x7fffffffffffffffn) return null;
  return new Date(Number(value / 10_000n - 11_644_473_600_000n));
}

/** A Date as FILETIME ticks (the inverse of fileTimeToDate). */
export function dateToFileTime(date: Date): string {
  return String((BigInt(date.getTime()) + 11_644_473_600_000n) * 10_000n);
}

/**
 * RFC 4514 section 2.4: a value inside an RDN. `,` `+` `"` `\` `<` `>` `;` `=` are backslash-escaped, NUL becomes
 * `\00`, a leading `#` or space and a trailing space are escaped.
 */
export function escapeDnValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\0") out += "\\00";
    else if (',+"\\<>;='.includes(c)) out += `\\${c}`;
    else if ((c === "#" || c === " ") && i === 0) out += `\\${c}`;
    else if (c === " " && i === value.length - 1) out += "\\ ";
    else out += c;
  }
  return out;
}

/** Splits a DN into its RDNs at unescaped commas (RFC 4514 section 3). Whitespace around RDNs is trimmed. */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i] as string;
    if (c === "\\" && i + 1 < dn.length) {
      current += c + (dn[i + 1] as string);
      i++;
      continue;
    }
    if (c === ",") {
      parts.push(current.trim());
      current = "";
      continue;
    }
    current += c;
  }
  if (current.trim() !== "" || parts.length > 0) parts.push(current.trim());
  return parts.filter((p) => p !== "");
}

function normalizeRdn(rdn: string): string {
  const eq = rdn.indexOf("=");
  if (eq < 0) return rdn.toLowerCase();
  return `${rdn.slice(0, eq).trim().toLowerCase()}=${rdn
    .slice(eq + 1)
    .trim()
    .toLowerCase()}`;
}

/** A comparison key: attribute types and values lower-cased (AD matches DNs case-insensitively), spaces trimmed. */
export function normalizeDn(dn: string): string {
  return splitDn(dn).map(normalizeRdn).join(",");
}

export function sameDn(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

/** The parent DN, or null for a single-RDN DN. */
export function parentDn(dn: string): string | null {
  const parts = splitDn(dn);
  if (parts.length <= 1) return null;
  return parts.slice(1).join(",");
}

/** True when `dn` is `base` or below it. */
export function isWithin(dn: string, base: string): boolean {
  const d = normalizeDn(dn);
  const b = normalizeDn(base);
  return d === b || d.endsWith(`,${b}`);
}

/** The DNs from `dn`'s parent up to and including `top` (nearest first); empty when dn is not below top. */
export function ancestorsUpTo(dn: string, top: string): string[] {
  if (!isWithin(dn, top) || sameDn(dn, top)) return [];
  const out: string[] = [];
  let current = parentDn(dn);
  while (current !== null) {
    out.push(current);
    if (sameDn(current, top)) return out;
    current = parentDn(current);
  }
  return [];
}

/** `DC=contoso,DC=com` -> `contoso.com`; null when the DN has no DC components. */
export function dnsNameFromDn(dn: string): string | null {
  const labels = splitDn(dn)
    .filter((rdn) => /^dc=/i.test(rdn))
    .map((rdn) => rdn.slice(3));
  return labels.length > 0 ? labels.join(".") : null;
}

/** The first RDN's value, unescaped enough for display ("OU=Legacy,DC=…" -> "Legacy"). */
export function rdnValue(dn: string): string {
  const first = splitDn(dn)[0] ?? dn;
  const eq = first.indexOf("=");
  return (eq < 0 ? first : first.slice(eq + 1)).replace(/\\(.)/g, "$1");
}

/** The first RDN as written ("OU=Legacy"), for short messages. */
export function shortDn(dn: string): string {
  return splitDn(dn)[0] ?? dn;
}

/**
 * The domain (of `domains`) that holds `dn`: the most specific one, since a child domain's DN ends in its parent's
 * (CN=x,DC=emea,DC=contoso,DC=com is within DC=contoso,DC=com too, but lives in DC=emea,DC=contoso,DC=com).
 */
export function domainHolding<T extends { dn: string }>(dn: string, domains: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestLength = -1;
  for (const d of domains) {
    const length = normalizeDn(d.dn).length;
    if (length > bestLength && isWithin(dn, d.dn)) {
      best = d;
      bestLength = length;
    }
  }
  return best;
}
