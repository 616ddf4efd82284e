import { describe, expect, it } from "vitest";
import { formatPath, type JsonPath, JsonSplitError, JsonSplitter, MAX_DEPTH } from "./json-split";

const encoder = new TextEncoder();

/** Splits `text` fed in pieces of `size` bytes; returns the elements and the skeleton. */
function split(text: string, size: number, splitAt = (p: JsonPath) => p.at(-1) === "items") {
  const elements: { path: string; index: number; value: unknown }[] = [];
  const tapped: { path: string; value: unknown }[] = [];
  const splitter = new JsonSplitter({
    split: splitAt,
    onElement: (path, index, t) => elements.push({ path: formatPath(path), index, value: JSON.parse(t) }),
    tap: (p) => p.length === 1 && p[0] === "id",
    onValue: (path, t) => tapped.push({ path: formatPath(path), value: JSON.parse(t) }),
  });
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.byteLength; i += size) splitter.write(bytes.subarray(i, i + size));
  return { elements, tapped, skeleton: JSON.parse(splitter.end()) as unknown };
}

const DOC = {
  id: 'a "quoted" ] } id \\ é 😀',
  items: [{ n: 1, s: "x,]}" }, [1, 2, { deep: [true, null] }], "str", 12.5e3, -1, false, null, { "": {} }],
  nested: [{ items: [{ k: "v" }] }, { items: [] }],
  tail: { items: [7] },
  n: 42,
};

describe("JsonSplitter", () => {
  it("hands over each element of the split arrays and keeps the rest, at any chunk size", () => {
    const text = JSON.stringify(DOC, null, 1);
    for (const size of [1, 2, 3, 7, 64, 100000]) {
      const { elements, skeleton, tapped } = split(text, size);
      expect(elements.filter((e) => e.path === "items").map((e) => e.value)).toEqual(DOC.items);
      expect(elements.filter((e) => e.path === "items").map((e) => e.index)).toEqual(
        DOC.items.map((_, i) => i),
      );
      expect(elements.filter((e) => e.path === "nested[0].items").map((e) => e.value)).toEqual([{ k: "v" }]);
      expect(elements.filter((e) => e.path === "tail.items").map((e) => e.value)).toEqual([7]);
      expect(skeleton).toEqual({
        ...DOC,
        items: [],
        nested: [{ items: [] }, { items: [] }],
        tail: { items: [] },
      });
      expect(tapped).toEqual([{ path: "id", value: DOC.id }]);
    }
  });

  it("skips a byte-order mark and reads a document that is a single value", () => {
    const splitter = new JsonSplitter({ split: () => false, onElement: () => undefined });
    splitter.write(new Uint8Array([0xef, 0xbb, 0xbf, 0x31, 0x32]));
    expect(splitter.end()).toBe("12");
  });

  it.each([
    ['{"items":[1 2]}', /',' is missing/],
    ['{"items":[1,]}', /value is expected/],
    ['{"items":[1}', /bracket does not match/],
    ['{"a":1}{', /more text after the end/],
    ['{"items":[{"a":1}', /ends before it is complete/],
    ['{"a" 1}', /':' is missing/],
    ["{a:1}", /key/],
  ])("refuses %s", (text, message) => {
    expect(() => split(text, 3)).toThrow(JsonSplitError);
    expect(() => split(text, 3)).toThrow(message);
    expect(() => split(text, 3)).toThrow(expect.objectContaining({ kind: "syntax" }));
  });

  it("refuses nesting deeper than its limit where it starts, without reading on", () => {
    // 64 levels are read; the 65th bracket, at byte 64, is refused, whatever follows it.
    const ok = "[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH);
    expect(split(ok, 7).skeleton).toBeInstanceOf(Array);
    const splitter = new JsonSplitter({ split: () => false, onElement: () => undefined });
    let thrown: unknown;
    try {
      splitter.write(encoder.encode("[".repeat(10_000)));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(JsonSplitError);
    expect((thrown as JsonSplitError).message).toBe("arrays and objects are nested more than 64 levels deep");
    expect((thrown as JsonSplitError).offset).toBe(MAX_DEPTH);
    expect((thrown as JsonSplitError).kind).toBe("limit");
    // Objects count the same, inside a split element too.
    const inElement = '{"items":[' + '{"a":'.repeat(MAX_DEPTH) + "1" + "}".repeat(MAX_DEPTH) + "]}";
    expect(() => split(inElement, 5)).toThrow(/nested more than 64 levels deep/);
    const limited = () => new JsonSplitter({ split: () => false, onElement: () => undefined, maxDepth: 3 });
    expect(() => limited().write(encoder.encode("[[[1]]]"))).not.toThrow();
    expect(() => limited().write(encoder.encode("[[[[1]]]]"))).toThrow(/more than 3 levels/);
  });

  it("counts the values of the skeleton, not those of split elements, and refuses one too many", () => {
    const make = () =>
      new JsonSplitter({
        split: (p) => p.at(-1) === "items",
        onElement: () => undefined,
        maxSkeletonValues: 4,
        skeletonName: "the header",
      });
    // The root object, "a", the items array and "b": four values; the elements of items do not count.
    const ok = make();
    ok.write(encoder.encode(`{"a":1,"items":[${"[1,2,3],".repeat(100)}0],"b":"x"}`));
    expect(JSON.parse(ok.end())).toEqual({ a: 1, items: [], b: "x" });
    const over = make();
    let thrown: unknown;
    try {
      over.write(encoder.encode('{"a":1,"items":[],"b":"x","c":{}}'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(JsonSplitError);
    expect(thrown).toMatchObject({
      kind: "limit",
      message: "the header holds more than 4 values",
      offset: 30,
    });
  });

  it("refuses an element over the size limit, naming it", () => {
    const splitter = new JsonSplitter({
      split: (p) => p.at(-1) === "items",
      onElement: () => undefined,
      maxElementBytes: 10,
    });
    expect(() => splitter.write(encoder.encode('{"items":[1,"0123456789abc"]}'))).toThrow(
      /items\[1\] is larger than 10 bytes/,
    );
    const again = new JsonSplitter({
      split: (p) => p.at(-1) === "items",
      onElement: () => undefined,
      maxElementBytes: 10,
    });
    expect(() => again.write(encoder.encode('{"items":["0123456789abc"]}'))).toThrow(
      expect.objectContaining({ kind: "limit" }),
    );
  });
});
