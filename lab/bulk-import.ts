// Fast bulk users for large labs: an offline import into the DC's own database while samba is stopped. `ldbadd`
// on `private/sam.ldb` runs Samba's whole module stack (samldb allocates the RID and objectSid, the descriptor module
// computes the security descriptor from the parent's, repl_meta_data stamps the metadata), in one transaction, with
// no LDAP round trip, bind or ACL check per user. The users are the ones `lab up --bulk` adds over LDAP (same
// attributes, see seed.ts ensureBulk), and come out the same: bulk-import.integration.test.ts compares a sample.
// Measured (bench/README.md "Lab seeding"): the online add slows from about 180/s to 35/s as the OU grows.

import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { bulkName } from "./seed";
import { runTool as run } from "./run-tool";

/** One bulk user as LDIF, with the attributes of seed.ts userAttributes(password: null). */
export function bulkUserLdif(i: number, bulkOu: string, dnsDomain: string): string {
  const sam = bulkName(i);
  return [
    `dn: CN=${sam},${bulkOu}`,
    "objectClass: top",
    "objectClass: person",
    "objectClass: organizationalPerson",
    "objectClass: user",
    `cn: ${sam}`,
    `sAMAccountName: ${sam}`,
    `userPrincipalName: ${sam}@${dnsDomain}`,
    `displayName: ${sam}`,
    // NORMAL_ACCOUNT | ACCOUNTDISABLE, no password (seed.ts DISABLED_NO_PASSWORD).
    "userAccountControl: 514",
    "givenName: Bulk",
    `sn: ${i}`,
    "",
    "",
  ].join("\n");
}

/** Users per ldbadd run: each run is one transaction, and a transaction's cost per user grows with its size. */
export const BULK_IMPORT_CHUNK = 5_000;

/**
 * Adds the bulk users numbered `missing` to `bulkOu` in the stopped DC's database (`<sambaDir>/private/sam.ldb`),
 * BULK_IMPORT_CHUNK users per `ldbadd` run. The caller stops samba before and starts it after. Returns the seconds
 * it took. A failed run leaves the earlier chunks in place (each is complete); `lab up` adds what is still missing.
 */
export async function importBulkOffline(input: {
  sambaDir: string;
  bulkOu: string;
  dnsDomain: string;
  missing: readonly number[];
  log: (message: string) => void;
  chunk?: number;
}): Promise<number> {
  const started = Date.now();
  const chunk = Math.max(1, input.chunk ?? BULK_IMPORT_CHUNK);
  input.log(
    `importing ${input.missing.length} bulk users offline into ${input.bulkOu}, ${chunk} per transaction`,
  );
  for (let at = 0; at < input.missing.length; at += chunk) {
    const part = input.missing.slice(at, at + chunk);
    const file = path.join(input.sambaDir, "bulk-import.ldif");
    const out = createWriteStream(file, { mode: 0o600 });
    for (const i of part) {
      if (!out.write(bulkUserLdif(i, input.bulkOu, input.dnsDomain))) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    try {
      // --nosync: a throwaway lab needs no fsync per transaction (as ldb:nosync in smb.conf, samba.ts).
      // -o batch_mode: ldb's key-value store then runs the file as one transaction without a nested transaction per
      // record; without it every add copies the index lists it touches into its nested transaction and back, so
      // each add cost grows with the domain (measured: 2,000 users added to 11,000 took 30 s without, 3.7 s with).
      // Within one transaction the cost per user still grows with the transaction (100,000 users in one took over
      // 16 minutes; 10,000 into a domain of 50,000 took 23 s), hence the chunks (bench/README.md, "Lab seeding").
      await run("ldbadd", [
        "--nosync",
        "-o",
        "batch_mode",
        "-H",
        path.join(input.sambaDir, "private", "sam.ldb"),
        file,
      ]);
    } finally {
      await rm(file, { force: true });
    }
    const done = Math.min(at + chunk, input.missing.length);
    const seconds = (Date.now() - started) / 1000;
    input.log(`  ${done} of ${input.missing.length} (${Math.round(done / Math.max(seconds, 0.001))}/s)`);
  }
  const seconds = (Date.now() - started) / 1000;
  input.log(
    `  imported ${input.missing.length} bulk users in ${seconds.toFixed(1)} s (${Math.round(input.missing.length / Math.max(seconds, 0.001))}/s)`,
  );
  return seconds;
}
