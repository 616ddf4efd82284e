// Benchmark: checking a large evidence snapshot, as an upload and the connector-permissions check that follows do.
// Run: node --import tsx bench/snapshot.ts [--counts 10000,100000] [--keep]
//
// For each count it writes a generated snapshot (lib/directory/testing/large-snapshot.ts: the fixture's domain, users
// with descriptors of realistic length, every 500th denied) to a temporary file, in format /1 as plain JSON (the
// largest form, about 2.7 KB per user) and in the compact format /2 gzipped (what the collector writes), and measures
// each in a fresh child process:
//   check:      the upload path (lib/directory/snapshot-stream.ts checkAndPack: stream, validate each user, pack)
//               followed by the connector-permissions scan streamed from the packed copy (StreamedSnapshotDirectory);
//   JSON.parse: the baseline, reading the same file whole and JSON.parse-ing it (gunzip first for .json.gz), which is
//               what the wizard did before.
// Peak memory is the child's maximum resident set size (getrusage), so nothing is missed between samples.
// Goal (issue 15): the check's peak memory at the largest count at most 1.5x that at the smallest.

import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import os from "node:os";
import { join } from "node:path";
import { gunzipSync, createGzip } from "node:zlib";
import { DirectoryScanner } from "../lib/directory/scan";
import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_COMPACT } from "../lib/directory/snapshot";
import { bytesOf, checkAndPack, StreamedSnapshotDirectory } from "../lib/directory/snapshot-stream";
import { largeSnapshotText } from "../lib/directory/testing/large-snapshot";

interface Measure {
  ms: number;
  peakMb: number;
  users: number;
  summary: string;
}

async function child(mode: string, file: string): Promise<Measure> {
  const started = performance.now();
  let users = 0;
  let summary = "";
  if (mode === "check") {
    const { header, packed } = await checkAndPack(createReadStream(file) as AsyncIterable<Uint8Array>);
    const uploaded = performance.now() - started;
    users = header.userCounts.reduce((a, b) => a + b, 0);
    const port = new StreamedSnapshotDirectory(header, () => bytesOf(packed));
    const scan = await new DirectoryScanner(port, {
      connector: null,
      confirmedConnectorDn: null,
      scope: [],
    }).run("connector-permissions");
    summary = `upload check ${fmt(uploaded)} ms, then scan ${fmt(performance.now() - started - uploaded)} ms: ${scan.summary} (kept ${fmt(packed.byteLength / 1e6, 2)} MB gzipped)`;
  } else {
    const raw = readFileSync(file);
    const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
    const value = JSON.parse(text) as { domains: { users: unknown[] }[] };
    users = value.domains.reduce((n, d) => n + d.users.length, 0);
  }
  const ms = performance.now() - started;
  // ru_maxrss is in kilobytes on Linux.
  return { ms, peakMb: process.resourceUsage().maxRSS / 1024, users, summary };
}

function measure(mode: string, file: string): Measure {
  const out = spawnSync(process.execPath, ["--import", "tsx", __filename, "--child", mode, file], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) throw new Error(`${mode} ${file} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop() as string) as Measure;
}

async function write(file: string, users: number, compact: boolean): Promise<void> {
  const sink = createWriteStream(file);
  const gzip = compact ? createGzip({ level: 6 }) : null;
  if (gzip) gzip.pipe(sink);
  const target = gzip ?? sink;
  for (const piece of largeSnapshotText(users, {
    format: compact ? SNAPSHOT_FORMAT_COMPACT : SNAPSHOT_FORMAT,
  }))
    if (!target.write(piece)) await once(target, "drain");
  target.end();
  await once(sink, "close");
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    console.log(JSON.stringify(await child(args[1] as string, args[2] as string)));
    return;
  }
  const countsArg = args.includes("--counts") ? args[args.indexOf("--counts") + 1] : "10000,100000";
  const counts = (countsArg ?? "").split(",").map((s) => Number(s.trim()));
  const dir = mkdtempSync(join(os.tmpdir(), "bench-snapshot-"));
  console.log(
    `Snapshot check: ${counts.map((c) => fmt(c)).join(" and ")} users, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}\n`,
  );
  const header =
    "users    format         file MB | check ms  peak MB | JSON.parse ms  peak MB | time x  memory x";
  console.log(header);
  console.log("-".repeat(header.length));
  const peaks: Record<string, { count: number; peak: number }[]> = {};
  try {
    for (const count of counts) {
      for (const compact of [false, true]) {
        const label = compact ? "/2 gzip" : "/1 plain";
        const file = join(dir, `snapshot-${count}${compact ? ".json.gz" : ".json"}`);
        await write(file, count, compact);
        const size = statSync(file).size / 1e6;
        const check = measure("check", file);
        const base = measure("json-parse", file);
        if (check.users !== count || base.users !== count)
          throw new Error(`expected ${count} users, read ${check.users} / ${base.users}`);
        (peaks[label] ??= []).push({ count, peak: check.peakMb });
        console.log(
          `${fmt(count).padStart(7)}  ${label.padEnd(9)} ${fmt(size, 2).padStart(11)} | ${fmt(check.ms).padStart(8)} ${fmt(check.peakMb).padStart(8)} | ${fmt(base.ms).padStart(13)} ${fmt(base.peakMb).padStart(8)} | ${(check.ms / base.ms).toFixed(2).padStart(6)} ${(check.peakMb / base.peakMb).toFixed(2).padStart(8)}`,
        );
        console.log(`         ${check.summary}`);
        if (!args.includes("--keep")) rmSync(file);
      }
    }
  } finally {
    if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  }
  console.log("");
  let failed = false;
  for (const [label, rows] of Object.entries(peaks)) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last || first === last) continue;
    const growth = last.peak / first.peak;
    const ok = growth <= 1.5;
    failed ||= !ok;
    console.log(
      `${label}: check peak memory at ${fmt(last.count)} users is ${growth.toFixed(2)}x that at ${fmt(first.count)} (goal at most 1.5x): ${ok ? "met" : "NOT met"}`,
    );
  }
  if (failed) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
