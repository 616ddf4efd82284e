// A generated snapshot of any number of users, written piece by piece (a 100,000-user file in format /1 is about
// 270 MB, too large to build as one string), for the streaming tests and bench/snapshot. The domain, its containers
// and the connector are the fixture's; each user is below OU=Staff with a descriptor of realistic length (a real
// user's DACL holds some thirty entries, about 2.7 KB of SDDL): most inherit the writeback delegation, and every
// `blockedEvery`-th user carries a deny entry, so the check has findings to report.

import { type Snapshot, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_COMPACT } from "../snapshot";
import { fixtureSnapshot } from "./fixture";

/** Inherited read entries of a real user's DACL (property sets and attributes read by Authenticated Users etc.). */
function padding(): string {
  const out: string[] = [];
  for (let i = 0; i < 28; i++) {
    const guid = `${(0x4c164200 + i * 7919).toString(16).padStart(8, "0")}-20c0-11d0-a768-00aa006e0529`;
    const trustee = ["RU", "AU", "PS", "BA"][i % 4];
    out.push(`(OA;CIIOID;RP;${guid};bf967aba-0de6-11d0-a285-00aa003049e2;${trustee})`);
  }
  return out.join("");
}

export interface LargeSnapshotOptions {
  format?: typeof SNAPSHOT_FORMAT | typeof SNAPSHOT_FORMAT_COMPACT;
  /** Every n-th user is denied Reset Password (default 500). */
  blockedEvery?: number;
}

/** The snapshot's JSON text in pieces (each a few users long), in the order a reader meets them. */
export function* largeSnapshotText(users: number, options: LargeSnapshotOptions = {}): Generator<string> {
  const format = options.format ?? SNAPSHOT_FORMAT;
  const blockedEvery = options.blockedEvery ?? 500;
  const base = fixtureSnapshot();
  const [domain] = base.domains as [Snapshot["domains"][number]];
  const pad = padding();
  const ready = `${domain.users[0]?.sd}${pad}`;
  const blocked = `${domain.users.find((u) => u.dn.startsWith("CN=Eli Evans"))?.sd}${pad}`;
  const compact = format === SNAPSHOT_FORMAT_COMPACT;
  // In /2 every descriptor goes to the table: the domain's and containers' first, then the users' two.
  const sds: string[] = [];
  const ref = (sd: string | null): string | number | null => {
    if (!compact || sd === null) return sd;
    const at = sds.indexOf(sd);
    return at >= 0 ? at : sds.push(sd) - 1;
  };
  const header = {
    format,
    collectedAt: base.collectedAt,
    connector: base.connector,
    ...(compact ? { sds } : {}),
    domains: [
      {
        ...domain,
        sd: ref(domain.sd),
        containers: domain.containers.map((c) => ({ ...c, sd: ref(c.sd) })),
        samServer: domain.samServer
          ? { ...domain.samServer, sd: ref(domain.samServer.sd) }
          : domain.samServer,
        users: "\u0000USERS\u0000",
      },
    ],
  };
  const readyRef = JSON.stringify(ref(ready));
  const blockedRef = JSON.stringify(ref(blocked));
  const [before, after] = JSON.stringify(header).split('"\\u0000USERS\\u0000"') as [string, string];
  yield `${before}[`;
  const BATCH = 200;
  for (let from = 0; from < users; from += BATCH) {
    const parts: string[] = [];
    for (let i = from; i < Math.min(users, from + BATCH); i++) {
      const n = String(i).padStart(6, "0");
      parts.push(
        `{"dn":"CN=User ${n},OU=Staff,${domain.dn}","sid":"${domain.sid}-${100000 + i}",` +
          `"sd":${(i + 1) % blockedEvery === 0 ? blockedRef : readyRef},` +
          `"objectClass":["top","person","organizationalPerson","user"],"userAccountControl":512,` +
          `"sAMAccountName":"user${n}","pwdLastSet":"13412345678901234"}`,
      );
    }
    yield `${from === 0 ? "" : ","}${parts.join(",")}`;
  }
  yield `]${after}`;
}

/** The same as one string, for small counts. */
export function largeSnapshot(users: number, options: LargeSnapshotOptions = {}): string {
  return [...largeSnapshotText(users, options)].join("");
}
