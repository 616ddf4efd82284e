import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

// The routes to fuzz, read from the file system: every app/**/route.ts with the methods it exports, and every
// app/**/page.tsx. A new route is fuzzed without anyone listing it.

export interface DiscoveredRoute {
  /** The folder pattern, e.g. `/api/runs/[id]/share-links/[linkId]`. */
  pattern: string;
  kind: "api" | "page" | "handler";
  /** Methods the module exports (pages: GET). */
  methods: string[];
  /** The dynamic segments, in order: `id`, `linkId`, `...path`. */
  params: string[];
}

const METHOD_EXPORT =
  /export\s+(?:const|async\s+function|function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b|export\s*\{([^}]*)\}/g;

function exportedMethods(source: string): string[] {
  const methods = new Set<string>();
  for (const match of source.matchAll(METHOD_EXPORT)) {
    if (match[1]) methods.add(match[1]);
    for (const name of (match[2] ?? "").split(",")) {
      const exported = name
        .split(/\s+as\s+/)
        .at(-1)
        ?.trim();
      if (exported && /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(exported)) methods.add(exported);
    }
  }
  return [...methods].sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export function discoverRoutes(appDir: string): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  for (const file of walk(appDir)) {
    const name = file.split(sep).at(-1) ?? "";
    if (!/^(route\.(ts|js)|page\.(tsx|ts|jsx|js))$/.test(name)) continue;
    const segments = relative(appDir, file)
      .split(sep)
      .slice(0, -1)
      // Route groups `(x)` and parallel routes `@x` do not appear in the URL.
      .filter((segment) => !/^\(.*\)$/.test(segment) && !segment.startsWith("@"));
    const pattern = `/${segments.join("/")}`;
    const params = segments.filter((s) => s.startsWith("[")).map((s) => s.replace(/^\[+|\]+$/g, ""));
    if (name.startsWith("page.")) {
      routes.push({ pattern, kind: "page", methods: ["GET"], params });
    } else {
      const methods = exportedMethods(readFileSync(file, "utf8"));
      routes.push({ pattern, kind: pattern.startsWith("/api/") ? "api" : "handler", methods, params });
    }
  }
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** The URL path of a route with its dynamic segments filled by `fill(param)`. */
export function fillPattern(pattern: string, fill: (param: string) => string): string {
  return pattern.replace(/\[+([^\]]+)\]+/g, (_whole, param: string) => fill(param));
}
