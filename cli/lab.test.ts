import { describe, expect, it } from "vitest";

import { parseLabArgs } from "./lab";

describe("lab CLI arguments", () => {
  it("parses up with options", () => {
    expect(parseLabArgs(["up"])).toEqual({ action: "up", json: false });
    expect(
      parseLabArgs(["up", "--dir", ".lab", "--bulk", "10000", "--scenario", "undelegated", "--json"]),
    ).toEqual({
      action: "up",
      dir: ".lab",
      bulk: 10000,
      scenario: "undelegated",
      json: true,
    });
  });

  it("parses a second lab's address and the online bulk adds", () => {
    expect(
      parseLabArgs(["up", "--dir", "/work/lab-bulk", "--address", "10.213.0.2", "--online-bulk"]),
    ).toEqual({
      action: "up",
      dir: "/work/lab-bulk",
      address: "10.213.0.2",
      fastBulk: false,
      json: false,
    });
    expect(() => parseLabArgs(["down", "--address", "10.213.0.2"])).toThrow(/only go with up/);
  });

  it("parses down and status", () => {
    expect(parseLabArgs(["down", "--purge"])).toEqual({ action: "down", purge: true, json: false });
    expect(parseLabArgs(["status", "--json", "--dir", "/tmp/x"])).toEqual({
      action: "status",
      dir: "/tmp/x",
      json: true,
    });
    expect(parseLabArgs(["--help"])).toEqual({ action: "help" });
  });

  it("rejects bad usage with a sentence", () => {
    expect(() => parseLabArgs([])).toThrow(/up, down, status/);
    expect(() => parseLabArgs(["start"])).toThrow(/Unknown lab action "start"/);
    expect(() => parseLabArgs(["up", "--bulk", "ten"])).toThrow(/--bulk/);
    expect(() => parseLabArgs(["up", "--scenario", "half"])).toThrow(/--scenario/);
    expect(() => parseLabArgs(["status", "--purge"])).toThrow(/--purge/);
    expect(() => parseLabArgs(["down", "--bulk", "5"])).toThrow(/only go with up/);
    expect(() => parseLabArgs(["up", "--nope"])).toThrow();
  });
});
