// Benchmark: how much JavaScript the wizard's pages make a browser download, against a bare Next.js app built in
// the same run with the same next, react, Tailwind 4 (@tailwindcss/postcss) and one zustand client component.
// Run: node --import tsx bench/page-weight.ts [--reuse-build] [--keep] [--limit 1.3]
//
// Per page: start `next start` on a free port, fetch the page's HTML, and sum the gzip size of every
// `<script src>` it loads. That is what a browser fetches before the page is interactive; chunks loaded later on
// demand (`import()` of MSAL when someone signs in) are not counted. Manifests were not used: in Next 16 with
// Turbopack the per-route lists are spread over several manifests and the HTML is the one place that says it all.
//
// --reuse-build  serve the existing .next of this repository instead of running `next build` first.
// --keep         leave the bare app's temporary folder (printed) for inspection.
// --verbose      list every chunk of every page with its gzip size.
// --limit N      the largest acceptable ratio to the bare page (default 1.3).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const args = process.argv.slice(2);
const reuseBuild = args.includes("--reuse-build");
const keep = args.includes("--keep");
const verbose = args.includes("--verbose");
const limitIndex = args.indexOf("--limit");
const LIMIT = limitIndex >= 0 ? Number(args[limitIndex + 1]) : 1.3;

const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };

function build(dir: string, label: string): void {
  const started = Date.now();
  process.stdout.write(`Building ${label} (${dir}) … `);
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: dir,
    env: childEnv,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    console.log("failed");
    console.error(result.stdout, result.stderr);
    throw new Error(`next build of ${label} failed with status ${result.status}`);
  }
  console.log(`${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The bare app: a layout with Tailwind 4, a page with one zustand client component. */
function writeBareApp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "page-weight-bare-"));
  // The repository's packages, so nothing is downloaded and the versions are the ones the wizard builds with.
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  mkdirSync(path.join(dir, "app"));
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "page-weight-bare", private: true, type: "module" }),
    "postcss.config.mjs": `export default { plugins: { "@tailwindcss/postcss": {} } };\n`,
    // Turbopack refuses a node_modules symlink that leaves its root; the root is the common ancestor.
    "next.config.mjs": `export default { turbopack: { root: ${JSON.stringify(commonAncestor(dir, root))} } };\n`,
    "app/globals.css": `@import "tailwindcss";\n`,
    "app/layout.jsx": [
      `import "./globals.css";`,
      `export default function RootLayout({ children }) {`,
      `  return (<html lang="en"><body className="min-h-screen">{children}</body></html>);`,
      `}`,
      ``,
    ].join("\n"),
    "app/counter.jsx": [
      `"use client";`,
      `import { create } from "zustand";`,
      `const useCounter = create((set) => ({ count: 0, add: () => set((s) => ({ count: s.count + 1 })) }));`,
      `export function Counter() {`,
      `  const { count, add } = useCounter();`,
      `  return (<button className="rounded-md bg-slate-900 px-4 py-2 text-white" onClick={add}>Clicked {count}</button>);`,
      `}`,
      ``,
    ].join("\n"),
    "app/page.jsx": [
      `import { headers } from "next/headers";`,
      `import { Counter } from "./counter";`,
      `export default async function Page() {`,
      `  await headers();`,
      `  return (<main className="p-8"><h1 className="text-2xl font-bold">Bare</h1><Counter /></main>);`,
      `}`,
      ``,
    ].join("\n"),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function commonAncestor(a: string, b: string): string {
  const pa = path.resolve(a).split(path.sep);
  const pb = path.resolve(b).split(path.sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  return pa.slice(0, i).join(path.sep) || path.sep;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Server {
  origin: string;
  stop(): Promise<void>;
}

async function start(dir: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: dir,
      env: { ...childEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
    try {
      await fetch(`${origin}/favicon.ico`, { redirect: "manual" });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A tiny cookie jar: the wizard's proxy gives each browser a session cookie on its first page. */
class Jar {
  private cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

async function get(origin: string, pathname: string, jar: Jar): Promise<string> {
  const response = await fetch(`${origin}${pathname}`, {
    headers: { cookie: jar.header() },
    redirect: "manual",
  });
  jar.take(response);
  if (response.status !== 200) throw new Error(`GET ${pathname} answered ${response.status}`);
  return response.text();
}

interface Weight {
  scripts: number;
  raw: number;
  gzip: number;
  /** Whether any of the page's scripts carries zod (its error class is a tell-tale that survives minifying). */
  zod: boolean;
}

const chunkCache = new Map<string, Buffer>();

/** Sums every `<script src>` of the page, each chunk counted once, gzip at the default level. */
async function pageWeight(origin: string, html: string): Promise<Weight> {
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g))
    sources.add(match[1]!.replace(/&amp;/g, "&"));
  let raw = 0;
  let gzip = 0;
  let zod = false;
  for (const src of sources) {
    const url = new URL(src, origin).toString();
    let body = chunkCache.get(url);
    if (!body) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET ${src} answered ${response.status}`);
      body = Buffer.from(await response.arrayBuffer());
      chunkCache.set(url, body);
    }
    const zipped = gzipSync(body).length;
    zod ||= body.includes("ZodError");
    raw += body.length;
    gzip += zipped;
    if (verbose) console.log(`    ${kb(zipped).padStart(9)}  ${src}`);
  }
  return { scripts: sources.size, raw, gzip, zod };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "page-weight-data-"));
  const bare = writeBareApp();
  let bareServer: Server | null = null;
  let appServer: Server | null = null;
  try {
    build(bare, "the bare app");
    if (reuseBuild) {
      if (!existsSync(path.join(root, ".next", "BUILD_ID")))
        throw new Error("--reuse-build: there is no .next build");
      console.log("Reusing the wizard's .next build.");
    } else build(root, "the wizard");

    bareServer = await start(bare, {});
    if (verbose) console.log("bare page:");
    const bareWeight = await pageWeight(bareServer.origin, await get(bareServer.origin, "/", new Jar()));
    await bareServer.stop();
    bareServer = null;

    // The wizard in sandbox mode with its database and session secret in a temporary folder.
    appServer = await start(root, {
      DATABASE_FILE: path.join(tmp, "wizard.db"),
      SESSION_SECRET_FILE: path.join(tmp, "session-secret"),
      DATABASE_URL: "",
      ENTRA_CLIENT_ID: "",
    });
    const jar = new Jar();
    const landing = await get(appServer.origin, "/", jar);
    const created = await fetch(`${appServer.origin}/api/runs`, {
      method: "POST",
      headers: { cookie: jar.header(), "content-type": "application/json" },
      body: JSON.stringify({ flow: "enable" }),
    });
    jar.take(created);
    if (created.status !== 201)
      throw new Error(`POST /api/runs answered ${created.status}: ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const pages: [string, string][] = [
      ["/ (landing)", landing],
      ["/runs/[id]", await get(appServer.origin, `/runs/${id}`, jar)],
      ["/runs/[id]/[stepId]", await get(appServer.origin, `/runs/${id}/connector-permissions`, jar)],
    ];

    const weights: Weight[] = [];
    for (const [label, html] of pages) {
      if (verbose) console.log(`${label}:`);
      weights.push(await pageWeight(appServer.origin, html));
    }

    console.log("");
    console.log(
      `bare page: ${bareWeight.scripts} scripts, ${kb(bareWeight.raw)} raw, ${kb(bareWeight.gzip)} gzip`,
    );
    console.log(`goal: the run page and the step page at most ${LIMIT}× the bare page (gzip)`);
    console.log("");
    console.log("| page                 | scripts | raw        | gzip       | × bare | zod | verdict |");
    console.log("| -------------------- | ------- | ---------- | ---------- | ------ | --- | ------- |");
    let failed = false;
    for (const [i, [label]] of pages.entries()) {
      const weight = weights[i]!;
      const ratio = weight.gzip / bareWeight.gzip;
      const pass = ratio <= LIMIT;
      // The landing page is reported against the same limit; the exit status follows the run and step pages.
      if (!pass && label !== "/ (landing)") failed = true;
      console.log(
        `| ${label.padEnd(20)} | ${String(weight.scripts).padStart(7)} | ${kb(weight.raw).padStart(10)} | ${kb(weight.gzip).padStart(10)} | ${ratio.toFixed(2).padStart(6)} | ${weight.zod ? "yes" : "no "} | ${(pass ? "PASS" : "FAIL").padEnd(7)} |`,
      );
    }
    process.exitCode = failed ? 1 : 0;
  } finally {
    await bareServer?.stop();
    await appServer?.stop();
    rmSync(tmp, { recursive: true, force: true });
    if (keep) console.log(`\nThe bare app is kept in ${bare}`);
    else rmSync(bare, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
