import { describe, expect, it } from "vitest";

import { labNetwork } from "./samba";

describe("a second lab's network (samba.ts labNetwork)", () => {
  it("keeps the default lab on the machine's own network", () => {
    expect(labNetwork("/work/main/.lab")).toEqual({ address: "127.0.0.1", netns: null });
  });

  it("gives another address its own namespace, named after the folder", () => {
    const net = labNetwork("/work/lab-bulk", "10.213.0.2");
    expect(net.address).toBe("10.213.0.2");
    expect(net.netns).toMatch(/^sspr-lab-[0-9a-f]{8}$/);
    expect(labNetwork("/work/lab-bulk/", "10.213.0.2").netns).toBe(net.netns);
    expect(labNetwork("/work/lab-other", "10.213.0.2").netns).not.toBe(net.netns);
  });

  it("refuses an address that is not a private 10.x host address", () => {
    expect(() => labNetwork("/x", "127.0.0.2")).toThrow(/--address/);
    expect(() => labNetwork("/x", "10.213.0.1")).toThrow(/--address/);
  });
});
