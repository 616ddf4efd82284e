// Attribute values without a thrown error per binary value (performance only; the values are identical).
//
// ldapts 8.2.0's Attribute.parse decodes every value with a fatal UTF-8 TextDecoder and catches the TypeError it
// throws for binary ones: two thrown errors per user in a scan (nTSecurityDescriptor, objectSid), about 40 % of the
// client's CPU, spent while the page arrives and so between one page and the request for the next (bench/README.md:
// the scan's CPU went from 1,012 ms to 595 ms). The same parse asks buffer.isUtf8 first (no error) and decodes only
// valid text, with the same decoder: a value is a string exactly when the fatal decode succeeds, else the Buffer, as
// before.
//
// It is installed explicitly at start-up (installLdaptsParsePatch: lib/server/startup.ts, the CLI, the bench), never
// as an import side effect, and only over the exact code it was written against: ldapts 8.2.0 AND the SHA-256 of
// Attribute.parse's source text. Any other ldapts keeps its own parse, and the process says so once. The change is
// offered upstream (docs/ldapts-upstream-pr.md); drop this module once a released ldapts has it.

import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Attribute, Ber, type BerReader, ProtocolOperation } from "ldapts";

/** The only ldapts release whose Attribute.parse this replaces. */
export const PATCHED_LDAPTS_VERSION = "8.2.0";
/** SHA-256 of `Attribute.prototype.parse.toString()` in ldapts 8.2.0 (its ESM and CommonJS builds alike). */
export const PATCHED_PARSE_SHA256 = "63ec38bfc2aa0d2d5c98bc7d58001f63292636532b058970c1d0da2dd80dca50";

type ParseTarget = {
  type: string;
  values: (string | Buffer)[];
  parsedBuffers: Buffer[];
  _isBinaryType(): boolean;
};
const utf8Fatal = new TextDecoder("utf8", { fatal: true });

function parseAttributeWithoutThrowing(this: ParseTarget, reader: BerReader): void {
  reader.readSequence();
  this.type = reader.readString() ?? "";
  const isBinaryType = this._isBinaryType();
  if (reader.peek() === ProtocolOperation.LBER_SET) {
    if (reader.readSequence(ProtocolOperation.LBER_SET)) {
      const end = reader.offset + reader.length;
      while (reader.offset < end) {
        const buffer = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
        // parsedBuffers is ldapts's getter for its own `buffers` array (8.2.0), so this pushes where it pushes.
        this.parsedBuffers.push(buffer);
        this.values.push(isBinaryType || !isUtf8(buffer) ? buffer : utf8Fatal.decode(buffer));
      }
    }
  }
}

// Marks the replacement, so a second copy of this module (Next's dev reloads) sees the patch as installed.
const PATCHED = Symbol.for("sspr-wizard.ldapts-parse-patch");
Object.defineProperty(parseAttributeWithoutThrowing, PATCHED, { value: true });

function isPatched(parse: unknown): boolean {
  return typeof parse === "function" && PATCHED in parse;
}

/** ldapts's own Attribute.parse and the replacement, for the equivalence tests. */
export const ATTRIBUTE_PARSE = {
  original: Attribute.prototype.parse,
  withoutThrowing: parseAttributeWithoutThrowing as unknown as Attribute["parse"],
};

export type LdaptsParsePatchResult = { installed: true } | { installed: false; reason: string };

export interface LdaptsParsePatchOptions {
  /** The object whose `parse` is replaced (default: ldapts's Attribute.prototype). */
  target?: { parse: Attribute["parse"] };
  /** The installed ldapts version (default: read from its package.json); null when it cannot be read. */
  version?: string | null;
  /** The hash the replaced function's source must have (default: PATCHED_PARSE_SHA256). */
  expectedSha256?: string;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The version in ldapts's package.json (not in its exports map, so found through module resolution). */
export function installedLdaptsVersion(): string | null {
  const bases = [import.meta.url, pathToFileURL(join(process.cwd(), "package.json")).href];
  for (const base of bases) {
    try {
      let dir = dirname(createRequire(base).resolve("ldapts"));
      for (let depth = 0; depth < 4; depth++, dir = dirname(dir)) {
        const file = join(dir, "package.json");
        if (!existsSync(file)) continue;
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
        if (pkg.name === "ldapts" && typeof pkg.version === "string") return pkg.version;
      }
    } catch {
      // Try the next base; bundlers may give import.meta.url a form createRequire does not take.
    }
  }
  return null;
}

let warned = false;

/**
 * Replaces ldapts's Attribute.parse with the one above when, and only when, ldapts is exactly
 * PATCHED_LDAPTS_VERSION and the parse's source text hashes to PATCHED_PARSE_SHA256. Idempotent. When it does
 * not install, one line on console.warn (once per process) says why; scans are then slower, and still correct.
 */
export function installLdaptsParsePatch(options: LdaptsParsePatchOptions = {}): LdaptsParsePatchResult {
  const target = options.target ?? Attribute.prototype;
  if (isPatched(target.parse)) return { installed: true };
  const version = options.version === undefined ? installedLdaptsVersion() : options.version;
  const expectedSha256 = options.expectedSha256 ?? PATCHED_PARSE_SHA256;
  let reason: string | null = null;
  if (version !== PATCHED_LDAPTS_VERSION) {
    reason = `ldapts is ${version ?? "of an unknown version"}, the patch was written for ${PATCHED_LDAPTS_VERSION}`;
  } else if (sha256(Function.prototype.toString.call(target.parse)) !== expectedSha256) {
    reason = "ldapts's Attribute.parse is not the code the patch was written against (its SHA-256 differs)";
  }
  if (reason !== null) {
    if (!warned) {
      warned = true;
      console.warn(
        `ldapts attribute-parse patch not installed: ${reason}; directory scans will be slower (one thrown error per binary value), but their results are the same.`,
      );
    }
    return { installed: false, reason };
  }
  target.parse = ATTRIBUTE_PARSE.withoutThrowing;
  return { installed: true };
}
