import { describe, expect, it } from "vitest";
import { LruMap } from "./lru-map";

describe("LruMap", () => {
  it("keeps at most max entries and drops the least recently used", () => {
    const map = new LruMap<string, number>(3);
    map.set("a", 1).set("b", 2).set("c", 3);
    expect(map.get("a")).toBe(1); // a is now the most recent
    map.set("d", 4);
    expect(map.has("b")).toBe(false);
    expect(map.size).toBe(3);
    expect([...map.keys()]).toEqual(["c", "a", "d"]);
  });

  it("iterates from the oldest to the newest, like a Map whose uses re-insert", () => {
    const map = new LruMap<string, number>(10);
    map.set("x", 1).set("y", 2).set("z", 3);
    map.delete("x");
    map.set("x", 4);
    expect(map.keys().next().value).toBe("y");
    expect([...map]).toEqual([
      ["y", 2],
      ["z", 3],
      ["x", 4],
    ]);
    expect([...map.values()]).toEqual([2, 3, 4]);
    const seen: string[] = [];
    map.forEach((value, key) => seen.push(`${key}=${value}`));
    expect(seen).toEqual(["y=2", "z=3", "x=4"]);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get("y")).toBeUndefined();
  });
});
