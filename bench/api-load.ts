// Benchmark: the run API under load, against the cheapest route on the same server.
// Run: node --import tsx bench/api-load.ts [--reuse-build] [--seconds 5] [--connections 50] [--limit 3]
//
// Starts the production build (`next start`, SQLite in a temporary folder, sandbox mode) on a free loopback port and,
// for each scenario in turn, keeps `--connections` requests in flight for `--seconds` (after a one-second warm-up):
//   health     GET /api/health                          the baseline: no session, one `select 1`
//   run 200    GET /api/runs/<id>                        the whole run (steps and timeline)
//   run 304    GET /api/runs/<id> + If-None-Match        what a polling page costs when nothing changed
//   verify     POST /api/verify/connect-writeback        a check through the sandbox Graph simulator (audit reads)
//   patch      PATCH /api/runs/<id> + If-Match           a note on a step, under optimistic concurrency
// Each connection works on its own run (writes on one run would only measure 412s). Prints req/s, p50 and p99 per
// scenario and p99 as a multiple of health's; exits 1 when a scenario's p99 is above `--limit` times health's or a
// request failed.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasBuild, type Instance, startInstance } from "../lib/testing/instances";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const SECONDS = option("--seconds", 5);
const CONNECTIONS = option("--connections", 50);
const LIMIT = option("--limit", 3);
const root = join(import.meta.dirname, "..");

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function send(
  instance: Instance,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: instance.port,
        method,
        path,
        agent,
        headers: {
          ...headers,
          ...(payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
          ...(method === "GET" ? {} : { origin: instance.origin }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

interface Scenario {
  name: string;
  expect: number;
  /** One request of connection `i`. */
  once(i: number): Promise<Answer>;
}

interface Figures {
  name: string;
  requests: number;
  failures: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(scenario: Scenario): Promise<Figures> {
  const run = async (until: number, latencies: number[] | null) => {
    let failures = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, i) => {
        while (Date.now() < until) {
          const started = process.hrtime.bigint();
          const answer = await scenario.once(i).catch(() => null);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (!answer || answer.status !== scenario.expect) {
            failures++;
            if (failures === 1 && latencies)
              console.error(
                `  ${scenario.name}: ${answer?.status ?? "no answer"} ${answer?.body.slice(0, 200) ?? ""}`,
              );
          }
          latencies?.push(ms);
        }
      }),
    );
    return failures;
  };
  await run(Date.now() + 1000, null);
  const latencies: number[] = [];
  const started = Date.now();
  const failures = await run(started + SECONDS * 1000, latencies);
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  return {
    name: scenario.name,
    requests: latencies.length,
    failures,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function main(): Promise<void> {
  if (!args.includes("--reuse-build") || !hasBuild()) {
    console.log("Building (next build) …");
    const build = spawnSync(
      process.execPath,
      [join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
      {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      },
    );
    if (build.status !== 0) throw new Error("next build failed");
  }
  const folder = mkdtempSync(join(tmpdir(), "api-load-"));
  const server = await startInstance("wizard", {
    DATABASE_URL: "",
    DATABASE_FILE: join(folder, "wizard.db"),
    SESSION_SECRET: "api-load-bench-secret-api-load-bench-secret-0123",
    ENTRA_CLIENT_ID: "",
    DIRECTORY_LDAP_URL: "",
    SANDBOX_AUDIT_DELAY_SECONDS: "0",
    RECHECK_SCHEDULER: "off",
  });
  try {
    // A browser's session cookie, and one run per connection.
    const page = await send(server, "GET", "/");
    const cookie = String([page.headers["set-cookie"]].flat()[0] ?? "").split(";")[0]!;
    if (!cookie.startsWith("sspr_session=")) throw new Error(`no session cookie from GET / (${page.status})`);
    const withCookie = (extra: Record<string, string> = {}) => ({ cookie, ...extra });
    const runs: { id: string; etag: string }[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const created = await send(server, "POST", "/api/runs", withCookie(), { flow: "enable" });
      if (created.status !== 201) throw new Error(`POST /api/runs: ${created.status} ${created.body}`);
      const id = String((JSON.parse(created.body) as { id: string }).id);
      for (const action of ["connect-writeback", "portal-writeback"]) {
        await send(server, "POST", "/api/sandbox/tenant", withCookie(), {
          runId: id,
          control: { action, on: true },
        });
      }
      const read = await send(server, "GET", `/api/runs/${id}`, withCookie());
      runs.push({ id, etag: String(read.headers.etag) });
    }
    const scenarios: Scenario[] = [
      { name: "GET /api/health", expect: 200, once: () => send(server, "GET", "/api/health") },
      {
        name: "GET /api/runs/<id> (200)",
        expect: 200,
        once: (i) => send(server, "GET", `/api/runs/${runs[i]!.id}`, withCookie()),
      },
      {
        name: "GET /api/runs/<id> (304)",
        expect: 304,
        once: (i) =>
          send(server, "GET", `/api/runs/${runs[i]!.id}`, withCookie({ "if-none-match": runs[i]!.etag })),
      },
      {
        name: "POST /api/verify/connect-writeback",
        expect: 200,
        once: (i) =>
          send(server, "POST", "/api/verify/connect-writeback", withCookie(), { runId: runs[i]!.id }),
      },
      {
        name: "PATCH /api/runs/<id>",
        expect: 200,
        once: async (i) => {
          const run = runs[i]!;
          const answer = await send(
            server,
            "PATCH",
            `/api/runs/${run.id}`,
            withCookie({ "if-match": run.etag }),
            { changes: [{ op: "note", stepId: "prerequisites", text: `note ${Date.now()}` }] },
          );
          if (answer.headers.etag) run.etag = String(answer.headers.etag);
          return answer;
        },
      },
    ];
    const results: Figures[] = [];
    for (const scenario of scenarios) {
      if (scenario.name.startsWith("PATCH")) {
        for (const run of runs) {
          run.etag = String((await send(server, "GET", `/api/runs/${run.id}`, withCookie())).headers.etag);
        }
      }
      const figures = await measure(scenario);
      results.push(figures);
      console.log(
        `  ${figures.name.padEnd(36)} ${figures.perSecond.toFixed(0).padStart(6)} req/s  p50 ${figures.p50.toFixed(1).padStart(7)} ms  p99 ${figures.p99.toFixed(1).padStart(7)} ms  (${figures.requests} requests, ${figures.failures} failed)`,
      );
    }
    const health = results[0]!;
    console.log(
      `\n${CONNECTIONS} connections, ${SECONDS} s per scenario; p99 as a multiple of health's (goal ≤ ${LIMIT}×):`,
    );
    let ok = true;
    for (const figures of results.slice(1)) {
      const ratio = figures.p99 / health.p99;
      const pass = ratio <= LIMIT && figures.failures === 0;
      ok &&= pass;
      console.log(`  ${figures.name.padEnd(36)} ${ratio.toFixed(2)}×  ${pass ? "ok" : "over the goal"}`);
    }
    process.exitCode = ok ? 0 : 1;
  } finally {
    await server.kill();
    agent.destroy();
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();
