import { describe, expect, it } from "vitest";

import { checkPrerequisites, type PrerequisiteProbe } from "./samba";

const probe = (over: Partial<PrerequisiteProbe>): PrerequisiteProbe => ({
  uid: () => 0,
  which: (name) => `/usr/bin/${name}`,
  exists: () => true,
  ...over,
});

describe("lab prerequisites", () => {
  it("needs root", () => {
    const r = checkPrerequisites(probe({ uid: () => 1000 }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/must run as root/);
  });

  it("names the apt-get line when Samba is missing", () => {
    const r = checkPrerequisites(
      probe({ which: (n) => (n === "samba-tool" ? undefined : `/usr/sbin/${n}`) }),
    );
    expect(!r.ok && r.message).toMatch(/apt-get install .*samba-ad-dc .*samba-ad-provision/);
  });

  it("detects a missing samba-ad-provision", () => {
    const r = checkPrerequisites(probe({ exists: () => false }));
    expect(!r.ok && r.message).toMatch(/samba-ad-provision is missing/);
  });

  it("passes with everything in place", () => {
    expect(checkPrerequisites(probe({}))).toEqual({
      ok: true,
      sambaTool: "/usr/bin/samba-tool",
      samba: "/usr/bin/samba",
    });
  });
});
