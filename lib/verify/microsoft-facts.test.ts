import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The facts register: every behaviour of Microsoft's the product relies on carries a marker comment in the code
// that encodes it and an entry in docs/microsoft-facts.md naming its claim, Microsoft's page and the test that
// holds it. This test keeps the two in step, so a fact cannot be encoded without a source or linger after its code.

const ROOT = join(__dirname, "..", "..");
const REGISTER = "docs/microsoft-facts.md";
const SCANNED = ["lib", "components", "app", "cli"];
const CODE = /\.(ts|tsx|js|jsx|mjs|cjs)$/;
const TEST = /\.(test|spec)\.[^.]+$/;
const MARKER = /ms-fact:\s*([A-Za-z0-9_-]+)/g;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

interface Marker {
  id: string;
  /** file:line, for the failure message. */
  at: string;
}

interface Entry {
  id: string;
  line: number;
  claim: string | null;
  source: string | null;
  encodedBy: { file: string; test: string }[];
  /** "Encoded by" lines that do not have the form `path` — "test name". */
  malformed: string[];
}

/** The ms-fact markers of the code under `dirs` (test files and node_modules left out). */
function scanMarkers(root: string, dirs: readonly string[]): Marker[] {
  const out: Marker[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(path);
      } else if (CODE.test(entry.name) && !TEST.test(entry.name)) {
        readFileSync(path, "utf8")
          .split("\n")
          .forEach((text, i) => {
            for (const m of text.matchAll(MARKER)) {
              out.push({ id: m[1] ?? "", at: `${relative(root, path)}:${i + 1}` });
            }
          });
      }
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return out;
}

/** The entries of the register: a "### <id>" heading followed by its "- Claim/Source/Encoded by" lines. */
function parseRegister(markdown: string): Entry[] {
  const entries: Entry[] = [];
  let current: Entry | null = null;
  let fenced = false;
  markdown.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    // The format example in a code block is not an entry.
    if (line.startsWith("```")) fenced = !fenced;
    if (fenced || line.startsWith("```")) return;
    const heading = /^###\s+(.+?)\s*$/.exec(line);
    if (heading) {
      current = {
        id: heading[1] ?? "",
        line: i + 1,
        claim: null,
        source: null,
        encodedBy: [],
        malformed: [],
      };
      entries.push(current);
      return;
    }
    if (/^#{1,2}\s/.test(line)) {
      current = null;
      return;
    }
    if (!current) return;
    const entry: Entry = current;
    const field = /^-\s*(Claim|Source|Encoded by):\s*(.*)$/.exec(line);
    if (!field) return;
    const [, name, value = ""] = field;
    if (name === "Claim") entry.claim = value.trim() || null;
    else if (name === "Source") entry.source = /<?(https:\/\/[^\s>]+)>?/.exec(value)?.[1] ?? null;
    else {
      const encoded = /^`([^`]+)`\s*[—–-]+\s*"(.+)"\s*$/.exec(value.trim());
      if (encoded) entry.encodedBy.push({ file: encoded[1] ?? "", test: encoded[2] ?? "" });
      else entry.malformed.push(value.trim());
    }
  });
  return entries;
}

/** Every way the register and the code disagree, one sentence each, naming the fact id and what is missing. */
function registerProblems(
  markers: readonly Marker[],
  entries: readonly Entry[],
  readFile: (path: string) => string | null,
): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Entry>();
  for (const entry of entries) {
    if (byId.has(entry.id)) problems.push(`fact "${entry.id}" has two entries in ${REGISTER}`);
    byId.set(entry.id, entry);
    if (!KEBAB.test(entry.id)) problems.push(`fact "${entry.id}": the id is not kebab-case`);
    if (!entry.claim) problems.push(`fact "${entry.id}" has no Claim`);
    if (!entry.source) problems.push(`fact "${entry.id}" has no https Source`);
    for (const bad of entry.malformed)
      problems.push(`fact "${entry.id}": Encoded by is not \`<test file>\` — "<test name>": ${bad}`);
    if (entry.encodedBy.length === 0 && entry.malformed.length === 0)
      problems.push(`fact "${entry.id}" has no Encoded by test`);
    for (const { file, test } of entry.encodedBy) {
      const text = readFile(file);
      if (text === null) problems.push(`fact "${entry.id}": its test file ${file} does not exist`);
      else if (!text.includes(test)) problems.push(`fact "${entry.id}": ${file} has no test named "${test}"`);
    }
  }
  const marked = new Set<string>();
  for (const marker of markers) {
    marked.add(marker.id);
    if (!byId.has(marker.id))
      problems.push(`fact "${marker.id}" (marker at ${marker.at}) has no entry in ${REGISTER}`);
  }
  for (const entry of entries) {
    if (!marked.has(entry.id))
      problems.push(`fact "${entry.id}" has no "ms-fact: ${entry.id}" marker in ${SCANNED.join("/, ")}/`);
  }
  return problems;
}

const readRepoFile = (path: string): string | null => {
  const full = join(ROOT, path);
  return existsSync(full) ? readFileSync(full, "utf8") : null;
};

describe("the Microsoft facts register", () => {
  it("matches the code: every marker has an entry, every entry a source, a test and a marker", () => {
    const register = readRepoFile(REGISTER);
    expect(register, `${REGISTER} is missing`).not.toBeNull();
    const problems = registerProblems(
      scanMarkers(ROOT, SCANNED),
      parseRegister(register ?? ""),
      readRepoFile,
    );
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("has entries and markers to compare", () => {
    expect(parseRegister(readRepoFile(REGISTER) ?? "").length).toBeGreaterThan(10);
    expect(scanMarkers(ROOT, SCANNED).length).toBeGreaterThan(10);
  });

  it("names the fact id and what is missing", () => {
    const files: Record<string, string> = { "lib/a.test.ts": 'it("holds the fact", () => {})' };
    const read = (path: string) => files[path] ?? null;
    const entries = parseRegister(
      [
        "# Microsoft facts",
        "```",
        "### <fact-id>",
        "```",
        "## Roles",
        "### good-fact",
        "- Claim: Something Microsoft documents.",
        '- Source: <https://learn.microsoft.com/entra/x> (MicrosoftDocs/entra-docs/docs/x.md, section "X")',
        '- Encoded by: `lib/a.test.ts` — "holds the fact"',
        "### no-source",
        "- Claim: A claim.",
        "- Source: MicrosoftDocs/entra-docs/docs/x.md",
        '- Encoded by: `lib/a.test.ts` — "holds the fact"',
        "### missing-test-file",
        "- Claim: A claim.",
        "- Source: <https://learn.microsoft.com/entra/y>",
        '- Encoded by: `lib/none.test.ts` — "holds the fact"',
        "### wrong-test-name",
        "- Claim: A claim.",
        "- Source: <http://learn.microsoft.com/entra/z>",
        '- Encoded by: `lib/a.test.ts` — "does something else"',
        "### unmarked",
        "- Claim: A claim.",
        "- Source: <https://learn.microsoft.com/entra/w>",
        '- Encoded by: `lib/a.test.ts` — "holds the fact"',
      ].join("\n"),
    );
    const markers: Marker[] = [
      "good-fact",
      "no-source",
      "missing-test-file",
      "wrong-test-name",
      "orphan",
    ].map((id) => ({ id, at: "lib/x.ts:1" }));
    expect(registerProblems(markers, entries, read)).toEqual([
      'fact "no-source" has no https Source',
      'fact "missing-test-file": its test file lib/none.test.ts does not exist',
      'fact "wrong-test-name" has no https Source',
      'fact "wrong-test-name": lib/a.test.ts has no test named "does something else"',
      `fact "orphan" (marker at lib/x.ts:1) has no entry in ${REGISTER}`,
      `fact "unmarked" has no "ms-fact: unmarked" marker in lib/, components/, app/, cli/`,
    ]);
  });

  it("finds markers in code but not in tests or node_modules", () => {
    const markers = scanMarkers(ROOT, SCANNED);
    expect(markers.every((m) => !TEST.test(m.at.split(":")[0] ?? ""))).toBe(true);
    expect(markers.every((m) => !m.at.includes("node_modules"))).toBe(true);
    expect(markers.some((m) => m.at.startsWith("lib/tenant/graph-facts.ts:"))).toBe(true);
  });
});
