import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { config } from "./proxy";

// Which paths run through proxy.ts, decided the way Next compiles the matcher (its own getMiddlewareMatchers), so
// that a file put in public/ is served as it is: no CSP nonce, no session cookie for a crawler.

type Matcher = { regexp: string };
const require = createRequire(join(process.cwd(), "package.json"));
const { getMiddlewareMatchers } = require("next/dist/build/analysis/get-page-static-info") as {
  getMiddlewareMatchers: (matcher: unknown, nextConfig: Record<string, unknown>) => Matcher[];
};
const matchers = getMiddlewareMatchers(config.matcher, {});
const proxied = (path: string) => matchers.some((m) => new RegExp(m.regexp).test(path));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const PUBLIC = join(process.cwd(), "public");

describe("public/", () => {
  it("holds a robots.txt that keeps every crawler out", () => {
    const robots = readFileSync(join(PUBLIC, "robots.txt"), "utf8");
    const rules = robots
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*/, "").trim())
      .filter(Boolean);
    expect(rules).toEqual(["User-agent: *", "Disallow: /"]);
  });

  it("is served without the proxy, file by file", () => {
    const files = filesUnder(PUBLIC).map((file) => `/${relative(PUBLIC, file).split("\\").join("/")}`);
    expect(files).toContain("/robots.txt");
    for (const path of files) expect(proxied(path), path).toBe(false);
  });

  it("leaves pages, API routes and look-alike paths to the proxy", () => {
    for (const path of ["/", "/runs/abc", "/api/runs", "/share/token", "/robots.txt.html", "/docs/robots"]) {
      expect(proxied(path), path).toBe(true);
    }
    expect(proxied("/icon.svg")).toBe(false);
  });
});

describe("the snapshot upload", () => {
  it("skips the proxy, so Next does not buffer its body and cut it at 10 MB", () => {
    expect(proxied("/api/runs/0b7f4a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b/directory/snapshot")).toBe(false);
    expect(proxied("/api/runs/abc/directory/snapshot/")).toBe(false);
  });

  it("leaves the run's other directory routes and look-alikes to the proxy", () => {
    for (const path of [
      "/api/runs/abc/directory",
      "/api/runs/abc/directory/snapshots",
      "/api/runs/abc/directory/snapshot/x",
      "/api/runs/a/b/directory/snapshot",
      "/runs/abc/directory/snapshot",
    ]) {
      expect(proxied(path), path).toBe(true);
    }
  });
});

describe("the sandbox Graph simulator", () => {
  it("skips the proxy: the server's own calls carry a bearer, and would each get a new session cookie", () => {
    expect(proxied("/api/sandbox/graph/v1.0/auditLogs/directoryAudits")).toBe(false);
    expect(proxied("/api/sandbox/graph/v1.0/organization")).toBe(false);
  });

  it("leaves the other sandbox routes and look-alikes to the proxy", () => {
    for (const path of [
      "/api/sandbox/tenant",
      "/api/sandbox/connect",
      "/api/sandbox/graphs",
      "/sandbox/graph/x",
    ]) {
      expect(proxied(path), path).toBe(true);
    }
  });
});
