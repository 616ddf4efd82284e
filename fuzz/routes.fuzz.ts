import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverRoutes, fillPattern, type DiscoveredRoute } from "./routes";

// The fuzz suite (issue 15, Build 5): a real `next start` of the built app, and every route under app/ — found on
// the file system — sent generated malformed requests: bodies of the wrong type, invalid JSON, deep nesting, huge
// strings, lone surrogates, wrong content types; odd headers; paths with bad percent-encoding; unsupported methods;
// declared lengths that do not match the body. Every answer must be below 500, arrive within 5 s, carry no stack
// trace, and every API error must be in the app's JSON error shape. Seeded: the seed is printed, FUZZ_SEED replays.
//
//   FUZZ_PER_ROUTE      requests per route and method (default 12, CI's sample; 300+ for a full run)
//   FUZZ_TIME_LIMIT_MS  stop generating after this long (default 120000)
//   FUZZ_SEED           the seed to replay

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUILT = existsSync(join(ROOT, ".next", "BUILD_ID"));
const REQUIRED = process.env.REQUIRE_INTEGRATION === "1";
const PER_ROUTE = Number(process.env.FUZZ_PER_ROUTE ?? 12);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 120_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const HANG_MS = 5000;
const CONCURRENCY = 6;
const MAX_BODY_BYTES = 64 * 1024;

const STACK =
  /\bat [^\s()]+ \((?:\/|file:|node:)[^)]*:\d+:\d+\)|\n\s+at \S+ \(|webpack-internal:|node_modules\/next\/dist/;

/** mulberry32: small, seeded, enough for choosing. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the headers with this Content-Length, then only `body` (shorter), and wait. */
  declaredLength?: number;
  label: string;
}

interface Outcome {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
  hung: boolean;
}

function send(port: number, req: FuzzRequest, limitMs = HANG_MS): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body && req.declaredLength === undefined) headers["content-length"] = req.body.length;
    if (req.declaredLength !== undefined) headers["content-length"] = req.declaredLength;
    let settled = false;
    const done = (outcome: Omit<Outcome, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, ms: Date.now() - started });
    };
    const client = httpRequest(
      { host: "127.0.0.1", port, method: req.method, path: req.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            hung: false,
          }),
        );
        res.on("error", () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, body: "", hung: false }),
        );
      },
    );
    const timer = setTimeout(() => {
      done({ status: 0, headers: {}, body: "", hung: true });
      client.destroy();
    }, limitMs);
    // The server may answer and close before the whole body is sent (a 413 on the declared length).
    client.on("error", () => {
      if (!settled) setTimeout(() => done({ status: -1, headers: {}, body: "", hung: false }), 50);
    });
    if (req.body) client.write(req.body);
    if (req.declaredLength === undefined) client.end();
    // With a declared length larger than the body, the request stays open: the server must not wait for the rest.
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForServer(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) {
      const res = await send(port, { method: "GET", path: "/robots.txt", headers: {}, label: "ready" });
      if (res.status === 200) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`next start did not answer within 90 s:\n${log()}`);
}

function cookiesFrom(outcome: Outcome): string {
  const set = outcome.headers["set-cookie"];
  const lines = Array.isArray(set) ? set : set ? [set] : [];
  return lines.map((line) => line.split(";")[0]).join("; ");
}

// --- generators --------------------------------------------------------------------------------------------

const BAD_SEGMENTS = [
  "%FF",
  "%E0%A4%A",
  "%C3%28",
  "%ED%A0%80",
  "%",
  "%zz",
  "..",
  "%2e%2e",
  "%00",
  "a%2Fb",
  "%F0%9F%98%80",
  "x".repeat(600),
  "é",
  "'%20or%201=1--",
  "%3Cscript%3E",
  "a;b",
  "~",
];

const QUERIES = [
  "",
  "",
  "",
  "?limit=-1",
  "?limit=0",
  "?limit=abc",
  "?limit=99999999999",
  "?before=1e3",
  "?before=-5",
  "?runId=%FF",
  "?runId=%00",
  "?search=%00",
  "?search=" + "a".repeat(2000),
  "?a[]=1&a[]=2",
  "?step=nope&code=%FF",
  "?format=json",
  "?format=%3Cx%3E",
  "?q=" + "%F0%9F%98%80".repeat(50),
  "?%FF=%FF",
];

const CONTENT_TYPES = [
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/octet-stream",
  "application/gzip",
  "application/json-patch+json",
];

const FIELD_NAMES = [
  "runId",
  "flow",
  "changes",
  "role",
  "label",
  "expiresInDays",
  "assignSteps",
  "userId",
  "confirm",
  "control",
  "attestation",
  "expectedVersion",
  "planId",
  "name",
  "search",
  "account",
  "bindDn",
  "password",
  "domains",
  "settings",
  "scope",
  "title",
  "status",
  "__proto__",
  "constructor",
];

function deepNest(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? "[".repeat(depth) + "]".repeat(depth)
    : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

function makeBody(rng: Rng, pools: Pools, runId: string): { body: Buffer; label: string } {
  switch (rng.int(10)) {
    case 0:
      return { body: Buffer.from(JSON.stringify(rng.pick(pools.json))), label: "json value" };
    case 1: {
      const object: Record<string, unknown> = {};
      for (let i = rng.int(6); i >= 0; i--) object[rng.pick(FIELD_NAMES)] = rng.pick(pools.json);
      if (rng.chance(0.6)) object.runId = rng.chance(0.7) ? runId : rng.pick(pools.strings);
      return { body: Buffer.from(JSON.stringify(object)), label: "plausible fields" };
    }
    case 2:
      return {
        body: Buffer.from(
          rng.pick(['{"a":', "{", "]", "NaN", "'x'", '{"a":1}}', "\u0000", '{"runId":"x",}', "nul"]),
        ),
        label: "invalid JSON",
      };
    case 3:
      return {
        body: Buffer.from(deepNest(rng.pick([100, 2000, 20_000]), rng.chance(0.5) ? "array" : "object")),
        label: "deep nesting",
      };
    case 4: {
      const size = rng.pick([MAX_BODY_BYTES - 20, MAX_BODY_BYTES + 1, 300_000, 2_000_000]);
      return {
        body: Buffer.from(JSON.stringify({ runId, label: "x".repeat(size) })),
        label: `huge string ${size}`,
      };
    }
    case 5:
      return {
        body: Buffer.from(
          `{"runId":"\\ud800","userId":"\\udfff","label":"\\udc00x","name":"\\ud83d","flow":"\\ud800","title":"\\udbff"}`,
        ),
        label: "lone surrogates",
      };
    case 6:
      return { body: randomBytes(rng.int(4096) + 1), label: "binary" };
    case 7:
      return {
        body: Buffer.from(`{"runId":"${runId}","changes":${JSON.stringify(rng.pick(pools.json))}}`),
        label: "changes",
      };
    case 8:
      return { body: Buffer.from(JSON.stringify(rng.pick(pools.strings))), label: "string" };
    default:
      return { body: Buffer.alloc(0), label: "empty" };
  }
}

interface Pools {
  json: unknown[];
  strings: string[];
}

function pools(seed: number): Pools {
  return {
    json: fc.sample(fc.jsonValue({ maxDepth: 4 }), { seed, numRuns: 400 }),
    strings: fc.sample(fc.string({ unit: "binary", maxLength: 80 }), { seed: seed + 1, numRuns: 200 }),
  };
}

interface Fixture {
  port: number;
  cookie: string;
  runId: string;
  linkId: string;
  token: string;
  origin: string;
}

function fillParam(rng: Rng, fixture: Fixture, param: string, stepIds: string[]): string {
  if (rng.chance(0.35)) return rng.pick(BAD_SEGMENTS);
  switch (param) {
    case "id":
      return rng.chance(0.8) ? fixture.runId : randomBytes(16).toString("base64url");
    case "linkId":
      return rng.chance(0.5) ? fixture.linkId : randomBytes(12).toString("base64url");
    case "stepId":
      return rng.chance(0.7) ? rng.pick(stepIds) : "reboot-dc";
    case "token":
      return rng.chance(0.2) ? fixture.token : randomBytes(32).toString("base64url");
    case "...path":
      return rng.pick([
        "v1.0/me",
        "v1.0/users",
        "beta/reports/authenticationMethods/userRegistrationDetails",
        "v1.0/%FF",
        "x/y/z",
      ]);
    default:
      return "x";
  }
}

function makeRequest(
  rng: Rng,
  route: DiscoveredRoute,
  method: string,
  fixture: Fixture,
  p: Pools,
  stepIds: string[],
): FuzzRequest {
  const path =
    fillPattern(route.pattern, (param) => fillParam(rng, fixture, param, stepIds)) + rng.pick(QUERIES);
  const headers: Record<string, string> = {};
  if (rng.chance(0.8)) headers.cookie = fixture.cookie;
  else if (rng.chance(0.5))
    headers.cookie = `sspr_session=${randomBytes(rng.int(600) + 1).toString("base64url")}`;
  if (rng.chance(0.5))
    headers.origin = rng.pick([
      fixture.origin,
      fixture.origin,
      "https://evil.example",
      "null",
      "http://127.0.0.1",
    ]);
  if (rng.chance(0.2))
    headers["sec-fetch-site"] = rng.pick(["same-origin", "cross-site", "none", "same-site", "garbage"]);
  if (rng.chance(0.3))
    headers["if-match"] = rng.pick(['"v1"', '"v2"', "*", "garbage", '"v99999999999"', 'W/"v1"', ""]);
  if (rng.chance(0.2)) headers["if-none-match"] = rng.pick(['"v1"', "*", "x", '"v1", "v2"']);
  if (rng.chance(0.2))
    headers["x-forwarded-for"] = rng.pick(["1.2.3.4", "::1", "garbage", "1.1.1.1, 2.2.2.2"]);
  if (rng.chance(0.1))
    headers.authorization = rng.pick([
      "Bearer x",
      "Bearer " + "a".repeat(3000),
      "Basic Zm9vOmJhcg==",
      "Bearer",
    ]);
  if (rng.chance(0.1)) headers["content-encoding"] = rng.pick(["gzip", "br", "identity", "x"]);
  if (rng.chance(0.1)) headers.accept = rng.pick(["text/html", "*/*", "application/json", "image/png"]);
  let body: Buffer | undefined;
  let label = `${method} ${route.pattern}`;
  let declaredLength: number | undefined;
  if (!["GET", "HEAD"].includes(method) && rng.chance(0.9)) {
    const made = makeBody(rng, p, fixture.runId);
    body = made.body;
    label += ` [${made.label}]`;
    if (rng.chance(0.85)) headers["content-type"] = rng.pick(CONTENT_TYPES);
    if (rng.chance(0.05)) {
      declaredLength = body.length + 1000;
      label += " [declared length > body]";
    } else if (rng.chance(0.03)) {
      declaredLength = 300 * 1024 * 1024;
      label += " [declared 300 MB]";
    }
  }
  return { method, path, headers, body, declaredLength, label };
}

// --- the suite ----------------------------------------------------------------------------------------------

const missing = BUILT ? null : "there is no production build (.next/BUILD_ID): run `npx next build` first";

describe.skipIf(missing !== null && !REQUIRED)(
  missing ? `fuzz suite skipped: ${missing}` : "fuzz suite",
  () => {
    let child: ChildProcess | undefined;
    let dataDir: string;
    let serverLog = "";
    let fixture: Fixture;

    beforeAll(async () => {
      if (missing) throw new Error(`REQUIRE_INTEGRATION=1, but ${missing}`);
      const port = await freePort();
      dataDir = mkdtempSync(join(tmpdir(), "wizard-fuzz-"));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: String(port),
        HOSTNAME_BIND: "127.0.0.1",
        DATABASE_URL: "",
        DATABASE_FILE: join(dataDir, "wizard.db"),
        SESSION_SECRET: randomBytes(48).toString("base64"),
        SESSION_SECRET_FILE: join(dataDir, "session-secret"),
        SANDBOX_AUDIT_DELAY_SECONDS: "0",
      };
      for (const name of Object.keys(env)) {
        if (/^(ENTRA_|DIRECTORY_|PUBLIC_ORIGIN|GRAPH_BASE_URL|SANDBOX_GRAPH_URL)/.test(name))
          delete env[name];
      }
      child = spawn(
        join(ROOT, "node_modules", ".bin", "next"),
        ["start", "-p", String(port), "-H", "127.0.0.1"],
        {
          cwd: ROOT,
          env,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child.stdout?.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
      await waitForServer(port, child, () => serverLog);

      const origin = `http://127.0.0.1:${port}`;
      // Set-up requests may wait for a cold start; the fuzzed ones may not.
      const first = await send(port, { method: "GET", path: "/", headers: {}, label: "session" }, 60_000);
      const cookie = cookiesFrom(first);
      const json = (headers: Record<string, string> = {}) => ({
        cookie,
        origin,
        "content-type": "application/json",
        ...headers,
      });
      const run = await send(port, {
        method: "POST",
        path: "/api/runs",
        headers: json(),
        body: Buffer.from(JSON.stringify({ flow: "enable" })),
        label: "run",
      });
      expect(run.status, run.body).toBe(201);
      const runId = String((JSON.parse(run.body) as { id: string }).id);
      const link = await send(port, {
        method: "POST",
        path: `/api/runs/${runId}/share-links`,
        headers: json(),
        body: Buffer.from(JSON.stringify({ role: "edit", label: "fuzz" })),
        label: "link",
      });
      expect(link.status, link.body).toBe(201);
      const created = JSON.parse(link.body) as { link: { id: string }; path: string };
      fixture = {
        port,
        cookie,
        runId,
        linkId: created.link.id,
        token: created.path.replace("/share/", ""),
        origin,
      };
    }, 120_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it(
      "every route answers malformed requests below 500, within 5 s, without a stack trace, API errors as JSON",
      async () => {
        const routes = discoverRoutes(join(ROOT, "app"));
        const stepIds = routes
          .filter((r) => r.pattern.startsWith("/api/verify/") && r.params.length === 0)
          .map((r) => r.pattern.split("/").at(-1) ?? "");
        expect(routes.filter((r) => r.kind === "api").length).toBeGreaterThan(20);
        // Warm-up: each route once, well-formed, so a cold first render is not counted as a hang.
        for (const route of routes) {
          const path = fillPattern(route.pattern, (param) =>
            param === "id"
              ? fixture.runId
              : param === "stepId"
                ? (stepIds[0] ?? "x")
                : param === "linkId"
                  ? fixture.linkId
                  : "warm",
          );
          await send(
            fixture.port,
            { method: "GET", path, headers: { cookie: fixture.cookie }, label: "warm-up" },
            60_000,
          );
        }
        const rng = prng(SEED);
        const p = pools(SEED);
        const OTHER_METHODS = [
          "GET",
          "POST",
          "PUT",
          "PATCH",
          "DELETE",
          "OPTIONS",
          "HEAD",
          "TRACE",
          "PROPFIND",
        ];

        const jobs: FuzzRequest[] = [];
        const pairs: string[] = [];
        for (const route of routes) {
          for (const method of route.methods) {
            pairs.push(`${method} ${route.pattern}`);
            for (let i = 0; i < PER_ROUTE; i++) {
              const chosen = rng.chance(0.85) ? method : rng.pick(OTHER_METHODS);
              jobs.push(makeRequest(rng, route, chosen, fixture, p, stepIds));
            }
          }
        }
        // Interleave routes so a time-bounded run still reaches every one.
        const order = jobs.map((job, index) => ({ job, key: (index % PER_ROUTE) * 1e6 + rng.int(1e6) }));
        order.sort((a, b) => a.key - b.key);

        const failures: string[] = [];
        const statuses = new Map<number, number>();
        const started = Date.now();
        let sent = 0;
        let slowest = 0;
        let slowestWhat = "";
        let cursor = 0;
        const worker = async () => {
          while (cursor < order.length && Date.now() - started < TIME_LIMIT_MS) {
            const { job } = order[cursor++]!;
            const outcome = await send(fixture.port, job);
            sent++;
            statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
            const where = `${job.label} → ${job.method} ${job.path.slice(0, 160)}`;
            if (outcome.ms > slowest) [slowest, slowestWhat] = [outcome.ms, `${where} (${outcome.status})`];
            if (outcome.hung) failures.push(`hang over ${HANG_MS} ms: ${where}`);
            else if (outcome.status >= 500)
              failures.push(`${outcome.status}: ${where}: ${outcome.body.slice(0, 200)}`);
            if (STACK.test(outcome.body))
              failures.push(`stack trace in body: ${where}: ${outcome.body.slice(0, 300)}`);
            const api = job.path.startsWith("/api/");
            if (api && outcome.status >= 400 && job.method !== "HEAD" && outcome.status > 0) {
              let shape = false;
              try {
                const parsed = JSON.parse(outcome.body) as { error?: { code?: unknown; message?: unknown } };
                shape = typeof parsed.error?.code === "string" && typeof parsed.error.message === "string";
              } catch {
                shape = false;
              }
              if (!shape)
                failures.push(
                  `${outcome.status} not in the JSON error shape: ${where}: ${outcome.body.slice(0, 120)}`,
                );
            }
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        const elapsed = Date.now() - started;
        const logged = serverLog.split("\n").filter((line) => /^\s+at \S/.test(line)).length;
        if (logged > 0)
          failures.push(`${logged} stack-trace lines in the server log:\n${serverLog.slice(-3000)}`);

        const summary =
          `fuzz: seed ${SEED}, ${sent} requests of ${order.length} planned over ${routes.length} routes ` +
          `(${pairs.length} route/method pairs, ${PER_ROUTE} each) in ${(elapsed / 1000).toFixed(1)} s; slowest ${slowest} ms (${slowestWhat}); ` +
          `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`;
        console.log(summary);
        const unique = [...new Set(failures)];
        expect(
          unique,
          `${summary}\nreplay with FUZZ_SEED=${SEED}\n${unique.slice(0, 40).join("\n")}`,
        ).toEqual([]);
        // A time-bounded run must still have reached every route/method pair at least once.
        expect(sent).toBeGreaterThanOrEqual(Math.min(order.length, pairs.length));
      },
      TIME_LIMIT_MS + 120_000,
    );
  },
);
