// Regenerates the sandbox directory (lib/sandbox/contoso-snapshot.json) from the Samba lab:
//
//   node cli/bin.mjs lab up --scenario undelegated     # bulk users are left out of the export anyway
//   node --import tsx lab/export-sandbox-fixture.ts [--dir .lab]
//   npx prettier --write lib/sandbox/contoso-snapshot.json
//
// It reads the lab with the wizard's read-only account (exactly what the wizard would read over LDAPS), keeps the
// seeded people, the connector and the wizard's account (not OU=Bulk), adds each user's pwdLastSet, and gives six
// lab people the names of the sandbox tenant's synchronised users (lib/sandbox/tenant-model.ts), so that
// the simulated tenant and the simulated directory describe one organisation. Only distinguished names change;
// descriptors, SIDs and everything the checks read stay as the lab returned them. The file is refused when any of
// the lab's passwords appears in it.

import { writeFileSync } from "node:fs";
import path from "node:path";
import { exportSnapshot } from "@/lib/directory/export-snapshot";
import { LdapDirectory } from "@/lib/directory/ldap-adapter";
import { installLdaptsParsePatch } from "@/lib/directory/ldapts-parse-patch";
import { parseSnapshot } from "@/lib/directory/snapshot";
import { dateToFileTime, parentDn } from "@/lib/directory/dn";
import { defaultLabDir, labWizardConnection, loadLabSettings, readLabPassword, repoRoot } from "./settings";

/** Lab person (by position in an OU) -> the sandbox tenant's display name. */
const RENAMES: { ou: "staff" | "sales" | "corp"; index: number; name: string }[] = [
  { ou: "staff", index: 0, name: "Terry Test" },
  { ou: "staff", index: 1, name: "Morgan Marketing" },
  { ou: "staff", index: 2, name: "Robin Research" },
  { ou: "sales", index: 5, name: "Sam Sales" },
  { ou: "sales", index: 6, name: "Taylor Temp" },
];

async function main(): Promise<void> {
  const dirArg = process.argv.indexOf("--dir");
  const dir =
    dirArg >= 0 && process.argv[dirArg + 1] ? path.resolve(process.argv[dirArg + 1]!) : defaultLabDir();
  const s = loadLabSettings(dir);
  installLdaptsParsePatch();
  const port = await LdapDirectory.open(labWizardConnection(s));
  try {
    const ous = s.seed.ous;
    const scope = [ous.corp, ous.legacy, `CN=Users,${s.baseDn}`];
    const snapshot = await exportSnapshot(port, { connector: s.connector.dn, scope });
    for (const domain of snapshot.domains) {
      for (const user of domain.users) {
        const found = user.sid ? await port.findUserBySid(user.sid) : null;
        user.pwdLastSet = found?.pwdLastSet ? dateToFileTime(found.pwdLastSet) : null;
      }
      const rename = (from: string, name: string): void => {
        const user = domain.users.find((u) => u.dn.toLowerCase() === from.toLowerCase());
        if (!user) throw new Error(`${from} is not in the export`);
        user.dn = `CN=${name},${parentDn(user.dn)}`;
      };
      for (const r of RENAMES) {
        const parent = ous[r.ou].toLowerCase();
        const people = domain.users.filter(
          (u) =>
            parentDn(u.dn)?.toLowerCase() === parent &&
            u.adminCount == null &&
            u.dn.toLowerCase() !== s.seed.orphanedAdminDn.toLowerCase(),
        );
        const person = people[r.index];
        if (!person) throw new Error(`no person #${r.index} in ${ous[r.ou]}`);
        rename(person.dn, r.name);
      }
      rename(s.seed.protectedAdminDn, "Pat Protected");
    }
    const text = `${JSON.stringify(parseSnapshot(snapshot), null, 2)}\n`;
    for (const file of [s.admin.passwordFile, s.wizard.passwordFile, s.connector.passwordFile]) {
      const secret = readLabPassword(file);
      if (secret && text.includes(secret))
        throw new Error(`a lab password (${path.basename(file)}) is in the export`);
    }
    const usersPassword = readLabPassword(path.join(dir, "users.password"));
    if (usersPassword && text.includes(usersPassword))
      throw new Error("the people's lab password is in the export");
    const out = path.join(repoRoot(), "lib/sandbox/contoso-snapshot.json");
    writeFileSync(out, text);
    const users = snapshot.domains.reduce((n, d) => n + d.users.length, 0);
    console.log(`wrote ${out} (${users} users, ${snapshot.domains[0]?.containers.length ?? 0} containers)`);
  } finally {
    await port.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
