// Delta re-checks with DirSync on a directory whose changes the test controls: the cases the Samba lab cannot show
// (Windows reports changes to objects the reader may not read, MS-DRSR 5.115.3; Samba filters them out), and the
// decisions the delta makes on DirSync's answer. The lab covers the rest (lab/delta.integration.test.ts).

import { describe, expect, it } from "vitest";
import { type DeltaBaseline, USER_BIT } from "./delta";
import { type ChangeReader, type DirSyncRead, type StreamOptions, type UserRecord } from "./port";
import { DirectoryScanner, type StepScan } from "./scan";
import { type Snapshot, SnapshotDirectory } from "./snapshot";
import { delegation, FIXTURE_CONNECTOR_SID, fixtureSnapshot } from "./testing/fixture";

const DOMAIN = "DC=contoso,DC=com";
const guidOf = (dn: string): string =>
  Buffer.from(dn.toLowerCase().padEnd(16, "#").slice(0, 16)).toString("hex");

/** The fixture with objectGUIDs, a DC position, and a DirSync answer the test sets. */
class ChangingDirectory extends SnapshotDirectory {
  answer: DirSyncRead = { kind: "changes", cookie: "cookie-1", changes: [] };
  listed = 0;
  /** objectGUID by current DN (a moved object keeps its GUID). */
  readonly guids = new Map<string, string>();

  constructor(readonly snap: Snapshot) {
    super(snap);
    for (const d of snap.domains) {
      for (const u of d.users) this.guids.set(u.dn.toLowerCase(), guidOf(u.dn));
      for (const c of d.containers) this.guids.set(c.dn.toLowerCase(), guidOf(c.dn));
    }
  }

  move(from: string, to: string): void {
    const user = this.snap.domains[0]!.users.find((u) => u.dn === from)!;
    user.dn = to;
    this.guids.set(to.toLowerCase(), this.guids.get(from.toLowerCase())!);
    this.guids.delete(from.toLowerCase());
  }

  remove(dn: string): void {
    const d = this.snap.domains[0]!;
    d.users = d.users.filter((u) => u.dn !== dn);
  }

  override async *users(base: string, options?: StreamOptions): AsyncIterable<UserRecord[]> {
    for await (const page of super.users(base, options))
      yield page.map((u) => ({ ...u, guid: this.guids.get(u.dn.toLowerCase()) }));
  }

  override async *containers(base: string, options?: StreamOptions) {
    for await (const page of super.containers(base, options))
      yield page.map((c) => ({ ...c, guid: this.guids.get(c.dn.toLowerCase()) }));
  }

  readonly changes: ChangeReader = {
    mark: async () => ({
      server: "CN=NTDS Settings,CN=DC01,CN=Servers",
      dnsHostName: "dc01.contoso.com",
      invocationId: "aa",
      highestCommittedUsn: "100",
    }),
    protectedUsers: (base) => this.protectedPages(base),
    userIds: (base) => this.idPages(base),
    user: async (dn) => {
      for await (const page of this.users(dn)) for (const u of page) if (u.dn === dn) return u;
      return null;
    },
    usersIn: (container) => this.childPages(container),
    dirSync: async (_domain, _cookie, options) =>
      options.changes ? this.answer : { kind: "changes", cookie: "cookie-0", changes: [] },
  };

  private async *childPages(container: string): AsyncIterable<UserRecord[]> {
    const parent = (dn: string) => dn.slice(dn.indexOf(",") + 1).toLowerCase();
    for await (const page of this.users(container))
      yield page.filter((u) => parent(u.dn) === container.toLowerCase());
  }

  private async *protectedPages(base: string): AsyncIterable<UserRecord[]> {
    for await (const page of this.users(base)) yield page.filter((u) => u.adminCount === 1);
  }

  private async *idPages(base: string): AsyncIterable<{ guid: string; dn: string; usn: string | null }[]> {
    for await (const page of this.users(base)) {
      this.listed += page.length;
      // Every user "changed": the listing path re-reads them all, which is right, only slower.
      yield page.map((u) => ({ guid: u.guid!, dn: u.dn, usn: "200" }));
    }
  }
}

const comparable = (s: StepScan) => ({ summary: s.summary, users: s.facts.users, findings: s.findings });

async function setUp(): Promise<{ port: ChangingDirectory; box: { b: DeltaBaseline | null } }> {
  const port = new ChangingDirectory(fixtureSnapshot());
  const box: { b: DeltaBaseline | null } = { b: null };
  const first = await scan(port, box);
  expect(first.reading?.mode).toBe("full");
  expect(box.b?.dirSync).toBe("cookie-0");
  return { port, box };
}

function scan(port: ChangingDirectory, box: { b: DeltaBaseline | null }, keep = true): Promise<StepScan> {
  return new DirectoryScanner(
    port,
    { connector: null, confirmedConnectorDn: null, scope: [] },
    {
      delta: {
        baseline: box.b,
        save: async (next) => {
          if (keep) box.b = next;
        },
      },
    },
  ).run("connector-permissions");
}

const fresh = (port: ChangingDirectory) => scan(port, { b: null }, false);

describe("delta re-checks with DirSync (Windows behaviour the lab cannot show)", () => {
  it("a tombstone removes its user, and nothing is listed", async () => {
    const { port, box } = await setUp();
    const victim = `CN=Cleo Costa,OU=Legacy,${DOMAIN}`;
    port.remove(victim);
    port.answer = {
      kind: "changes",
      cookie: "cookie-2",
      changes: [
        { guid: guidOf(victim), dn: `CN=Cleo Costa\\0ADEL:x,CN=Deleted Objects,${DOMAIN}`, deleted: true },
      ],
    };
    const delta = await scan(port, box);
    expect(delta.reading).toMatchObject({ mode: "delta", method: "dirsync", changes: 1 });
    expect(port.listed).toBe(0);
    expect(comparable(delta)).toEqual(comparable(await fresh(port)));
    expect(box.b?.dirSync).toBe("cookie-2");
  });

  it("a changed user the wizard can no longer read drops out, as it does from a full scan", async () => {
    // Windows reports it (no per-object access check in DirSync); reading it again finds nothing.
    const { port, box } = await setUp();
    const hidden = `CN=Ben Brandt,OU=Staff,${DOMAIN}`;
    port.remove(hidden);
    port.answer = {
      kind: "changes",
      cookie: "cookie-2",
      changes: [{ guid: guidOf(hidden), dn: hidden, deleted: false }],
    };
    const delta = await scan(port, box);
    expect(delta.reading?.mode).toBe("delta");
    expect(delta.facts.users?.total).toBe((await fresh(port)).facts.users?.total);
    expect(comparable(delta)).toEqual(comparable(await fresh(port)));
  });

  it("a user moved between OUs is judged at its new place; one moved out of scope leaves it", async () => {
    const { port, box } = await setUp();
    const from = `CN=Dev Dubois,OU=Legacy,${DOMAIN}`;
    const to = `CN=Dev Dubois,OU=Staff,${DOMAIN}`;
    port.move(from, to);
    port.answer = {
      kind: "changes",
      cookie: "c2",
      changes: [{ guid: guidOf(from), dn: to, deleted: false }],
    };
    const moved = await scan(port, box);
    expect(moved.reading?.mode).toBe("delta");
    expect(comparable(moved)).toEqual(comparable(await fresh(port)));

    // Scope: OU=Staff only; Eli leaves it for CN=Users.
    const staff = { connector: null, confirmedConnectorDn: null, scope: [`OU=Staff,${DOMAIN}`] };
    const scoped: { b: DeltaBaseline | null } = { b: null };
    const run = (b: { b: DeltaBaseline | null }, keep = true) =>
      new DirectoryScanner(port, staff, {
        delta: { baseline: b.b, save: async (n) => void (keep && (b.b = n)) },
      }).run("connector-permissions");
    await run(scoped);
    const eli = `CN=Eli Evans,OU=Staff,${DOMAIN}`;
    const out = `CN=Eli Evans,CN=Users,${DOMAIN}`;
    port.move(eli, out);
    port.answer = {
      kind: "changes",
      cookie: "c3",
      changes: [{ guid: guidOf(eli), dn: out, deleted: false }],
    };
    const left = await run(scoped);
    expect(left.reading?.mode).toBe("delta");
    expect(comparable(left)).toEqual(comparable(await run({ b: null }, false)));
  });

  it("a protected account's groups change without it: DirSync names nothing, the delta still reads it again", async () => {
    const { port, box } = await setUp();
    const omar = port.snap.domains[0]!.users.find((u) => u.dn.startsWith("CN=Omar Former"))!;
    // Joins Domain Admins: from an orphaned adminCount to a protected member (a change on the group, not on him).
    omar.tokenGroups = [...(omar.tokenGroups ?? []), `${port.snap.domains[0]!.sid}-512`];
    port.answer = { kind: "changes", cookie: "c2", changes: [] };
    const delta = await scan(port, box);
    expect(delta.reading).toMatchObject({ mode: "delta", method: "dirsync" });
    const full = await fresh(port);
    expect(comparable(delta)).toEqual(comparable(full));
    expect(delta.summary).not.toEqual(
      (
        await new DirectoryScanner(new SnapshotDirectory(fixtureSnapshot()), {
          connector: null,
          confirmedConnectorDn: null,
          scope: [],
        }).run("connector-permissions")
      ).summary,
    );
  });

  it("many changed users: a full scan is quicker, and the step says so", async () => {
    const { port, box } = await setUp();
    port.answer = {
      kind: "changes",
      cookie: "c2",
      changes: Array.from({ length: 600 }, (_, i) => ({
        guid: `g${i}`,
        dn: `CN=New ${i},OU=Staff,${DOMAIN}`,
        deleted: false,
      })),
    };
    const again = await scan(port, box);
    expect(again.reading?.sentence).toMatch(
      /^Full scan: 600 objects changed since \d\d:\d\d UTC, so reading everything again is quicker\.$/,
    );
  });

  it("DirSync refused (the right was taken away): every user is listed, and the sentence says why", async () => {
    const { port, box } = await setUp();
    port.answer = {
      kind: "denied",
      reason: "the wizard's account does not hold Replicating Directory Changes on the domain",
    };
    const delta = await scan(port, box);
    expect(delta.reading?.method).toBe("listing");
    expect(port.listed).toBeGreaterThan(0);
    expect(delta.reading?.sentence).toMatch(
      /^Read \d+ changes? since \d\d:\d\d UTC, after listing all \d+ users to find deleted and moved ones \(the wizard's account does not hold Replicating Directory Changes on the domain\)\.$/,
    );
    expect(comparable(delta)).toEqual(comparable(await fresh(port)));
    expect(box.b?.dirSync).toBeUndefined();
  });

  // ms-fact: sd-propagation-background
  // On Windows a DC passes an OU's inheritable entries down to its children in a background task, and DirSync never
  // names the children it rewrites. A re-check that lands while that runs must read the users again until they agree.
  const BASE_ACES = "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)(A;;RPLCLORC;;;AU)";
  const userSd = (inherited: string) =>
    `O:DAG:DUD:AI(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)${inherited}(A;ID;RPLCLORC;;;AU)`;
  const inheritedDelegation = delegation(FIXTURE_CONNECTOR_SID, "ID");
  const sdOf = (port: ChangingDirectory, dn: string) => {
    const d = port.snap.domains[0]!;
    const o = [...d.users, ...d.containers].find((x) => x.dn === dn);
    if (!o) throw new Error(`no ${dn}`);
    return o;
  };

  it("a delegation on an OU that has not reached its users yet: pending, read again until it has, then ready", async () => {
    const { port, box } = await setUp();
    const legacy = `OU=Legacy,${DOMAIN}`;
    const legacyUsers = [`CN=Cleo Costa,${legacy}`, `CN=Dev Dubois,${legacy}`];
    // The fix: the delegation on OU=Legacy itself (its inheritance stays disabled). The DC has not propagated it.
    sdOf(port, legacy).sd = `O:DAG:DAD:PAI${delegation(FIXTURE_CONNECTOR_SID)}${BASE_ACES}`;
    port.answer = { kind: "changes", cookie: "c2", changes: [] };
    const during = await scan(port, box);
    expect(during.reading).toMatchObject({ mode: "delta", method: "dirsync" });
    expect(comparable(during)).toEqual(comparable(await fresh(port)));
    for (const dn of legacyUsers)
      expect(during.findings.find((f) => f.dn === dn)?.reason).toMatch(/has not reached this user yet/);
    expect(during.reading?.sentence).toMatch(
      /^Read 1 change since \d\d:\d\d UTC\. 2 users do not yet have the permissions their OU or container now passes on \(the domain controller is still applying the change below it\); the next check reads them again\.$/,
    );

    // Propagation finishes; DirSync names nobody (children of an inheritable change are left out).
    for (const dn of legacyUsers) sdOf(port, dn).sd = userSd(inheritedDelegation);
    port.answer = { kind: "changes", cookie: "c3", changes: [] };
    const after = await scan(port, box);
    expect(after.reading).toMatchObject({ mode: "delta", method: "dirsync" });
    expect(comparable(after)).toEqual(comparable(await fresh(port)));
    for (const dn of legacyUsers) expect(after.findings.some((f) => f.dn === dn)).toBe(false);
    expect(after.reading?.sentence).toMatch(/^Read 0 changes since \d\d:\d\d UTC\.$/);

    // Settled: the next re-check no longer reads them.
    const read: string[] = [];
    const user = port.changes.user;
    port.changes.user = async (dn) => (read.push(dn), user(dn));
    port.answer = { kind: "changes", cookie: "c4", changes: [] };
    await scan(port, box);
    expect(read.filter((dn) => legacyUsers.includes(dn))).toEqual([]);
  });

  it("a delegation removed from an OU that its users still carry: ready until the removal reaches them, then failing", async () => {
    // The other direction is the dangerous one: a check that stopped reading those users would pass for ever.
    const { port, box } = await setUp();
    const staff = `OU=Staff,${DOMAIN}`;
    const staffUsers = [`CN=Ada Adler,${staff}`, `CN=Ben Brandt,${staff}`];
    // Inheritance disabled on OU=Staff, inherited entries removed; its users still hold their old copies.
    sdOf(port, staff).sd = `O:DAG:DAD:PAI${BASE_ACES}`;
    port.answer = { kind: "changes", cookie: "c2", changes: [] };
    const during = await scan(port, box);
    expect(comparable(during)).toEqual(comparable(await fresh(port)));
    for (const dn of staffUsers) expect(during.findings.some((f) => f.dn === dn)).toBe(false);
    expect(during.reading?.sentence).toMatch(
      / users do not yet have the permissions their OU or container now passes on /,
    );

    for (const dn of staffUsers) sdOf(port, dn).sd = userSd("");
    port.answer = { kind: "changes", cookie: "c3", changes: [] };
    const after = await scan(port, box);
    expect(after.reading).toMatchObject({ mode: "delta", method: "dirsync" });
    expect(comparable(after)).toEqual(comparable(await fresh(port)));
    for (const dn of staffUsers)
      expect(after.findings.find((f) => f.dn === dn)?.reason).toMatch(/Inheritance is disabled on OU=Staff/);
  });

  it("a deny removed from an OU that its users still carry: denied until the removal reaches them, then ready", async () => {
    const { port, box } = await setUp();
    const staff = `OU=Staff,${DOMAIN}`;
    const ada = `CN=Ada Adler,${staff}`;
    const deny = `(OD;CI;CR;00299570-246d-11d0-a768-00aa006e0529;;${FIXTURE_CONNECTOR_SID})`;
    const staffSd = sdOf(port, staff).sd!;
    const adaSd = sdOf(port, ada).sd!;
    // A deny on OU=Staff, already on Ada (inherited): a full scan to start from.
    sdOf(port, staff).sd = staffSd.replace("D:AI", `D:AI${deny}`);
    sdOf(port, ada).sd = adaSd.replace("D:AI", `D:AI${deny.replace("OD;CI;", "OD;ID;")}`);
    box.b = null;
    await scan(port, box);
    // The deny is removed from the OU; Ada still carries her copy.
    sdOf(port, staff).sd = staffSd;
    port.answer = { kind: "changes", cookie: "c2", changes: [] };
    const during = await scan(port, box);
    expect(comparable(during)).toEqual(comparable(await fresh(port)));
    expect(during.findings.find((f) => f.dn === ada)?.code).toBe("denied-by-ace");
    expect(during.reading?.sentence).toMatch(
      / 1 user does not yet have the permissions its OU or container now passes on /,
    );

    sdOf(port, ada).sd = adaSd;
    port.answer = { kind: "changes", cookie: "c3", changes: [] };
    const after = await scan(port, box);
    expect(comparable(after)).toEqual(comparable(await fresh(port)));
    expect(after.findings.some((f) => f.dn === ada)).toBe(false);
  });

  it("a settled directory has no user waiting for propagation", async () => {
    const { box } = await setUp();
    expect(box.b?.users.filter((u) => u.r & USER_BIT.waiting).map((u) => u.dn)).toEqual([]);
  });
});
