// A real PowerShell parser for tests: the tree-sitter PowerShell grammar (tree-sitter-powershell, compiled to wasm)
// run by web-tree-sitter, pure wasm with no native build. Every script the product generates goes through it
// (powershell-scripts.test.ts), so a generator that emits a broken quote, an unbalanced brace or an unescaped value
// fails a test instead of failing on the admin's server.
//
// The grammar is stricter than PowerShell in one known place: a bare-word comma list as a command argument
// (`Select-Object Name, Type`) is an error to it, while the quoted form (`Select-Object 'Name', 'Type'`) parses.
// The generators emit the quoted form (same meaning to PowerShell) rather than the test accepting errors.

import { createRequire } from "node:module";
import { expect } from "vitest";
import { Language, Parser, type Node } from "web-tree-sitter";

export interface ParseError {
  /** 1-based line and column of the node the parser could not fit (or expected but did not find). */
  line: number;
  column: number;
  kind: "error" | "missing";
  /** The source text of the node, cut to 80 characters (for MISSING nodes: what was expected). */
  text: string;
}

export interface ParseResult {
  errors: ParseError[];
}

let parserPromise: Promise<Parser> | null = null;

async function loadParser(): Promise<Parser> {
  const require = createRequire(import.meta.url);
  await Parser.init({
    locateFile: (name: string) => require.resolve(`web-tree-sitter/${name}`),
  });
  const language = await Language.load(require.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm"));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

function parser(): Promise<Parser> {
  parserPromise ??= loadParser();
  return parserPromise;
}

/**
 * PowerShell's tokenizer takes the typographic quotes as quotes (‘ ’ ‚ ‛ as ', “ ” „ as ") and the en dash, em
 * dash and horizontal bar as a hyphen; the grammar does not. Mapping them one character for one keeps every
 * position and lets the parser see a value that closes a string with a typographic quote for what it is.
 */
export function asPowerShellTokenizerSees(script: string): string {
  return script
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E]/g, '"')
    .replace(/[\u2013\u2014\u2015]/g, "-");
}

function collect(node: Node, out: ParseError[]): void {
  if (node.isError || node.isMissing) {
    out.push({
      line: node.startPosition.row + 1,
      column: node.startPosition.column + 1,
      kind: node.isMissing ? "missing" : "error",
      text: node.isMissing ? node.type : node.text.slice(0, 80),
    });
    // The children of an ERROR node are the tokens it swallowed; one report per broken region is enough.
    if (node.isError) return;
  }
  if (!node.hasError && !node.isMissing) return;
  for (const child of node.children) if (child) collect(child, out);
}

/** Parses a PowerShell script and lists every ERROR and MISSING node. An empty list means the script parses. */
export async function parsePowerShell(script: string): Promise<ParseResult> {
  const p = await parser();
  const tree = p.parse(asPowerShellTokenizerSees(script));
  if (!tree) throw new Error("tree-sitter returned no tree");
  try {
    const errors: ParseError[] = [];
    collect(tree.rootNode, errors);
    return { errors };
  } finally {
    tree.delete();
  }
}

/** A readable list of parse errors with the offending source lines, for assertion messages. */
export function describeParseErrors(script: string, errors: readonly ParseError[]): string {
  const lines = script.split("\n");
  return errors
    .map((e) => `${e.kind} at ${e.line}:${e.column} (${JSON.stringify(e.text)}): ${lines[e.line - 1] ?? ""}`)
    .join("\n");
}

/** Fails the current test, naming each error and its line, when `script` does not parse. */
export async function expectParsesAsPowerShell(script: string, label = "script"): Promise<void> {
  const { errors } = await parsePowerShell(script);
  expect(errors, `${label} does not parse as PowerShell:\n${describeParseErrors(script, errors)}`).toEqual(
    [],
  );
}
