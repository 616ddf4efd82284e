// `npm run bench`: the benchmarks of this repository and how to run each. Details and figures: bench/README.md.

const BENCHMARKS = [
  {
    script: "bench:access-check",
    command: "node --import tsx bench/access-check.ts [--count 100000] [--rounds 3]",
    what: "effective rights of one connector token on 100,000 user descriptors (fast path against object path)",
  },
  {
    script: "bench:directory-scan",
    command:
      "node --expose-gc --import tsx bench/directory-scan.ts [--rounds 6] [--warmup 1] [--scope <ou-dn>]",
    what: "the connector-permissions scan of the lab's OU=Bulk against ldapsearch (needs `npm run lab -- --bulk 10000`)",
  },
  {
    script: "bench:api-load",
    command:
      "node --import tsx bench/api-load.ts [--reuse-build] [--seconds 5] [--connections 50] [--limit 3]",
    what: "GET /api/runs/<id> (200 and 304), a verify call and PATCH /api/runs/<id> at 50 connections against GET /api/health",
  },
  {
    script: "bench:delta-recheck",
    command:
      "node --import tsx bench/delta-recheck.ts [--dir /work/lab-bulk] [--ou <dn of an OU of 1,000 users>] [--rounds 3]",
    what: "the re-check after one fix read as a delta against the full scan (goal: <= 1 s and <= 5%); on a lab of its own",
  },
  {
    script: "bench:page-weight",
    command: "node --import tsx bench/page-weight.ts [--reuse-build] [--verbose] [--limit 1.3]",
    what: "gzip JavaScript of the landing, run and step pages against a bare Next.js app built in the same run",
  },
  {
    script: "bench:snapshot",
    command: "node --import tsx bench/snapshot.ts [--counts 10000,100000] [--keep]",
    what: "check a generated 10,000- and 100,000-user snapshot (upload check + scan, streamed): time and peak memory against JSON.parse of the same file",
  },
  {
    script: "bench:page-vitals",
    command: "node --import tsx bench/page-vitals.ts [--reuse-build] [--loads 5]",
    what: "LCP of the run page and INP of moving between steps in headless Chromium (web-vitals) against a bare HTML page",
  },
];

console.log("Benchmarks (details and figures in bench/README.md):\n");
for (const b of BENCHMARKS) {
  console.log(`  npm run ${b.script}`);
  console.log(`    ${b.what}`);
  console.log(`    ${b.command}\n`);
}
console.log("Arguments go after --, e.g. npm run bench:page-weight -- --reuse-build");
