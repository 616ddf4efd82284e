// Benchmark: the re-check after one fix, read as a delta (lib/directory/delta.ts) against the full connector-permissions
// scan it replaces, in the same run on the same lab. The fix is the connector's writeback delegation written on one OU
// of about 1,000 users (`--ou`, default OU=DeltaBench, created with 1,000 users when missing). Goal: the re-check takes
// at most 1 s and at most 5% of the full scan. Prints the entries each read and the lab's seeding time (from
// `<lab dir>/seed-timing.json`, written by `lab up`).
//
// Run: node --import tsx bench/delta-recheck.ts [--dir /work/lab-bulk] [--ou <dn>] [--rounds 3] [--account dirsync|listing]
// Use a lab of its own (`lab up --dir /work/lab-bulk --address 10.213.0.2 --bulk 100000`): the bench writes to it
// (the delegation on the OU, removed again at the end of each round).

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Attribute, type Client } from "ldapts";
import { type DeltaBaseline } from "../lib/directory/delta";
import { LdapDirectory } from "../lib/directory/ldap-adapter";
import { installLdaptsParsePatch } from "../lib/directory/ldapts-parse-patch";
import { DirectoryScanner, type StepScan } from "../lib/directory/scan";
import {
  bindLdaps,
  entryExists,
  readSecurityDescriptor,
  SD_FLAGS_DACL,
  writeSecurityDescriptor,
} from "../lab/ldap";
import { parseLabSd, serializeLabSd } from "../lab/sd-codec";
import { writebackDelegationAces } from "../lab/seed";
import {
  labLdapsOptions,
  labWizardConnection,
  labWizardSyncConnection,
  loadLabSettings,
  readLabPassword,
} from "../lab/settings";

const GOAL_MS = 1000;
const GOAL_RATIO = 0.05;

const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    ou: { type: "string" },
    rounds: { type: "string", default: "3" },
    users: { type: "string", default: "1000" },
    // dirsync: svc-wizard-sync (Replicating Directory Changes: DirSync names the changes); listing: svc-wizard
    // (read-only: every user is listed with uSNChanged to find deletions).
    account: { type: "string", default: "dirsync" },
  },
});
installLdaptsParsePatch();
const s = loadLabSettings(values.dir);
const ou = values.ou ?? `OU=DeltaBench,${s.baseDn}`;
const rounds = Math.max(1, Number(values.rounds));
const fmt = (n: number): string => n.toLocaleString("en-US");
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

async function ensureOu(admin: Client): Promise<void> {
  if (await entryExists(admin, ou)) return;
  console.log(`creating ${ou} with ${values.users} users (once)…`);
  await admin.add(ou, [new Attribute({ type: "objectClass", values: ["top", "organizationalUnit"] })]);
  for (let i = 1; i <= Number(values.users); i++) {
    const cn = `dbench-${String(i).padStart(4, "0")}`;
    await admin.add(`CN=${cn},${ou}`, [
      new Attribute({ type: "objectClass", values: ["top", "person", "organizationalPerson", "user"] }),
      new Attribute({ type: "sAMAccountName", values: [cn] }),
      new Attribute({ type: "userAccountControl", values: ["514"] }),
    ]);
  }
}

/** Adds (true) or removes (false) the connector's three writeback entries on the OU: the fix, and its undo. */
async function delegate(admin: Client, on: boolean): Promise<void> {
  const sd = parseLabSd(await readSecurityDescriptor(admin, ou, SD_FLAGS_DACL));
  const wanted = writebackDelegationAces(s.connector.sid);
  const key = (a: unknown): string => JSON.stringify(a);
  const rest = (sd.dacl?.aces ?? []).filter((a) => !wanted.some((w) => key(w) === key(a)));
  sd.dacl = { revision: 4, aces: on ? [...wanted, ...rest] : rest };
  await writeSecurityDescriptor(admin, ou, serializeLabSd(sd), SD_FLAGS_DACL);
}

async function timed(
  port: LdapDirectory,
  baseline: DeltaBaseline | null,
  keep: (b: DeltaBaseline | null) => void,
): Promise<{ ms: number; scan: StepScan }> {
  const started = performance.now();
  const scan = await new DirectoryScanner(
    port,
    { connector: s.connector.dn, confirmedConnectorDn: null, scope: [] },
    { delta: { baseline, save: async (b) => keep(b) } },
  ).run("connector-permissions");
  return { ms: performance.now() - started, scan };
}

async function main(): Promise<void> {
  const seedFile = path.join(s.dir, "seed-timing.json");
  if (existsSync(seedFile)) {
    const t = JSON.parse(readFileSync(seedFile, "utf8")) as {
      bulk: number;
      timingsMs: Record<string, number>;
    };
    console.log(
      `lab seeding: ${fmt(t.bulk)} bulk users; seed ${((t.timingsMs.seed ?? 0) / 1000).toFixed(1)} s, lab up ${((t.timingsMs.total ?? 0) / 1000).toFixed(1)} s in all`,
    );
  } else
    console.log(`lab seeding time: not recorded (${seedFile} missing; labs seeded before it was written)`);

  const admin = await bindLdaps(labLdapsOptions(s), s.admin.dn, readLabPassword(s.admin.passwordFile));
  await ensureOu(admin);
  await delegate(admin, false);
  const connect = values.account === "listing" ? labWizardConnection : labWizardSyncConnection;
  console.log(
    `reading as ${values.account === "listing" ? "svc-wizard (read-only: listing)" : "svc-wizard-sync (DirSync)"}`,
  );
  const port = await LdapDirectory.open(connect(s, { baseDn: s.baseDn, operationTimeoutMs: 300_000 }));
  console.log(`load average at start: ${load()}`);
  const rows: {
    full: number;
    delta: number;
    fullRead: number;
    deltaRead: number;
    users: number;
    sentence: string;
  }[] = [];
  try {
    for (let r = 1; r <= rounds; r++) {
      let baseline: DeltaBaseline | null = null;
      const full = await timed(port, null, (b) => (baseline = b));
      await delegate(admin, true);
      const delta = await timed(port, baseline, () => undefined);
      // The same re-check read whole, for the verdict to compare with (not timed against anything).
      const check = await timed(port, null, () => undefined);
      if (delta.scan.summary !== check.scan.summary)
        throw new Error(`delta and full scan differ: "${delta.scan.summary}" vs "${check.scan.summary}"`);
      await delegate(admin, false);
      rows.push({
        full: full.ms,
        delta: delta.ms,
        fullRead: full.scan.reading?.entriesRead ?? 0,
        deltaRead: delta.scan.reading?.entriesRead ?? 0,
        users: full.scan.facts.users?.total ?? 0,
        sentence: delta.scan.reading?.sentence ?? "",
      });
      const row = rows[rows.length - 1]!;
      console.log(
        `round ${r}: full scan ${fmt(Math.round(row.full))} ms (${fmt(row.fullRead)} entries, ${fmt(row.users)} users); re-check ${fmt(Math.round(row.delta))} ms (${fmt(row.deltaRead)} entries) — ${row.sentence} ${delta.scan.summary}`,
      );
    }
  } finally {
    await port.close();
    await admin.unbind().catch(() => undefined);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const full = median(rows.map((r) => r.full));
  const delta = median(rows.map((r) => r.delta));
  const ratio = delta / full;
  console.log(`load average at end: ${load()}`);
  console.log(
    `median: full scan ${fmt(Math.round(full))} ms, delta re-check ${fmt(Math.round(delta))} ms = ${(ratio * 100).toFixed(1)}% of the full scan`,
  );
  const pass = delta <= GOAL_MS && ratio <= GOAL_RATIO;
  console.log(
    `${pass ? "PASS" : "FAIL"}: goal re-check <= ${GOAL_MS} ms and <= ${GOAL_RATIO * 100}% of the full scan`,
  );
  process.exitCode = pass ? 0 : 1;
}

void main();
