// Benchmark: the full connector-permissions scan of the lab's bulk OU (10,000 users with
// `lab up --bulk 10000`) against `ldapsearch` fetching the same attributes with the same paging and SD flags control,
// in the same run. Goal: the scan takes at most 1.3x ldapsearch, judged on the medians. Also samples the live JS heap
// and Buffers after every page to show that memory follows the page size, not the number of users (pages are
// checked and dropped).
//
// Run: node --expose-gc --import tsx bench/directory-scan.ts [--rounds 6] [--warmup 1] [--pause-ms 250] [--scope <dn>]
//
// The machine is shared (2 cores, a Samba DC, other people's compilers and e2e runs), so: one untimed warm-up of
// each, then rounds that alternate which of the two goes first (ABBA; an even number by default, so each goes first
// equally often), a short pause before every run, median and best of each, and the load average at start and end.
// Each round's pair runs close together, so the median of the per-round ratios is printed as well (it follows slow
// changes in load better than the ratio of medians); PASS/FAIL is on the ratio of the medians.
//
// TLS: the scan verifies the lab certificate (CA file + server name). ldapsearch cannot be told a server name other
// than the host it connects to; when the certificate's name does not resolve here, the baseline runs with
// LDAPTLS_REQCERT=allow (the handshake and encryption cost the same) and says so.

import { spawnSync } from "node:child_process";
import { lookup } from "node:dns/promises";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { LdapDirectory, USER_FILTER } from "../lib/directory/ldap-adapter";
import { installLdaptsParsePatch } from "../lib/directory/ldapts-parse-patch";
import { DirectoryScanner } from "../lib/directory/scan";
import { loadLabSettings, readLabPassword } from "../lab/settings";

const GOAL = 1.3;
const PAGE_SIZE = 1000;

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "6" },
    warmup: { type: "string", default: "1" },
    "pause-ms": { type: "string", default: "250" },
    scope: { type: "string" },
  },
});
const rounds = Math.max(1, Number(values.rounds));
const warmup = Math.max(0, Number(values.warmup));
const pauseMs = Math.max(0, Number(values["pause-ms"]));
/** Between runs, so the DC has finished with one client (closing its paged search) before the next starts. */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, pauseMs));
// As the server and the CLI do at start-up; the figures in bench/README.md are with the patch installed.
installLdaptsParsePatch();
const s = loadLabSettings();
const scope = values.scope ?? s.seed.ous.bulk;
const password = readLabPassword(s.wizard.passwordFile);
const config = {
  url: s.url,
  bindDn: s.wizard.dn,
  password,
  caPem: [readFileSync(s.caFile, "utf8")],
  serverName: s.serverName,
  connectTimeoutMs: 5000,
  operationTimeoutMs: 120_000,
  pageSize: PAGE_SIZE,
};

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

interface ScanRun {
  ms: number;
  users: number;
  summary: string;
  pageSize: number;
  /** Live JS heap and Buffer memory above the start after each page (only with `measureMemory`). */
  memoryAfterPage: { heap: number; buffers: number }[];
}

/** `measureMemory`: collect garbage after every page and record what is live (slower; not timed). */
async function scan(base: string, measureMemory = false, pageSize = PAGE_SIZE): Promise<ScanRun> {
  // Page data arrives in Buffers, which live outside the JS heap: both are recorded. Two collections, so the
  // Buffers freed by the first are off the books.
  const collect = (): void => {
    gc?.();
    gc?.();
  };
  collect();
  const before = process.memoryUsage();
  const memoryAfterPage: ScanRun["memoryAfterPage"] = [];
  const sample = (p: { phase: string }): void => {
    if (!measureMemory || p.phase !== "users") return;
    collect();
    const m = process.memoryUsage();
    memoryAfterPage.push({
      heap: m.heapUsed - before.heapUsed,
      buffers: m.arrayBuffers - before.arrayBuffers,
    });
  };
  const started = performance.now();
  const port = await LdapDirectory.open({ ...config, pageSize });
  let result;
  try {
    const scanner = new DirectoryScanner(
      port,
      { connector: s.connector.dn, confirmedConnectorDn: null, scope: [base] },
      { onProgress: sample },
    );
    result = await scanner.run("connector-permissions");
  } finally {
    await port.close();
  }
  return {
    ms: performance.now() - started,
    users: result.facts.users?.total ?? 0,
    summary: result.summary,
    pageSize,
    memoryAfterPage,
  };
}

// ldapsearch -y reads the whole file, trailing newline included: hand it a copy without one (mode 0600, removed at exit).
const pwDir = mkdtempSync(path.join(tmpdir(), "bench-ldapsearch-"));
const pwFile = path.join(pwDir, "pw");
writeFileSync(pwFile, password, { mode: 0o600 });
const devNull = openSync("/dev/null", "w");
process.on("exit", () => {
  closeSync(devNull);
  rmSync(pwDir, { recursive: true, force: true });
});

async function ldapsearchTarget(): Promise<{ host: string; reqcert: string; note: string }> {
  try {
    await lookup(s.serverName);
    return { host: s.serverName, reqcert: "demand", note: "certificate verified" };
  } catch {
    return {
      host: new URL(s.url).hostname,
      reqcert: "allow",
      note: `LDAPTLS_REQCERT=allow: ${s.serverName} does not resolve here`,
    };
  }
}

/**
 * One ldapsearch run. Timed runs write the LDIF to /dev/null, as fast as ldapsearch can go (piping its 35 MB into
 * this process cost it about 7 %); `count` captures it instead, to count the entries (untimed).
 */
function ldapsearch(
  base: string,
  target: { host: string; reqcert: string },
  count = false,
): { ms: number; entries: number } {
  const url = new URL(s.url);
  const started = performance.now();
  const out = spawnSync(
    "ldapsearch",
    [
      "-LLL",
      "-x",
      "-H",
      `ldaps://${target.host}:${url.port || 636}`,
      "-D",
      s.wizard.dn,
      "-y",
      pwFile,
      "-b",
      base,
      "-E",
      `pr=${PAGE_SIZE}/noprompt`,
      "-E",
      "!1.2.840.113556.1.4.801=::MAMCAQc=",
      USER_FILTER,
      "nTSecurityDescriptor",
      "objectClass",
      "objectSid",
      "userAccountControl",
      "adminCount",
    ],
    {
      env: { ...process.env, LDAPTLS_CACERT: s.caFile, LDAPTLS_REQCERT: target.reqcert },
      maxBuffer: 1024 * 1024 * 1024,
      encoding: "utf8",
      stdio: ["ignore", count ? "pipe" : devNull, "pipe"],
    },
  );
  const ms = performance.now() - started;
  if (out.status !== 0) throw new Error(`ldapsearch failed (${out.status}): ${out.stderr}`);
  return { ms, entries: count ? (out.stdout.match(/^dn:/gm) ?? []).length : -1 };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const target = await ldapsearchTarget();
  console.log(
    `node ${process.version}, ${availableParallelism()} CPUs, load average at start: ${load()} (1, 5, 15 min)`,
  );
  console.log(`scope: ${scope}`);
  // Untimed: ldapsearch's entry count (and, with --warmup, warm caches on both sides).
  const entries = ldapsearch(scope, target, true).entries;
  for (let w = 0; w < warmup; w++) {
    ldapsearch(scope, target);
    await pause();
    await scan(scope);
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  const pairs: number[] = [];
  let last: ScanRun | undefined;
  for (let r = 0; r < rounds; r++) {
    // ABBA: which of the two goes first alternates, so neither always meets the other's leftovers.
    let base: { ms: number; entries: number };
    await pause();
    if (r % 2 === 0) {
      base = ldapsearch(scope, target);
      await pause();
      last = await scan(scope);
    } else {
      last = await scan(scope);
      await pause();
      base = ldapsearch(scope, target);
    }
    theirs.push(base.ms);
    ours.push(last.ms);
    pairs.push(last.ms / base.ms);
    console.log(
      `  round ${r + 1}: ldapsearch ${base.ms.toFixed(0)} ms, scan ${last.ms.toFixed(0)} ms, ratio ${(last.ms / base.ms).toFixed(2)}x`,
    );
  }
  if (last && last.users !== entries)
    throw new Error(`the scan saw ${last.users} users, ldapsearch ${entries} entries: not the same search`);

  const ratioMedian = median(ours) / median(theirs);
  const ratioBest = Math.min(...ours) / Math.min(...theirs);
  console.log(
    `ldapsearch (same attributes, paged ${PAGE_SIZE}, SD flags 7): median ${median(theirs).toFixed(0)} ms, best ${Math.min(...theirs).toFixed(0)} ms for ${entries} entries [${target.note}]`,
  );
  console.log(
    `connector-permissions scan:                         median ${median(ours).toFixed(0)} ms, best ${Math.min(...ours).toFixed(0)} ms for ${last?.users} users — ${last?.summary}`,
  );
  console.log(
    `ratio (scan / ldapsearch, ${rounds} rounds): ${ratioMedian.toFixed(2)}x on the medians, ${ratioBest.toFixed(2)}x on the bests, ${median(pairs).toFixed(2)}x median of the per-round ratios`,
  );

  // Memory: live heap after every page (collected first), at two directory sizes, and with a smaller page.
  const small = await scan(s.seed.ous.corp, true);
  const large = await scan(scope, true);
  const largeSmallPages = await scan(scope, true, PAGE_SIZE / 10);
  const peak = (samples: ScanRun["memoryAfterPage"]): string =>
    `${mb(Math.max(0, ...samples.map((m) => m.heap)))} / ${mb(Math.max(0, ...samples.map((m) => m.buffers)))} MB`;
  // Flat: all the users need no more than the first tenth of them (a directory a tenth the size). What is live moves
  // between one and three pages' worth (the page being checked, the one before it while still referenced, Buffer
  // pool slabs shared across the two), whatever the number of pages.
  const line = (run: ScanRun, label: string): string => {
    const m = run.memoryAfterPage;
    if (m.length < 2)
      return `  ${run.users.toLocaleString("en-US")} users${label}: ${peak(m)} after its one page`;
    const tenth = Math.max(1, Math.round(m.length / 10));
    const users = Math.min(run.users, tenth * run.pageSize).toLocaleString("en-US");
    return (
      `  ${run.users.toLocaleString("en-US")} users${label}, ${m.length} pages: peak over the first ${users} users ` +
      `${peak(m.slice(0, tenth))}, over all ${peak(m)}`
    );
  };
  console.log(
    gc
      ? `live memory above the start after each page, JS heap / Buffers (full collection first; pages of ${PAGE_SIZE} unless said):`
      : "live memory (run with --expose-gc for figures that mean something):",
  );
  console.log(line(small, ` (${s.seed.ous.corp})`));
  console.log(line(large, ""));
  console.log(line(largeSmallPages, `, pages of ${PAGE_SIZE / 10}`));
  console.log(`load average at end: ${load()}`);
  const pass = ratioMedian <= GOAL;
  console.log(
    `${pass ? "PASS" : "FAIL"}: scan / ldapsearch on the medians ${ratioMedian.toFixed(2)}x ${pass ? "<=" : ">"} ${GOAL}x`,
  );
  if (!pass) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
