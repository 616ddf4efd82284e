// Differential test of delta re-checks (lib/directory/delta.ts) on the lab: from one full scan, a seeded random
// sequence of real changes inside this test's own OU (grant and revoke the writeback rights on users and OUs,
// protect and unprotect OUs and users, move users between OUs, add the connector to a group and take it out, delete
// and add users, rename an OU); after each change the delta re-check's verdict, summary, counts and findings must
// equal a fresh full scan's.
//
// The test uses its own connector account and group inside its own OU (scope = that OU), so other suites that share
// the lab see nothing of it, and it removes the OU at the end.
// Time-bounded: DELTA_DIFF_MS (default 45 s in CI) and DELTA_DIFF_SEED to replay a run; the seed is printed.
// Both ways of finding changes run: `listing` (svc-wizard, read-only: every user listed with uSNChanged) and `dirsync`
// (svc-wizard-sync, which also holds Replicating Directory Changes: DirSync names the changed objects).
// Excluded cases: in `dirsync` mode, protecting a user or OU always keeps copies of the inherited entries. Windows
// answers DirSync without checking the reader's rights on each object (MS-DRSR 5.115.3); Samba 4.17 checks them, and
// an object protected with its inherited entries removed leaves Authenticated Users without read, so Samba would not
// report its later changes or its deletion (lab/KNOWN-DIFFERENCES.md). `listing` mode still covers those cases.
// Samba does not re-propagate inheritance when an OU is protected (KNOWN-DIFFERENCES.md), which makes the lab's
// descendants keep copies Windows would drop; the delta reads a changed OU's whole subtree again, and then every user
// still holding what its OU no longer passes on, so the full scan and the delta read the same descriptors and must
// agree.

import { Attribute, Change, type Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { ShowDeletedControl } from "@/lib/directory/dirsync-control";
import { LdapDirectory } from "@/lib/directory/ldap-adapter";
import { type DeltaBaseline, USER_BIT } from "@/lib/directory/delta";
import { DirectoryScanner, type StepScan } from "@/lib/directory/scan";
import { scanVerdict } from "@/lib/verify/verdicts/directory";

import { createPrng } from "./differential";
import {
  bindLdaps,
  escapeDnValue,
  readObjectSid,
  readSecurityDescriptor,
  SD_FLAGS_DACL,
  writeSecurityDescriptor,
} from "./ldap";
import { INHERITED_ACE, type LabAce, parseLabSd, SE_DACL_PROTECTED, serializeLabSd } from "./sd-codec";
import { writebackDelegationAces } from "./seed";
import {
  type LabSettings,
  labLdapsOptions,
  labWizardConnection,
  labWizardSyncConnection,
  readLabPassword,
} from "./settings";
import { integrationLab, requireSettings } from "./test-support";

const lab = integrationLab();

const BUDGET_MS = Number(process.env.DELTA_DIFF_MS ?? 45_000);

/**
 * How the delta finds what changed: `listing` as svc-wizard (read-only, lists every user with uSNChanged), `dirsync`
 * as svc-wizard-sync (also holds Replicating Directory Changes, so DirSync names the changes).
 */
const MODES = ["listing", "dirsync"] as const;
type Mode = (typeof MODES)[number];
const openAs = (settings: LabSettings, mode: Mode): Promise<LdapDirectory> =>
  LdapDirectory.open(
    (mode === "dirsync" ? labWizardSyncConnection : labWizardConnection)(settings, {
      baseDn: settings.baseDn,
    }),
  );

function comparable(scan: StepScan) {
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    verdict: scanVerdict(scan),
    summary: scan.summary,
    users: scan.facts.users,
    findings: scan.findings.map((f) => JSON.stringify(f)).sort(order),
  };
}

describe.skipIf(lab.skip)("delta re-checks equal a full scan (differential, lab)", () => {
  const s = lab.skip ? undefined : requireSettings(lab);
  const tag = `delta-${Date.now().toString(36)}-${process.pid}`;
  const root = s ? `OU=${tag},${s.baseDn}` : "";
  let admin: Client;
  let connectorDn = "";
  let connectorSid = "";
  let groupDn = "";
  let groupSid = "";
  const ous: string[] = [];
  const users: string[] = [];
  let nextUser = 0;

  const dacl = async (dn: string) => parseLabSd(await readSecurityDescriptor(admin, dn, SD_FLAGS_DACL));
  const writeDacl = async (dn: string, sd: ReturnType<typeof parseLabSd>) =>
    writeSecurityDescriptor(admin, dn, serializeLabSd(sd), SD_FLAGS_DACL);
  const grantAces = (sid: string, onUser: boolean): LabAce[] =>
    writebackDelegationAces(sid).map((a) =>
      onUser && a.kind === "object" ? { ...a, flags: 0, inheritedObjectType: undefined } : a,
    );
  const same = (a: LabAce, b: LabAce) =>
    JSON.stringify({ ...a, flags: a.flags & ~INHERITED_ACE }) ===
    JSON.stringify({ ...b, flags: b.flags & ~INHERITED_ACE });

  async function addUser(parent: string): Promise<string> {
    const cn = `${tag}-u${nextUser++}`;
    const dn = `CN=${escapeDnValue(cn)},${parent}`;
    await admin.add(dn, [
      new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
      new Attribute({ type: "sAMAccountName", values: [cn.slice(-20)] }),
      new Attribute({ type: "userAccountControl", values: ["514"] }),
    ]);
    users.push(dn);
    return dn;
  }

  beforeAll(async () => {
    if (!s) return;
    admin = await bindLdaps(labLdapsOptions(s), s.admin.dn, readLabPassword(s.admin.passwordFile));
    await admin.add(root, [new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] })]);
    for (const name of ["A", "B", "C"]) {
      const dn = `OU=${name},${root}`;
      await admin.add(dn, [new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] })]);
      ous.push(dn);
    }
    connectorDn = `CN=${escapeDnValue(`MSOL_${tag}`.slice(0, 20))},${root}`;
    await admin.add(connectorDn, [
      new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
      new Attribute({ type: "sAMAccountName", values: [`M${tag}`.slice(0, 19)] }),
      new Attribute({ type: "userAccountControl", values: ["514"] }),
    ]);
    connectorSid = await readObjectSid(admin, connectorDn);
    groupDn = `CN=${tag}-g,${root}`;
    await admin.add(groupDn, [
      new Attribute({ type: "objectClass", values: ["top", "group"] }),
      new Attribute({ type: "sAMAccountName", values: [`G${tag}`.slice(0, 19)] }),
      new Attribute({ type: "groupType", values: ["-2147483646"] }),
    ]);
    groupSid = await readObjectSid(admin, groupDn);
    // The group holds the writeback rights on OU=C: the connector gets them there only while it is a member.
    const c = await dacl(ous[2]!);
    c.dacl = { revision: 4, aces: [...grantAces(groupSid, false), ...(c.dacl?.aces ?? [])] };
    await writeDacl(ous[2]!, c);
    for (const ou of ous) for (let i = 0; i < 3; i++) await addUser(ou);
  }, 120_000);

  afterAll(async () => {
    if (!admin) return;
    // Leaves first, then the OUs (no tree-delete control needed).
    const { searchEntries } = await admin.search(root, {
      scope: "sub",
      filter: "(objectClass=*)",
      attributes: ["1.1"],
    });
    const dns = searchEntries.map((e) => e.dn).sort((a, b) => b.split(",").length - a.split(",").length);
    for (const dn of dns) await admin.del(dn).catch(() => undefined);
    await admin.unbind().catch(() => undefined);
  }, 120_000);

  /** A scanner over the test's own scope with its own connector, keeping the baseline in `box`. */
  const scanner = (port: LdapDirectory, box: { b: DeltaBaseline | null }, keep = true) =>
    new DirectoryScanner(
      port,
      { connector: connectorDn, confirmedConnectorDn: null, scope: [root] },
      {
        delta: {
          baseline: box.b,
          save: async (next) => {
            if (keep) box.b = next;
          },
        },
      },
    );

  /** A user of its own, a full scan that knows it (into `box`), then the user deleted; returns its DN. */
  const deletedAfterScan = async (port: LdapDirectory, box: { b: DeltaBaseline | null }) => {
    const victim = await addUser(ous[0]!);
    await scanner(port, box).run("connector-permissions");
    await admin.del(victim);
    users.splice(users.indexOf(victim), 1);
    return victim;
  };

  /** The delta's verdict, summary, counts and findings are a fresh full scan's. */
  const expectFullScanOf = async (port: LdapDirectory, delta: StepScan) =>
    expect(comparable(delta)).toEqual(
      comparable(await scanner(port, { b: null }, false).run("connector-permissions")),
    );

  // ms-fact: usnchanged-polling
  // ms-fact: dirsync-control
  it.each(MODES)(
    "a re-check after one change to one user reads that change only, and equals a full scan (%s)",
    async (mode) => {
      const settings = requireSettings(lab);
      const port = await openAs(settings, mode);
      try {
        const box: { b: DeltaBaseline | null } = { b: null };
        const full = await scanner(port, box).run("connector-permissions");
        expect(full.reading?.mode).toBe("full");
        expect(Boolean(box.b?.dirSync)).toBe(mode === "dirsync");
        const u = users[0]!;
        const sd = await dacl(u);
        sd.dacl = { revision: 4, aces: [...grantAces(connectorSid, true), ...(sd.dacl?.aces ?? [])] };
        await writeDacl(u, sd);
        const listing = vi.spyOn(port.changes, "userIds");
        const delta = await scanner(port, box).run("connector-permissions");
        expect(delta.reading).toMatchObject({ mode: "delta", method: mode, changes: 1 });
        if (mode === "dirsync") {
          expect(delta.reading?.sentence).toMatch(/^Read 1 change since \d\d:\d\d UTC\.$/);
          // No user was listed: DirSync named the one that changed.
          expect(listing).not.toHaveBeenCalled();
        } else {
          expect(delta.reading?.sentence).toMatch(
            /^Read 1 change since \d\d:\d\d UTC, after listing all \d+ users to find deleted and moved ones \(.+\)\.$/,
          );
          expect(listing).toHaveBeenCalled();
        }
        listing.mockRestore();
        await expectFullScanOf(port, delta);
        // Undo, for the next mode.
        sd.dacl = { revision: 4, aces: (sd.dacl?.aces ?? []).slice(3) };
        await writeDacl(u, sd);
      } finally {
        await port.close();
      }
    },
    120_000,
  );

  // ms-fact: invocation-id-restore
  it("a new invocationId (the DC was restored from a backup) means a full scan, saying why", async () => {
    const settings = requireSettings(lab);
    const port = await LdapDirectory.open(labWizardConnection(settings, { baseDn: settings.baseDn }));
    try {
      const box: { b: DeltaBaseline | null } = { b: null };
      await scanner(port, box).run("connector-permissions");
      expect(box.b).not.toBeNull();
      const restored = { ...box.b!, mark: { ...box.b!.mark, invocationId: "00".repeat(16) } };
      const again = await scanner(port, { b: restored }).run("connector-permissions");
      expect(again.reading?.sentence).toBe(
        "Full scan: the domain controller was restored from a backup (its invocation ID changed).",
      );
    } finally {
      await port.close();
    }
  }, 120_000);

  // ms-fact: sd-propagation-background
  it("the wizard's model of inheritance agrees with the DC's: on the seeded lab no user waits for propagation", async () => {
    // Samba propagates inheritable entries before a change returns, so every user here holds what its parent passes
    // on. A user flagged as waiting would mean the wizard computes inheritance differently from a real DC (and would
    // read that user again on every re-check).
    const settings = requireSettings(lab);
    const port = await LdapDirectory.open(labWizardConnection(settings, { baseDn: settings.baseDn }));
    try {
      const box: { b: DeltaBaseline | null } = { b: null };
      const full = await new DirectoryScanner(
        port,
        { connector: settings.connector.dn, confirmedConnectorDn: null, scope: [] },
        { delta: { baseline: null, save: async (next) => void (box.b = next) } },
      ).run("connector-permissions");
      expect(box.b?.users.length).toBeGreaterThan(40);
      expect(box.b?.users.filter((u) => u.r & USER_BIT.waiting).map((u) => u.dn)).toEqual([]);
      expect(full.reading?.sentence).not.toMatch(/still applying the change/);
      // An OU of this test's own, delegated after its users exist: the DC passes the entries down, and the wizard
      // finds the users holding exactly what the OU passes on.
      const ou = `OU=Inherit,${root}`;
      await admin.add(ou, [new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] })]);
      for (const n of [1, 2])
        await admin.add(`CN=${tag}-i${n},${ou}`, [
          new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
          new Attribute({ type: "sAMAccountName", values: [`${tag}-i${n}`.slice(-20)] }),
          new Attribute({ type: "userAccountControl", values: ["514"] }),
        ]);
      const sd = await dacl(ou);
      sd.dacl = { revision: 4, aces: [...grantAces(connectorSid, false), ...(sd.dacl?.aces ?? [])] };
      await writeDacl(ou, sd);
      const own: { b: DeltaBaseline | null } = { b: null };
      await scanner(port, own).run("connector-permissions");
      const inherit = own.b?.users.filter((u) => u.dn.toLowerCase().endsWith(ou.toLowerCase())) ?? [];
      expect(inherit.map((u) => u.r & (USER_BIT.ready | USER_BIT.waiting))).toEqual([
        USER_BIT.ready,
        USER_BIT.ready,
      ]);
      expect(own.b?.users.filter((u) => u.r & USER_BIT.waiting).map((u) => u.dn)).toEqual([]);
      for (const n of [1, 2]) await admin.del(`CN=${tag}-i${n},${ou}`);
      await admin.del(ou);
    } finally {
      await port.close();
    }
  }, 120_000);

  // ms-fact: deleted-objects-admin-only
  it("the read-only account sees no tombstones, so the delta proves a deletion with its listing", async () => {
    const settings = requireSettings(lab);
    const port = await LdapDirectory.open(labWizardConnection(settings, { baseDn: settings.baseDn }));
    const wizard = await bindLdaps(
      labLdapsOptions(settings),
      settings.wizard.dn,
      readLabPassword(settings.wizard.passwordFile),
    );
    try {
      const box: { b: DeltaBaseline | null } = { b: null };
      const victim = await deletedAfterScan(port, box);
      const cn = /^CN=([^,]+)/.exec(victim)![1]!;
      const tombstones = async (client: Client) =>
        (
          await client.search(
            settings.baseDn,
            { scope: "sub", filter: `(&(isDeleted=TRUE)(cn=${cn}*))`, attributes: ["objectGUID"] },
            new ShowDeletedControl(),
          )
        ).searchEntries.length;
      expect(await tombstones(admin)).toBe(1);
      expect(await tombstones(wizard)).toBe(0);
      const delta = await scanner(port, box).run("connector-permissions");
      expect(delta.reading?.mode).toBe("delta");
      await expectFullScanOf(port, delta);
    } finally {
      await wizard.unbind().catch(() => undefined);
      await port.close();
    }
  }, 120_000);

  // ms-fact: dirsync-rights
  it("with DirSync the tombstone itself says a user was deleted, and no user is listed", async () => {
    const settings = requireSettings(lab);
    const port = await openAs(settings, "dirsync");
    try {
      const box: { b: DeltaBaseline | null } = { b: null };
      const victim = await deletedAfterScan(port, box);
      const read = vi.spyOn(port.changes, "dirSync");
      const listing = vi.spyOn(port.changes, "userIds");
      const delta = await scanner(port, box).run("connector-permissions");
      expect(delta.reading).toMatchObject({ mode: "delta", method: "dirsync" });
      const answer = await read.mock.results[0]!.value;
      expect(answer.kind).toBe("changes");
      expect(
        answer.changes.some(
          (c: { dn: string; deleted: boolean }) =>
            c.deleted && c.dn.includes(/^CN=([^,]+)/.exec(victim)![1]!),
        ),
      ).toBe(true);
      expect(listing).not.toHaveBeenCalled();
      await expectFullScanOf(port, delta);
    } finally {
      await port.close();
    }
  }, 120_000);

  it("a DirSync cookie the DC refuses: the delta lists every user instead, and says why", async () => {
    const settings = requireSettings(lab);
    const port = await openAs(settings, "dirsync");
    try {
      const box: { b: DeltaBaseline | null } = { b: null };
      await scanner(port, box).run("connector-permissions");
      box.b = { ...box.b!, dirSync: Buffer.from("not a cookie of this DC").toString("base64") };
      const delta = await scanner(port, box).run("connector-permissions");
      expect(delta.reading?.method).toBe("listing");
      expect(delta.reading?.sentence).toMatch(
        /\(the domain controller refused the DirSync search \(LDAP result \d+\)\)\.$/,
      );
      await expectFullScanOf(port, delta);
    } finally {
      await port.close();
    }
  }, 120_000);

  it("an account without Replicating Directory Changes is told so, and the delta lists every user instead", async () => {
    const settings = requireSettings(lab);
    const port = await openAs(settings, "listing");
    try {
      expect(await port.changes.dirSync!(settings.baseDn, null, { changes: false })).toEqual({
        kind: "denied",
        reason: "the wizard's account does not hold Replicating Directory Changes on the domain",
      });
      const box: { b: DeltaBaseline | null } = { b: null };
      await scanner(port, box).run("connector-permissions");
      expect(box.b?.dirSync).toBeUndefined();
      expect(box.b?.dirSyncDenied).toBe(
        "the wizard's account does not hold Replicating Directory Changes on the domain",
      );
    } finally {
      await port.close();
    }
  }, 120_000);

  it.each(MODES)(
    "after each random change, the delta's verdict and findings equal a fresh full scan's (%s)",
    async (mode) => {
      const settings = requireSettings(lab);
      const seed = process.env.DELTA_DIFF_SEED ? Number(process.env.DELTA_DIFF_SEED) >>> 0 : Date.now() >>> 0;
      console.log(`delta differential (${mode}): DELTA_DIFF_SEED=${seed}`);
      const rnd = createPrng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      const port = await openAs(settings, mode);
      const scanSettings = { connector: connectorDn, confirmedConnectorDn: null, scope: [root] };
      let baseline: DeltaBaseline | null = null;
      const scanWith = async (b: DeltaBaseline | null, keep: boolean) =>
        new DirectoryScanner(port, scanSettings, {
          delta: {
            baseline: b,
            save: async (next) => {
              if (keep) baseline = next;
            },
          },
        }).run("connector-permissions");

      const ops: Record<string, () => Promise<string>> = {
        grantOu: async () => {
          const ou = pick(ous);
          const sd = await dacl(ou);
          sd.dacl = { revision: 4, aces: [...grantAces(connectorSid, false), ...(sd.dacl?.aces ?? [])] };
          await writeDacl(ou, sd);
          return `grant on ${ou}`;
        },
        revokeOu: async () => {
          const ou = pick(ous);
          const sd = await dacl(ou);
          const grant = grantAces(connectorSid, false);
          sd.dacl = {
            revision: 4,
            aces: (sd.dacl?.aces ?? []).filter(
              (a) => (a.flags & INHERITED_ACE) !== 0 || !grant.some((g) => same(a, g)),
            ),
          };
          await writeDacl(ou, sd);
          return `revoke on ${ou}`;
        },
        grantUser: async () => {
          const u = pick(users);
          const sd = await dacl(u);
          sd.dacl = { revision: 4, aces: [...grantAces(connectorSid, true), ...(sd.dacl?.aces ?? [])] };
          await writeDacl(u, sd);
          return `grant on ${u}`;
        },
        revokeUser: async () => {
          const u = pick(users);
          const sd = await dacl(u);
          const grant = grantAces(connectorSid, true);
          sd.dacl = {
            revision: 4,
            aces: (sd.dacl?.aces ?? []).filter(
              (a) => (a.flags & INHERITED_ACE) !== 0 || !grant.some((g) => same(a, g)),
            ),
          };
          await writeDacl(u, sd);
          return `revoke on ${u}`;
        },
        protect: async () => {
          const dn = rnd() < 0.5 ? pick(ous) : pick(users);
          const sd = await dacl(dn);
          if (sd.control & SE_DACL_PROTECTED) {
            sd.control &= ~SE_DACL_PROTECTED;
            await writeDacl(dn, sd);
            return `unprotect ${dn}`;
          }
          // Protecting keeps copies of the ACEs that were inherited, the way "Disable inheritance" offers to.
          sd.control |= SE_DACL_PROTECTED;
          // DirSync mode keeps the copies: see the header (Samba's DirSync checks the reader's rights per object).
          const keep = rnd() < 0.5 || mode === "dirsync";
          sd.dacl = {
            revision: 4,
            // A copy identical to an explicit entry is left out, as each protect/unprotect cycle would otherwise
            // add the inherited entries again: after a few thousand changes one user's ACL passed 64 KB, which
            // Windows refuses and Samba stores with its 16-bit AclSize wrapped (an unreadable descriptor).
            aces: (sd.dacl?.aces ?? [])
              .filter((a) => keep || !(a.flags & INHERITED_ACE))
              .map((a) => ({ ...a, flags: a.flags & ~INHERITED_ACE }))
              .filter((a, i, all) => all.findIndex((b) => JSON.stringify(b) === JSON.stringify(a)) === i),
          };
          await writeDacl(dn, sd);
          return `protect ${dn} (${keep ? "copies kept" : "inherited removed"})`;
        },
        moveUser: async () => {
          const u = pick(users);
          const to = pick(ous);
          const rdn = u.slice(0, u.indexOf(","));
          const next = `${rdn},${to}`;
          if (next.toLowerCase() === u.toLowerCase()) return "no move";
          await admin.modifyDN(u, next);
          users[users.indexOf(u)] = next;
          return `move ${rdn} to ${to}`;
        },
        joinGroup: async () => {
          try {
            await admin.modify(
              groupDn,
              new Change({
                operation: "add",
                modification: new Attribute({ type: "member", values: [connectorDn] }),
              }),
            );
            return "connector joins the group";
          } catch {
            await admin.modify(
              groupDn,
              new Change({
                operation: "delete",
                modification: new Attribute({ type: "member", values: [connectorDn] }),
              }),
            );
            return "connector leaves the group";
          }
        },
        deleteUser: async () => {
          if (users.length < 4) return "no delete";
          const u = pick(users);
          await admin.del(u);
          users.splice(users.indexOf(u), 1);
          return `delete ${u}`;
        },
        addUser: async () => `add ${await addUser(pick(ous))}`,
        renameOu: async () => {
          const ou = pick(ous);
          const name = /^OU=([^,]+)/.exec(ou)?.[1] ?? "X";
          const next = `OU=${name.length > 6 ? name.slice(0, 1) : `${name}r`},${root}`;
          await admin.modifyDN(ou, next.slice(0, next.indexOf(",")));
          ous[ous.indexOf(ou)] = next;
          for (let i = 0; i < users.length; i++)
            if (users[i]!.toLowerCase().endsWith(`,${ou.toLowerCase()}`))
              users[i] = `${users[i]!.slice(0, -ou.length)}${next}`;
          return `rename ${ou} to ${next}`;
        },
      };
      const names = Object.keys(ops);
      // Each mode starts from a tree with inheritance on everywhere (the other mode may have protected objects).
      for (const dn of [...ous, ...users]) {
        const sd = await dacl(dn);
        if (sd.control & SE_DACL_PROTECTED) {
          sd.control &= ~SE_DACL_PROTECTED;
          sd.dacl = { revision: 4, aces: (sd.dacl?.aces ?? []).filter((a) => !(a.flags & INHERITED_ACE)) };
          await writeDacl(dn, sd);
        }
      }
      try {
        const first = await scanWith(null, true);
        expect(first.reading?.mode).toBe("full");
        expect(baseline).not.toBeNull();
        const started = Date.now();
        let steps = 0;
        let deltas = 0;
        const fulls: string[] = [];
        while (Date.now() - started < BUDGET_MS) {
          const op = pick(names);
          const what = await ops[op]!();
          const delta = await scanWith(baseline, true);
          const full = await scanWith(null, false);
          steps++;
          if (process.env.DELTA_DIFF_VERBOSE)
            console.log(`${steps}. ${what} -> ${delta.reading?.sentence} ${delta.summary}`);
          if (delta.reading?.mode === "delta") deltas++;
          else fulls.push(`${op}: ${delta.reading?.sentence ?? ""}`);
          expect(
            comparable(delta),
            `step ${steps} (${what}), seed ${seed}: ${delta.reading?.sentence}`,
          ).toEqual(comparable(full));
        }
        console.log(
          `delta differential (${mode}): ${steps} changes, ${deltas} read as deltas; full scans: ${fulls.join(" | ") || "none"}`,
        );
        expect(steps).toBeGreaterThan(3);
        expect(deltas).toBeGreaterThan(0);
      } finally {
        await port.close();
      }
    },
    BUDGET_MS + 180_000,
  );
});
