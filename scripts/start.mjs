// `npm start`: build when there is no build yet or the sources changed since, then serve.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const root = new URL("..", import.meta.url).pathname;
const buildId = join(root, ".next", "BUILD_ID");
const next = join(root, "node_modules", ".bin", "next");

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function needsBuild() {
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const inputs = ["app", "components", "lib", "public", "proxy.ts", "next.config.js", "package.json"]
    .map((p) => join(root, p))
    .filter((p) => existsSync(p));
  return inputs.some((p) => newestMtime(p) > built);
}

if (needsBuild()) {
  console.log("Building the wizard (first start, or the sources changed)…");
  const build = spawnSync(next, ["build"], { stdio: "inherit", cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = process.env.PORT ?? "3000";
const hostname = process.env.HOSTNAME_BIND ?? "localhost";
// The server reads it to warn when PUBLIC_ORIGIN is unset on an address other machines can reach.
process.env.HOSTNAME_BIND = hostname;
console.log(`Serving the wizard at http://${hostname}:${port}`);
const serve = spawnSync(next, ["start", "-p", port, "-H", hostname], { stdio: "inherit", cwd: root });
process.exit(serve.status ?? 0);
