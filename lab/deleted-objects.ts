// Samba only: let the lab's DirSync account see tombstones. Windows answers DirSync from replication, deletions
// included, to any caller holding Replicating Directory Changes (MS-DRSR 5.115.3: no per-object access check without
// the object-security flag); Samba 4.17 still applies the Deleted Objects container's permissions, which let only
// SYSTEM and Administrators list it (lab/KNOWN-DIFFERENCES.md). Granting List Contents and Read Property there is
// what Microsoft documents for non-administrators that poll for changes (KB 892806, `dsacls … /takeownership` then
// `/G …:LCRP`); the lab writes it straight into the stopped-or-running DC's database, since over LDAP only SYSTEM may
// change that container's permissions.

import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runTool as run, unfoldLdif } from "./run-tool";

/** Adds (A;;LCRP;;;<sid>) to CN=Deleted Objects of `baseDn` unless present; true when it was added. */
export async function grantDeletedObjectsRead(
  sambaDir: string,
  baseDn: string,
  sid: string,
): Promise<boolean> {
  if (!/^S-1-5-21(-\d+){4}$/.test(sid)) throw new Error(`not a domain account SID: ${sid}`);
  const samLdb = path.join(sambaDir, "private", "sam.ldb");
  const dn = `CN=Deleted Objects,${baseDn}`;
  const found = unfoldLdif(
    await run("ldbsearch", [
      "-H",
      samLdb,
      "--controls=show_deleted:1",
      "--controls=sd_flags:1:4",
      "-b",
      dn,
      "-s",
      "base",
      "nTSecurityDescriptor",
    ]),
  );
  const sddl = /^nTSecurityDescriptor: (.+)$/m.exec(found)?.[1]?.trim();
  if (!sddl?.startsWith("D:")) throw new Error(`could not read the permissions of ${dn}`);
  const ace = `(A;;LCRP;;;${sid})`;
  if (sddl.includes(ace)) return false;
  const file = path.join(sambaDir, "deleted-objects.ldif");
  await writeFile(
    file,
    `dn: ${dn}\nchangetype: modify\nreplace: nTSecurityDescriptor\nnTSecurityDescriptor: ${sddl}${ace}\n`,
    { mode: 0o600 },
  );
  try {
    await run("ldbmodify", ["-H", samLdb, "--controls=show_deleted:1", "--controls=sd_flags:1:4", file]);
  } finally {
    await rm(file, { force: true });
  }
  return true;
}
