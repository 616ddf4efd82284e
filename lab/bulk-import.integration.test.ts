// The offline bulk import against the LDAP seeding, on a lab that was seeded with it (`lab up --bulk N`, the default
// way): a user the import wrote and a user added over LDAP the way seed.ts adds bulk users must come out the same —
// attributes the DC fills in, owner, group and DACL. Opt-in: SSPR_BULK_LAB_DIR names the lab (the shared lab has no
// bulk users), e.g. SSPR_BULK_LAB_DIR=/work/lab-bulk REQUIRE_INTEGRATION=1 npx vitest run lab/bulk-import.integration

import { readFileSync } from "node:fs";
import { Client } from "ldapts";
import { describe, expect, it } from "vitest";
import { readSecurityDescriptor } from "./ldap";
import { aceToSddl, parseLabSd, sidFromBytes } from "./sd-codec";
import { bulkName, userAttributes } from "./seed";
import { loadLabSettings, readLabPassword } from "./settings";

const dir = process.env.SSPR_BULK_LAB_DIR;
const SAME = [
  "objectClass",
  "objectCategory",
  "userAccountControl",
  "sAMAccountType",
  "primaryGroupID",
  "instanceType",
  "pwdLastSet",
  "accountExpires",
  "codePage",
  "countryCode",
  "givenName",
];

describe.skipIf(!dir)("offline bulk import against the LDAP seeding (lab)", () => {
  it("an imported bulk user and one added over LDAP have the same attributes, owner, group and DACL", async () => {
    const s = loadLabSettings(dir);
    const admin = new Client({
      url: s.url,
      tlsOptions: { ca: [readFileSync(s.caFile)], servername: s.serverName },
    });
    await admin.bind(s.admin.dn, readLabPassword(s.admin.passwordFile));
    const sam = `bcmp-${Date.now().toString(36)}`;
    const online = `CN=${sam},${s.seed.ous.bulk}`;
    try {
      await admin.add(
        online,
        userAttributes({ cn: sam, sam, given: "Bulk", sn: "0", upnDomain: s.dnsDomain, password: null }),
      );
      const read = async (dn: string) => {
        const e = (await admin.search(dn, { scope: "base", attributes: SAME })).searchEntries[0]!;
        const sd = parseLabSd(await readSecurityDescriptor(admin, dn, 7));
        return {
          attrs: Object.fromEntries(SAME.map((a) => [a, e[a]])),
          control: sd.control,
          owner: sidFromBytes(sd.owner!).sid,
          group: sidFromBytes(sd.group!).sid,
          dacl: sd.dacl?.aces.map(aceToSddl),
        };
      };
      // bulk-00001 .. are written by the offline import when `lab up --bulk` found them missing.
      expect(await read(`CN=${bulkName(1)},${s.seed.ous.bulk}`)).toEqual(await read(online));
    } finally {
      await admin.del(online).catch(() => undefined);
      await admin.unbind().catch(() => undefined);
    }
  }, 60_000);
});
