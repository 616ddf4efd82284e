import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

// Starts real `next start` instances of this repository's production build (run `npx next build` first), each on its
// own loopback port, and talks to them as a browser would: a cookie jar, Origin on writes, redirects not followed.

const root = join(import.meta.dirname, "..", "..");
const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");

export function hasBuild(): boolean {
  return existsSync(join(root, ".next", "BUILD_ID"));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

export interface Instance {
  name: string;
  origin: string;
  port: number;
  child: ChildProcess;
  /** What the instance printed, for a failure message. */
  output(): string;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
}

export async function startInstance(
  name: string,
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const instance: Instance = {
    name,
    origin: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => log,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited while starting:\n${log}`);
    try {
      const res = await fetch(`${instance.origin}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return instance;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await instance.kill();
      throw new Error(`${name} did not answer /api/health within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A browser's cookies, sent to every instance (they share one site behind a load balancer). */
export class Browser {
  readonly cookies = new Map<string, string>();

  async request(
    instance: Instance,
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown>; text: string }> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const method = init.method ?? "GET";
    if (method !== "GET") headers.origin = instance.origin;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${instance.origin}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: "manual",
      signal: AbortSignal.timeout(60_000),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const index = pair?.indexOf("=") ?? -1;
      if (pair && index > 0) this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1));
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // an HTML page or an empty answer
    }
    return { status: res.status, headers: res.headers, json, text };
  }
}
