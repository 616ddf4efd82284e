// A streaming JSON splitter: reads a JSON document chunk by chunk (UTF-8 bytes) and hands each element of the
// arrays chosen by `split` to `onElement` as soon as it is complete, as its own JSON text, while everything else is
// kept as the "skeleton" (the document with those arrays left empty). Memory holds one element and the skeleton, not
// the document, so a snapshot of 100,000 users is read in the memory of one user plus the domains' headers.
//
// It tracks the structure only (brackets, strings, separators) and leaves values to JSON.parse: each element's text
// and the skeleton are parsed by the caller, so a syntax error anywhere surfaces as a JSON.parse error there, or as
// a JsonSplitError here for what JSON.parse would not see (brackets that do not match, a missing comma between two
// split elements, text after the document).

export type JsonPath = readonly (string | number)[];

export class JsonSplitError extends Error {
  constructor(
    message: string,
    /** Bytes read before the problem. */
    readonly offset: number,
    /** `syntax`: not JSON; `limit`: JSON, but larger or deeper than the reader accepts. */
    readonly kind: "syntax" | "limit" = "syntax",
  ) {
    super(message);
    this.name = "JsonSplitError";
  }
}

export interface JsonSplitOptions {
  /** True for an array (given by its path) whose elements go to onElement instead of the skeleton. */
  split(path: JsonPath): boolean;
  /** Called with each element of a split array: the array's path, the element's index and its JSON text. */
  onElement(path: JsonPath, index: number, text: string): void;
  /**
   * True for a value (given by its path, outside split arrays) that is also handed to onValue as soon as it is read,
   * e.g. a domain's SID that the elements after it need. The value stays in the skeleton as well.
   */
  tap?(path: JsonPath): boolean;
  onValue?(path: JsonPath, text: string): void;
  /** Largest element (bytes); a larger one is an error naming it. */
  maxElementBytes?: number;
  /** Largest skeleton (bytes). */
  maxSkeletonBytes?: number;
  /**
   * Most values (objects, arrays, strings, numbers, literals) in the skeleton. What the skeleton costs once parsed
   * follows the number of its values more than its bytes: 17 MB of `{},` is 5.6 million objects.
   */
  maxSkeletonValues?: number;
  /** What the skeleton is called in errors, e.g. "the file apart from its users". */
  skeletonName?: string;
  /** Deepest nesting of arrays and objects; deeper is an error. Default MAX_DEPTH. */
  maxDepth?: number;
}

/**
 * The default nesting limit. A snapshot is a few levels deep; without a limit a document of nothing but brackets
 * (`[[[[…`) costs time in the square of its depth (each level looks at the path above it), and 60,000 of them held
 * the server's only thread for over two minutes.
 */
export const MAX_DEPTH = 64;

const enum Expect {
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  Done,
}

interface Frame {
  object: boolean;
  /** Object: the key of the member being read; array: the index of the element being read. */
  key: string | number;
  split: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Bytes collected across chunks. */
class Collector {
  parts: Uint8Array[] = [];
  size = 0;
  add(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    // A view, not a copy: streams hand over a fresh buffer for each chunk and do not write to it again.
    this.parts.push(bytes);
    this.size += bytes.byteLength;
  }
  take(): string {
    const text = decoder.decode(this.parts.length === 1 ? this.parts[0] : concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
    return text;
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export class JsonSplitter {
  private readonly stack: Frame[] = [];
  private expect: Expect = Expect.Value;
  private inString = false;
  private escaped = false;
  private inLiteral = false;
  /** The string being read is a key (collected into keyBytes). */
  private stringIsKey = false;
  private readonly keyBytes = new Collector();
  private readonly skeleton = new Collector();
  private readonly element = new Collector();
  /** Depth (stack length) at which the element being captured started; -1 when none. */
  private captureDepth = -1;
  private capturePath: JsonPath = [];
  private captureIndex = 0;
  /** Tapped value being captured: depth at its start, its path. */
  private tapDepth = -1;
  private tapPath: JsonPath = [];
  private readonly tap = new Collector();
  private offset = 0;
  private first = true;
  /** Values read outside the split arrays' elements. */
  private skeletonValues = 0;

  constructor(private readonly options: JsonSplitOptions) {}

  private get skeletonName(): string {
    return this.options.skeletonName ?? "the document outside its split arrays";
  }

  private path(): (string | number)[] {
    return this.stack.map((f) => f.key);
  }

  private fail(message: string, at: number, kind: "syntax" | "limit" = "syntax"): never {
    throw new JsonSplitError(message, this.offset + at, kind);
  }

  /** Feeds the next bytes of the document. */
  write(input: Uint8Array): void {
    let chunk = input;
    if (this.first && chunk.byteLength > 0) {
      this.first = false;
      // A byte-order mark (PowerShell 5.1 writes one with -Encoding UTF8) is not part of the JSON.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const n = chunk.byteLength;
    // Start of the current run of bytes that goes to the skeleton / the element / the tap / the key.
    const top0 = this.stack[this.stack.length - 1];
    // Between the elements of a split array (its commas) nothing goes to the skeleton either.
    let skeletonFrom = this.captureDepth < 0 && !top0?.split ? 0 : -1;
    let elementFrom = this.captureDepth >= 0 ? 0 : -1;
    let tapFrom = this.tapDepth >= 0 ? 0 : -1;
    let keyFrom = this.inString && this.stringIsKey ? 0 : -1;

    const flushSkeleton = (to: number) => {
      if (skeletonFrom >= 0 && to > skeletonFrom) {
        this.skeleton.add(chunk.subarray(skeletonFrom, to));
        const max = this.options.maxSkeletonBytes;
        if (max !== undefined && this.skeleton.size > max)
          this.fail(`${this.skeletonName} is larger than ${max.toLocaleString("en-US")} bytes`, to, "limit");
      }
    };

    const endValue = (at: number) => {
      // `at` is the index just past the value's last byte.
      const depth = this.stack.length;
      if (this.tapDepth >= 0 && depth === this.tapDepth) {
        this.tap.add(chunk.subarray(Math.max(tapFrom, 0), at));
        this.options.onValue?.(this.tapPath, this.tap.take());
        this.tapDepth = -1;
        tapFrom = -1;
      }
      if (this.captureDepth >= 0 && depth === this.captureDepth) {
        this.element.add(chunk.subarray(Math.max(elementFrom, 0), at));
        this.checkElementSize(at);
        const text = this.element.take();
        this.captureDepth = -1;
        elementFrom = -1;
        this.options.onElement(this.capturePath, this.captureIndex, text);
      }
      this.expect = depth === 0 ? Expect.Done : Expect.CommaOrEnd;
    };

    const startValue = (i: number) => {
      const top = this.stack[this.stack.length - 1];
      if (this.captureDepth < 0 && top && !top.object && top.split) {
        // An element of a split array: captured on its own, left out of the skeleton.
        flushSkeleton(i);
        skeletonFrom = -1;
        this.captureDepth = this.stack.length;
        this.capturePath = this.path().slice(0, -1);
        this.captureIndex = top.key as number;
        elementFrom = i;
      } else if (this.captureDepth < 0 && this.tapDepth < 0 && this.options.tap?.(this.path())) {
        this.tapDepth = this.stack.length;
        this.tapPath = this.path();
        tapFrom = i;
      }
    };

    for (let i = 0; i < n; i++) {
      const b = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        if (b === BACKSLASH) {
          this.escaped = true;
          continue;
        }
        if (b !== QUOTE) {
          // Skip ahead to the next quote or backslash.
          let j = i + 1;
          while (j < n) {
            const c = chunk[j] as number;
            if (c === QUOTE || c === BACKSLASH) break;
            j++;
          }
          i = j - 1;
          continue;
        }
        this.inString = false;
        if (this.stringIsKey) {
          this.keyBytes.add(chunk.subarray(Math.max(keyFrom, 0), i + 1));
          keyFrom = -1;
          const top = this.stack[this.stack.length - 1] as Frame;
          try {
            top.key = JSON.parse(this.keyBytes.take()) as string;
          } catch {
            this.fail("a key is not a valid JSON string", i);
          }
          this.stringIsKey = false;
          this.expect = Expect.Colon;
        } else {
          endValue(i + 1);
        }
        continue;
      }
      if (this.inLiteral) {
        // true, false, null and numbers end at a delimiter; JSON.parse checks their spelling.
        if (isSpace(b) || b === 0x2c || b === 0x5d || b === 0x7d) {
          this.inLiteral = false;
          endValue(i);
          // Fall through: the delimiter is read below.
        } else {
          continue;
        }
      }
      if (isSpace(b)) continue;
      switch (this.expect) {
        case Expect.Done:
          this.fail("there is more text after the end of the document", i);
        case Expect.Colon:
          if (b !== 0x3a) this.fail("a ':' is missing after a key", i);
          this.expect = Expect.Value;
          continue;
        case Expect.KeyOrEnd:
        case Expect.Key:
          if (b === QUOTE) {
            this.inString = true;
            this.stringIsKey = true;
            keyFrom = i;
            continue;
          }
          if (b === 0x7d && this.expect === Expect.KeyOrEnd) break;
          this.fail("a key (a string in double quotes) is expected", i);
        case Expect.CommaOrEnd: {
          const top = this.stack[this.stack.length - 1] as Frame;
          if (b === 0x2c) {
            if (top.object) this.expect = Expect.Key;
            else {
              top.key = (top.key as number) + 1;
              this.expect = Expect.Value;
            }
            continue;
          }
          if (b === 0x7d || b === 0x5d) break;
          this.fail("a ',' is missing between two values", i);
        }
        case Expect.ValueOrEnd:
          if (b === 0x5d) break;
        case Expect.Value:
          if (b === 0x7d || b === 0x5d) this.fail("a value is expected", i);
          if (b === 0x2c || b === 0x3a) this.fail("a value is expected", i);
          startValue(i);
          if (this.captureDepth < 0) {
            const maxValues = this.options.maxSkeletonValues;
            if (maxValues !== undefined && ++this.skeletonValues > maxValues)
              this.fail(
                `${this.skeletonName} holds more than ${maxValues.toLocaleString("en-US")} values`,
                i,
                "limit",
              );
            if (skeletonFrom < 0) skeletonFrom = i;
          }
          if (b === 0x7b || b === 0x5b) {
            const maxDepth = this.options.maxDepth ?? MAX_DEPTH;
            if (this.stack.length >= maxDepth)
              this.fail(`arrays and objects are nested more than ${maxDepth} levels deep`, i, "limit");
            const object = b === 0x7b;
            const parent = this.captureDepth < 0;
            const split = !object && parent && this.options.split(this.path());
            this.stack.push({ object, key: object ? "" : 0, split });
            this.expect = object ? Expect.KeyOrEnd : Expect.ValueOrEnd;
            if (split) {
              // The split array's brackets stay in the skeleton; its elements do not.
              flushSkeleton(i + 1);
              skeletonFrom = -1;
            }
          } else if (b === QUOTE) {
            this.inString = true;
            this.stringIsKey = false;
          } else {
            this.inLiteral = true;
          }
          continue;
      }
      // A closing bracket.
      const top = this.stack[this.stack.length - 1];
      if (!top || top.object !== (b === 0x7d)) this.fail("a bracket does not match", i);
      if (top.split && this.captureDepth < 0) skeletonFrom = i;
      this.stack.pop();
      endValue(i + 1);
    }
    if (this.captureDepth >= 0) {
      this.element.add(chunk.subarray(Math.max(elementFrom, 0), n));
      this.checkElementSize(n);
    } else flushSkeleton(n);
    if (this.tapDepth >= 0) this.tap.add(chunk.subarray(Math.max(tapFrom, 0), n));
    if (this.inString && this.stringIsKey) this.keyBytes.add(chunk.subarray(Math.max(keyFrom, 0), n));
    this.offset += n;
  }

  private checkElementSize(at: number): void {
    const max = this.options.maxElementBytes;
    if (max !== undefined && this.element.size > max) {
      const path = [...this.capturePath, this.captureIndex];
      throw new JsonSplitError(
        `element ${formatPath(path)} is larger than ${max.toLocaleString("en-US")} bytes`,
        this.offset + at,
        "limit",
      );
    }
  }

  /** Ends the document; returns the skeleton's JSON text. */
  end(): string {
    if (this.inLiteral) {
      this.inLiteral = false;
      if (this.stack.length === 0) this.expect = Expect.Done;
    }
    if (this.expect !== Expect.Done || this.stack.length > 0 || this.inString)
      throw new JsonSplitError("the document ends before it is complete", this.offset);
    return this.skeleton.take();
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.offset;
  }
}

/** ["domains", 0, "users", 12] -> "domains[0].users[12]" */
export function formatPath(path: JsonPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}
