import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The browser's module graph, read from the sources: every module reachable from lib/client and components by an
// import that survives compilation (type-only imports are erased, so they do not count; dynamic `import()` does).
// zod stays on the server (about 42 kB gzip of the run page when it leaked in), and no browser module may reach a
// server-only one. bench/page-weight.ts measures the result in the built pages.

const root = path.resolve(import.meta.dirname, "../..");
const EXTENSIONS = [".ts", ".tsx", ".js", ".mjs"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Module specifiers of the imports of `file` that are still there after type erasure. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveLocal(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/")
    ? path.join(root, specifier.slice(2))
    : specifier.startsWith(".")
      ? path.resolve(path.dirname(from), specifier)
      : null;
  if (base === null) return null;
  for (const candidate of [
    base,
    ...EXTENSIONS.map((e) => base + e),
    ...EXTENSIONS.map((e) => path.join(base, `index${e}`)),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(root, from)}: cannot resolve ${specifier}`);
}

/** Every local module and npm package reachable from `entries`, with one import chain to each. */
function reach(entries: string[]): { modules: Map<string, string[]>; packages: Map<string, string[]> } {
  const modules = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const queue: [string, string[]][] = entries.map((e) => [e, [path.relative(root, e)]]);
  while (queue.length > 0) {
    const [file, chain] = queue.shift()!;
    if (modules.has(file)) continue;
    modules.set(file, chain);
    for (const specifier of runtimeImports(file)) {
      const local = resolveLocal(file, specifier);
      if (local) {
        if (!modules.has(local)) queue.push([local, [...chain, path.relative(root, local)]]);
        continue;
      }
      const name = specifier.startsWith("@")
        ? specifier.split("/").slice(0, 2).join("/")
        : specifier.split("/")[0]!;
      if (!packages.has(name)) packages.set(name, [...chain, name]);
    }
  }
  return { modules, packages };
}

const browserEntries = [
  ...filesUnder(path.join(root, "lib/client")),
  ...filesUnder(path.join(root, "components")),
];

describe("the browser's module graph", () => {
  const { modules, packages } = reach(browserEntries);

  it("starts from lib/client and components", () => {
    expect(browserEntries.length).toBeGreaterThan(20);
    expect(modules.size).toBeGreaterThanOrEqual(browserEntries.length);
  });

  it("imports no module that imports zod", () => {
    // The chain names the import path that pulls zod in, should one appear.
    expect(packages.get("zod") ?? null).toBeNull();
  });

  it("reaches nothing server-only", () => {
    expect(packages.get("server-only") ?? null).toBeNull();
    const server = [...modules.values()].filter((chain) =>
      chain.at(-1)!.startsWith(path.join("lib", "server")),
    );
    expect(server).toEqual([]);
  });

  it("would notice zod: the server's schema module does import it", () => {
    // Guards the walker itself: a graph that starts at the schema module must reach zod.
    const fromSchema = reach([path.join(root, "lib/steps/schema.ts")]);
    expect(fromSchema.packages.has("zod")).toBe(true);
  });
});

describe("lib/contract", () => {
  const contractFiles = filesUnder(path.join(root, "lib/contract"));

  it("has only type-level imports outside itself, so it costs the browser nothing", () => {
    const offenders = contractFiles.flatMap((file) =>
      runtimeImports(file)
        .filter((specifier) => !specifier.startsWith("./"))
        .map((specifier) => `${path.relative(root, file)} -> ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});
