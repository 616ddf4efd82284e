// The DC side of the differential test: a pool of throwaway OUs and users, writing a case's ACEs,
// reading the user's descriptor back and trying the three writeback operations as the connector.
// The DC's answers are the ground truth the engine is compared with.

import { Attribute, type Client } from "ldapts";

import { type Decision, caseAceToLabAce, type DiffCase, type PrincipalSids } from "./differential";
import {
  addIfMissing,
  bindLdaps,
  encodeUnicodePwd,
  LDAP_INSUFFICIENT_ACCESS,
  ldapResultCode,
  readSecurityDescriptor,
  replaceChange,
  SD_FLAGS_DACL,
  SD_FLAGS_GROUP,
  SD_FLAGS_OWNER,
  unicodePwdReplace,
  writeSecurityDescriptor,
} from "./ldap";
import {
  INHERITED_ACE,
  type LabAce,
  type LabSecurityDescriptor,
  parseLabSd,
  SE_DACL_PROTECTED,
  serializeLabSd,
} from "./sd-codec";
import { generatePassword } from "./seed";
import { labLdapsOptions, type LabSettings, readLabPassword } from "./settings";

interface PoolObject {
  dn: string;
  /** The object's own (explicit) ACEs right after creation, and its control bits. */
  baseline: { control: number; aces: LabAce[] };
}

export interface Slot {
  index: number;
  admin: Client;
  connector: Client;
  /** OU=Slot<k> (the "grandparent" for depth-2 users, the parent for depth-1 users). */
  outer: PoolObject;
  /** OU=Inner,OU=Slot<k>. */
  inner: PoolObject;
  /** User directly in `outer`. */
  userShallow: PoolObject;
  /** User in `inner`. */
  userDeep: PoolObject;
}

export interface Pool {
  rootDn: string;
  slots: Slot[];
  close: () => Promise<void>;
}

export type OpOutcome = { allowed: boolean } | { error: string };

export interface DcObservation {
  userDn: string;
  /** The user's descriptor as the DC returns it (owner, group, DACL; SD flags 7). */
  sd: Uint8Array;
  outcomes: Record<keyof Decision, OpOutcome>;
}

async function baseline(client: Client, dn: string): Promise<PoolObject> {
  const sd = parseLabSd(await readSecurityDescriptor(client, dn, SD_FLAGS_DACL));
  return {
    dn,
    baseline: { control: sd.control, aces: (sd.dacl?.aces ?? []).filter((a) => !(a.flags & INHERITED_ACE)) },
  };
}

async function addOu(client: Client, dn: string): Promise<void> {
  await addIfMissing(client, dn, [
    new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] }),
  ]);
}

async function addUser(client: Client, dn: string, sam: string): Promise<void> {
  await addIfMissing(client, dn, [
    new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
    new Attribute({ type: "sAMAccountName", values: [sam] }),
    new Attribute({ type: "unicodePwd", values: [encodeUnicodePwd(generatePassword())] }),
    new Attribute({ type: "userAccountControl", values: ["512"] }),
  ]);
}

/**
 * Creates OU=Differential-<runId> with `slots` independent slots. The root OU's inheritance is
 * disabled (inherited ACEs converted to explicit ones, so the domain defaults stay) and every ACE for
 * the connector or its groups is dropped, so the lab's own root delegation cannot leak into cases.
 */
export async function createPool(
  settings: LabSettings,
  runId: string,
  slots: number,
  excludeSids: ReadonlySet<string>,
): Promise<Pool> {
  const ldaps = labLdapsOptions(settings);
  const adminPassword = readLabPassword(settings.admin.passwordFile);
  const connectorPassword = readLabPassword(settings.connector.passwordFile);
  const setup = await bindLdaps(ldaps, settings.admin.dn, adminPassword);
  const rootDn = `OU=Differential-${runId},${settings.baseDn}`;
  const created: Slot[] = [];
  try {
    await addOu(setup, rootDn);
    const rootSd = parseLabSd(await readSecurityDescriptor(setup, rootDn, SD_FLAGS_DACL));
    rootSd.control |= SE_DACL_PROTECTED;
    rootSd.dacl = {
      revision: 4,
      aces: (rootSd.dacl?.aces ?? [])
        .filter((a) => a.kind === "opaque" || !excludeSids.has(a.sid))
        .map((a) => ({ ...a, flags: a.flags & ~INHERITED_ACE })),
    };
    await writeSecurityDescriptor(setup, rootDn, serializeLabSd(rootSd), SD_FLAGS_DACL);

    for (let k = 0; k < slots; k += 1) {
      const outerDn = `OU=Slot${k},${rootDn}`;
      const innerDn = `OU=Inner,${outerDn}`;
      const shallowDn = `CN=diff-${runId}-${k}a,${outerDn}`;
      const deepDn = `CN=diff-${runId}-${k}b,${innerDn}`;
      await addOu(setup, outerDn);
      await addOu(setup, innerDn);
      // sAMAccountName is limited to 20 characters.
      await addUser(setup, shallowDn, `d${runId.slice(-8)}${k}a`);
      await addUser(setup, deepDn, `d${runId.slice(-8)}${k}b`);
      const admin = await bindLdaps(ldaps, settings.admin.dn, adminPassword);
      const connector = await bindLdaps(ldaps, settings.connector.dn, connectorPassword);
      created.push({
        index: k,
        admin,
        connector,
        outer: await baseline(setup, outerDn),
        inner: await baseline(setup, innerDn),
        userShallow: await baseline(setup, shallowDn),
        userDeep: await baseline(setup, deepDn),
      });
    }
  } finally {
    await setup.unbind().catch(() => undefined);
  }

  const close = async (): Promise<void> => {
    const cleanup = await bindLdaps(ldaps, settings.admin.dn, adminPassword);
    try {
      await deleteTree(cleanup, rootDn);
    } finally {
      await cleanup.unbind().catch(() => undefined);
      for (const slot of created) {
        await slot.admin.unbind().catch(() => undefined);
        await slot.connector.unbind().catch(() => undefined);
      }
    }
  };
  return { rootDn, slots: created, close };
}

/** Deletes a subtree, deepest entries first (no tree-delete control needed). */
export async function deleteTree(client: Client, dn: string): Promise<void> {
  const { searchEntries } = await client.search(dn, {
    scope: "sub",
    filter: "(objectClass=*)",
    attributes: ["1.1"],
  });
  const dns = searchEntries.map((e) => e.dn).sort((a, b) => b.split(",").length - a.split(",").length);
  for (const entry of dns) await client.del(entry);
}

function withAces(obj: PoolObject, aces: LabAce[], protect: boolean): Uint8Array {
  const sd: LabSecurityDescriptor = {
    revision: 1,
    control: protect ? obj.baseline.control | SE_DACL_PROTECTED : obj.baseline.control & ~SE_DACL_PROTECTED,
    // The case's ACEs first, in the generated order, then the object's defaults.
    dacl: { revision: 4, aces: [...aces, ...obj.baseline.aces] },
  };
  return serializeLabSd(sd);
}

async function attempt(op: () => Promise<void>): Promise<OpOutcome> {
  try {
    await op();
    return { allowed: true };
  } catch (error) {
    if (ldapResultCode(error) === LDAP_INSUFFICIENT_ACCESS) return { allowed: false };
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Writes the case onto the slot's objects, reads the user's descriptor back, and asks the DC. */
export async function runCaseOnDc(slot: Slot, c: DiffCase, sids: PrincipalSids): Promise<DcObservation> {
  const user = c.depth === 1 ? slot.userShallow : slot.userDeep;
  const grandparent = c.depth === 1 ? undefined : slot.outer;
  const on = (target: "user" | "parent" | "grandparent"): LabAce[] =>
    c.aces.filter((a) => a.placement === target).map((a) => caseAceToLabAce(a, sids));

  // Every case rewrites all the slot's containers (top down) so nothing of the previous case stays.
  await writeSecurityDescriptor(
    slot.admin,
    slot.outer.dn,
    withAces(slot.outer, grandparent ? on("grandparent") : on("parent"), false),
  );
  await writeSecurityDescriptor(
    slot.admin,
    slot.inner.dn,
    withAces(slot.inner, grandparent ? on("parent") : [], false),
  );
  await writeSecurityDescriptor(slot.admin, user.dn, withAces(user, on("user"), c.protectedUser));

  const sd = await readSecurityDescriptor(
    slot.admin,
    user.dn,
    SD_FLAGS_OWNER | SD_FLAGS_GROUP | SD_FLAGS_DACL,
  );
  const outcomes: DcObservation["outcomes"] = {
    resetPassword: await attempt(() => slot.connector.modify(user.dn, unicodePwdReplace(generatePassword()))),
    writeLockoutTime: await attempt(() =>
      slot.connector.modify(user.dn, replaceChange("lockoutTime", ["0"])),
    ),
    writePwdLastSet: await attempt(() => slot.connector.modify(user.dn, replaceChange("pwdLastSet", ["0"]))),
  };
  return { userDn: user.dn, sd, outcomes };
}
