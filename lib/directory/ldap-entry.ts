// Reading attributes from an ldapts entry. ldapts keys an entry by the attribute type as the server spelled it
// ("msDS-HasDomainNCs" from Samba where a filter said "msDS-hasDomainNCs"), so lookups ignore case.

import { type Entry } from "ldapts";

export function attr(entry: Entry, name: string): Entry[string] | undefined {
  if (name in entry) return entry[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(entry)) if (key.toLowerCase() === lower) return entry[key];
  return undefined;
}

export function str(entry: Entry, name: string): string | null {
  const value = attr(entry, name);
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return null;
}

export function strs(entry: Entry, name: string): string[] {
  const value = attr(entry, name);
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}
