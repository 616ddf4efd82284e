import { describe, expect, it } from "vitest";
import { bulkUserLdif } from "./bulk-import";
import { bulkName, userAttributes } from "./seed";

/** LDIF of one entry as attribute -> values (names lower-cased, as LDAP compares them). */
function parseLdif(text: string): { dn: string; attrs: Record<string, string[]> } {
  const attrs: Record<string, string[]> = {};
  let dn = "";
  for (const line of text.split("\n").filter(Boolean)) {
    const at = line.indexOf(": ");
    const [name, value] = [line.slice(0, at), line.slice(at + 2)];
    if (name === "dn") dn = value;
    else (attrs[name.toLowerCase()] ??= []).push(value);
  }
  return { dn, attrs };
}

describe("offline bulk import (lab/bulk-import.ts)", () => {
  it("writes each bulk user with exactly the attributes the LDAP seeding adds", () => {
    const i = 4242;
    const sam = bulkName(i);
    const fromLdif = parseLdif(bulkUserLdif(i, "OU=Bulk,DC=contoso,DC=test", "contoso.test"));
    const online: Record<string, string[]> = {};
    for (const a of userAttributes({
      cn: sam,
      sam,
      given: "Bulk",
      sn: String(i),
      upnDomain: "contoso.test",
      password: null,
    }))
      online[a.type.toLowerCase()] = a.values.map(String);
    expect(fromLdif.dn).toBe(`CN=${sam},OU=Bulk,DC=contoso,DC=test`);
    expect(fromLdif.attrs).toEqual(online);
  });
});
