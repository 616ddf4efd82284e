// Transient scenarios for the directory integration tests and the e2e journey. Each creates what it
// needs under its own OU (named per test run), and removes it again, so the shared lab stays as `lab up` seeded it;
// changes to shared objects (the domain root, the Password Settings Container, Legacy, the orphan) are captured first
// and restored exactly.

import { readFileSync } from "node:fs";
import { Attribute, Change, type Client } from "ldapts";
import { formatSddl, parseSddl } from "../lib/ad/sddl";
import {
  parseSecurityDescriptor,
  serializeSecurityDescriptor,
  INHERITED_ACE,
  SE_DACL_PROTECTED,
  type Ace,
} from "../lib/ad/security-descriptor";
import {
  addIfMissing,
  bindLdaps,
  encodeUnicodePwd,
  escapeDnValue,
  ldapResultCode,
  readSecurityDescriptor,
  SD_FLAGS_DACL,
  writeSecurityDescriptor,
} from "./ldap";
import { type LabSettings } from "./settings";

// Value imports from ./settings are avoided on purpose: it uses import.meta, which Playwright's loader (CommonJS)
// cannot run, and the e2e journey imports this file.
function readPasswordFile(file: string): string {
  return readFileSync(file, "utf8").replace(/\r?\n$/, "");
}

export function adminClient(settings: LabSettings): Promise<Client> {
  return bindLdaps(
    { url: settings.url, ca: { file: settings.caFile }, serverName: settings.serverName },
    settings.admin.dn,
    readPasswordFile(settings.admin.passwordFile),
  );
}

/** Reads an object's DACL as SDDL (domain aliases resolved with the lab's domain SID). */
export async function readDaclSddl(client: Client, settings: LabSettings, dn: string): Promise<string> {
  const sd = parseSecurityDescriptor(await readSecurityDescriptor(client, dn, SD_FLAGS_DACL));
  return formatSddl({ ...sd, owner: null, group: null, sacl: null }, { domainSid: settings.domainSid });
}

/** Writes a DACL given as SDDL (explicit entries only are kept; the DC recomputes inherited ones). */
export async function writeDaclSddl(
  client: Client,
  settings: LabSettings,
  dn: string,
  sddl: string,
): Promise<void> {
  const sd = parseSddl(sddl, { domainSid: settings.domainSid });
  const aces = (sd.dacl?.aces ?? []).filter((a: Ace) => !(a.flags & INHERITED_ACE));
  await writeSecurityDescriptor(
    client,
    dn,
    serializeSecurityDescriptor({ ...sd, owner: null, group: null, sacl: null, dacl: { revision: 4, aces } }),
    SD_FLAGS_DACL,
  );
}

/** Captures the DACLs (and adminCount) of shared objects so a test can put them back exactly. */
export async function captureObjects(
  client: Client,
  settings: LabSettings,
  dns: readonly string[],
): Promise<() => Promise<void>> {
  const saved: { dn: string; sddl: string; adminCount: string | null }[] = [];
  for (const dn of dns) {
    const { searchEntries } = await client.search(dn, {
      scope: "base",
      filter: "(objectClass=*)",
      attributes: ["adminCount"],
    });
    const ac = searchEntries[0]?.adminCount;
    saved.push({
      dn,
      sddl: await readDaclSddl(client, settings, dn),
      adminCount: typeof ac === "string" ? ac : null,
    });
  }
  return async () => {
    for (const s of saved) {
      if ((await readDaclSddl(client, settings, s.dn)) !== s.sddl)
        await writeDaclSddl(client, settings, s.dn, s.sddl);
      const values = s.adminCount === null ? [] : [s.adminCount];
      await client
        .modify(
          s.dn,
          new Change({
            operation: s.adminCount === null ? "delete" : "replace",
            modification: new Attribute({ type: "adminCount", values }),
          }),
        )
        .catch((error: unknown) => {
          if (ldapResultCode(error) !== 16) throw error; // already absent
        });
    }
  };
}

export interface ScenarioOu {
  dn: string;
  users: string[];
}

/**
 * Creates OU=<name> under `parent` (default: the domain root) with `users` plain users. `protect`: inheritance disabled (converting the
 * inherited entries, as ADUC does) — then delegations above do not reach the users. `extraAces`: SDDL ACE strings
 * added to the OU's explicit entries (e.g. a deny, or a delegation).
 */
export async function createScenarioOu(
  client: Client,
  settings: LabSettings,
  name: string,
  options: { users: number; protect?: boolean; extraAces?: string[]; dropSid?: string; parent?: string },
): Promise<ScenarioOu> {
  const dn = `OU=${escapeDnValue(name)},${options.parent ?? settings.baseDn}`;
  await addIfMissing(client, dn, [
    new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] }),
    new Attribute({ type: "description", values: ["wizard test scenario (temporary)"] }),
  ]);
  // Permissions first, users after: Samba 4.17 does not take inherited entries away from existing children when
  // a parent becomes protected (Windows re-propagates), so users added later get exactly what the OU passes on.
  if (options.protect || options.extraAces) {
    const sd = parseSecurityDescriptor(await readSecurityDescriptor(client, dn, SD_FLAGS_DACL));
    let aces = (sd.dacl?.aces ?? []).map((a) => ({
      ...a,
      flags: options.protect ? a.flags & ~INHERITED_ACE : a.flags,
    }));
    if (!options.protect) aces = aces.filter((a) => !(a.flags & INHERITED_ACE));
    if (options.dropSid) aces = aces.filter((a) => !("sid" in a) || a.sid !== options.dropSid);
    const extra = (options.extraAces ?? []).flatMap(
      (ace) => parseSddl(`D:${ace}`, { domainSid: settings.domainSid }).dacl?.aces ?? [],
    );
    const control = options.protect ? sd.control | SE_DACL_PROTECTED : sd.control;
    await writeSecurityDescriptor(
      client,
      dn,
      serializeSecurityDescriptor({
        ...sd,
        owner: null,
        group: null,
        sacl: null,
        control,
        dacl: {
          revision: 4,
          aces: [
            ...extra.filter((a) => a.type === 1 || a.type === 6),
            ...aces,
            ...extra.filter((a) => a.type !== 1 && a.type !== 6),
          ],
        },
      }),
      SD_FLAGS_DACL,
    );
  }
  const password = readPasswordFile(settings.userPasswordFile);
  const users: string[] = [];
  for (let i = 1; i <= options.users; i++) {
    const cn = `${name}-user-${i}`;
    const sam = `t5${Buffer.from(name).toString("hex").slice(0, 8)}${i}`.slice(0, 20);
    const userDn = `CN=${escapeDnValue(cn)},${dn}`;
    await addIfMissing(client, userDn, [
      new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
      new Attribute({ type: "sAMAccountName", values: [sam] }),
      new Attribute({ type: "unicodePwd", values: [encodeUnicodePwd(password)] }),
      new Attribute({ type: "userAccountControl", values: ["512"] }),
    ]);
    users.push(userDn);
  }
  return { dn, users };
}

/** Deletes an OU and everything below it (children first). */
export async function removeTree(client: Client, dn: string): Promise<void> {
  let entries: { dn: string }[] = [];
  try {
    entries = (await client.search(dn, { scope: "sub", filter: "(objectClass=*)", attributes: ["1.1"] }))
      .searchEntries;
  } catch (error) {
    if (ldapResultCode(error) === 32) return;
    throw error;
  }
  const depth = (d: string): number => d.split(/(?<!\\),/).length;
  for (const e of [...entries].sort((a, b) => depth(b.dn) - depth(a.dn))) {
    await client.del(e.dn).catch((error: unknown) => {
      if (ldapResultCode(error) !== 32) throw error;
    });
  }
}

/** Adds one ACE (SDDL) to an object's explicit entries; returns a function that restores the DACL as it was. */
export async function withExtraAce(
  client: Client,
  settings: LabSettings,
  dn: string,
  ace: string,
): Promise<() => Promise<void>> {
  const restore = await captureObjects(client, settings, [dn]);
  const sd = parseSecurityDescriptor(await readSecurityDescriptor(client, dn, SD_FLAGS_DACL));
  const explicit = (sd.dacl?.aces ?? []).filter((a) => !(a.flags & INHERITED_ACE));
  const added = parseSddl(`D:${ace}`, { domainSid: settings.domainSid }).dacl?.aces ?? [];
  const denies = added.filter((a) => a.type === 1 || a.type === 6);
  const allows = added.filter((a) => !(a.type === 1 || a.type === 6));
  await writeSecurityDescriptor(
    client,
    dn,
    serializeSecurityDescriptor({
      ...sd,
      owner: null,
      group: null,
      sacl: null,
      dacl: { revision: 4, aces: [...denies, ...allows, ...explicit] },
    }),
    SD_FLAGS_DACL,
  );
  return restore;
}
