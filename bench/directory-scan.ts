// Benchmark: the full connector-permissions scan of the lab's bulk OU (10,000 users with `lab up --bulk 10000`)
// against `ldapsearch` fetching the same attributes with the same paging and SD flags control, in the same run,
// alternating, best of R rounds. Goal: the scan takes at most 1.3x ldapsearch. Also samples the heap after every
// page to show that peak memory does not grow with the number of users (pages are checked and dropped).
//
// Run: node --expose-gc --import tsx bench/directory-scan.ts [--rounds 3] [--scope <ou-dn>]
//
// TLS: the scan verifies the lab certificate (CA file + server name). ldapsearch cannot be told a server name other
// than the host it connects to; when the certificate's name does not resolve here, the baseline runs with
// LDAPTLS_REQCERT=allow (the handshake and encryption cost the same) and says so.

import { spawnSync } from "node:child_process";
import { lookup } from "node:dns/promises";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { LdapDirectory } from "../lib/directory/ldap-adapter";
import { DirectoryScanner } from "../lib/directory/scan";
import { loadLabSettings, readLabPassword } from "../lab/settings";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, scope: { type: "string" } },
});
const rounds = Math.max(1, Number(values.rounds));
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
};

const gc = (globalThis as { gc?: () => void }).gc;

/** `measureMemory`: collect garbage after every page and record the live heap (slower; not timed). */
async function scan(
  base: string,
  measureMemory = false,
): Promise<{ ms: number; users: number; peakHeapMb: number; summary: string }> {
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sample = (): void => {
    if (measureMemory) gc?.();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const started = performance.now();
  const port = await LdapDirectory.open(config);
  try {
    const scanner = new DirectoryScanner(
      port,
      { connector: s.connector.dn, confirmedConnectorDn: null, scope: [base] },
      { onProgress: sample },
    );
    const result = await scanner.run("connector-permissions");
    return {
      ms: performance.now() - started,
      users: result.facts.users?.total ?? 0,
      peakHeapMb: (peak - heapBefore) / 1048576,
      summary: result.summary,
    };
  } finally {
    await port.close();
  }
}

// ldapsearch -y reads the whole file, trailing newline included: hand it a copy without one (mode 0600, removed at exit).
const pwDir = mkdtempSync(path.join(tmpdir(), "bench-ldapsearch-"));
const pwFile = path.join(pwDir, "pw");
writeFileSync(pwFile, password, { mode: 0o600 });
process.on("exit", () => rmSync(pwDir, { recursive: true, force: true }));

async function ldapsearch(base: string): Promise<{ ms: number; entries: number; note: string }> {
  const url = new URL(s.url);
  let host = s.serverName;
  let note = "certificate verified";
  let reqcert = "demand";
  try {
    await lookup(s.serverName);
  } catch {
    host = url.hostname;
    reqcert = "allow";
    note = `LDAPTLS_REQCERT=allow: ${s.serverName} does not resolve here`;
  }
  const started = performance.now();
  const out = spawnSync(
    "ldapsearch",
    [
      "-LLL",
      "-x",
      "-H",
      `ldaps://${host}:${url.port || 636}`,
      "-D",
      s.wizard.dn,
      "-y",
      pwFile,
      "-b",
      base,
      "-E",
      "pr=1000/noprompt",
      "-E",
      "!1.2.840.113556.1.4.801=::MAMCAQc=",
      "(&(objectCategory=person)(objectClass=user))",
      "nTSecurityDescriptor",
      "objectClass",
      "objectSid",
      "userAccountControl",
      "adminCount",
    ],
    {
      env: { ...process.env, LDAPTLS_CACERT: s.caFile, LDAPTLS_REQCERT: reqcert },
      maxBuffer: 1024 * 1024 * 1024,
      encoding: "utf8",
    },
  );
  const ms = performance.now() - started;
  if (out.status !== 0) throw new Error(`ldapsearch failed (${out.status}): ${out.stderr}`);
  return { ms, entries: (out.stdout.match(/^dn:/gm) ?? []).length, note };
}

async function main(): Promise<void> {
  const ours: number[] = [];
  const theirs: number[] = [];
  let last: Awaited<ReturnType<typeof scan>> | undefined;
  let baseline: Awaited<ReturnType<typeof ldapsearch>> | undefined;
  for (let r = 0; r < rounds; r++) {
    baseline = await ldapsearch(scope);
    theirs.push(baseline.ms);
    last = await scan(scope);
    ours.push(last.ms);
  }
  const small = await scan(s.seed.ous.corp, true);
  const large = await scan(scope, true);
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`scope: ${scope}`);
  console.log(
    `ldapsearch (same attributes, paged 1000, SD flags 7): ${best(theirs).toFixed(0)} ms for ${baseline?.entries} entries [${baseline?.note}]`,
  );
  console.log(
    `connector-permissions scan:                         ${best(ours).toFixed(0)} ms for ${last?.users} users — ${last?.summary}`,
  );
  console.log(
    `ratio (scan / ldapsearch, best of ${rounds}): ${(best(ours) / best(theirs)).toFixed(2)}x (goal <= 1.3x)`,
  );
  console.log(
    `live heap growth (collected after every page${gc ? "" : "; run with --expose-gc for this figure"}): ${large.peakHeapMb.toFixed(1)} MB for ${large.users} users, ${small.peakHeapMb.toFixed(1)} MB for ${small.users} users (OU=Corp)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
