// A second judge, for the SDDL code in lib/ad: Samba renders each descriptor as SDDL (ldbsearch on
// the lab's sam.ldb), the DC returns the same descriptor in binary over LDAP, and the engine must
// read both to the same thing — owner, group, DACL flags and every ACE. The seeded domain holds a
// few hundred real descriptors with the ACE shapes AD produces (aliases, object ACEs, inheritance).

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type Ace,
  parseSecurityDescriptor,
  type SecurityDescriptor,
  SE_DACL_AUTO_INHERITED,
  SE_DACL_PROTECTED,
} from "@/lib/ad/security-descriptor";
import { formatSddl, parseSddl } from "@/lib/ad/sddl";
import { prerequisite } from "@/lib/testing/integration";

import { bindLdaps, SdFlagsControl } from "./ldap";
import { runTool, unfoldLdif } from "./run-tool";
import { labLdapsOptions, readLabPassword } from "./settings";
import { integrationLab, requireSettings } from "./test-support";

const lab = integrationLab();
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
// ldbsearch opens sam.ldb directly, which only root may read.
const asRoot = prerequisite(
  isRoot ? null : "the comparison with Samba's SDDL writer needs root (ldbsearch reads the lab's sam.ldb)",
);

/** Runs ldbsearch on the lab's sam.ldb and returns dn -> SDDL (LDIF lines unfolded). */
async function sambaSddl(samLdb: string, baseDn: string, filter: string): Promise<Map<string, string>> {
  const out = await runTool("ldbsearch", [
    "-H",
    samLdb,
    "-b",
    baseDn,
    "-s",
    "sub",
    filter,
    "nTSecurityDescriptor",
    "--controls=sd_flags:1:7",
  ]);
  const map = new Map<string, string>();
  for (const block of unfoldLdif(out).split(/\n(?=# record)/)) {
    const dn = /^dn: (.*)$/m.exec(block)?.[1];
    const sddl = /^nTSecurityDescriptor: (.*)$/m.exec(block)?.[1];
    if (dn && sddl) map.set(dn.toLowerCase(), sddl);
  }
  return map;
}

interface Comparable {
  owner: string | null;
  group: string | null;
  daclFlags: number;
  aces: string[];
}

function aceKey(ace: Ace): string {
  if ("raw" in ace && ace.raw) return `raw:${ace.type}:${ace.flags}:${Buffer.from(ace.raw).toString("hex")}`;
  const known = ace as Exclude<Ace, { raw: Uint8Array }>;
  return [
    known.type,
    known.flags,
    known.mask >>> 0,
    known.objectType ?? "",
    known.inheritedObjectType ?? "",
    known.sid,
  ].join(";");
}

function comparable(sd: SecurityDescriptor): Comparable {
  return {
    owner: sd.owner,
    group: sd.group,
    // The control bits SDDL can express for a DACL: P and AI.
    daclFlags: sd.control & (SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED),
    aces: (sd.dacl?.aces ?? []).map(aceKey),
  };
}

describe.skipIf(lab.skip)("SDDL: engine vs. Samba's SDDL writer on the lab's descriptors", () => {
  let binaries: Map<string, Uint8Array>;
  let sddl: Map<string, string>;
  type Client = Awaited<ReturnType<typeof bindLdaps>>;
  let admin: Client | undefined;

  beforeAll(async () => {
    const s = requireSettings(lab);
    admin = await bindLdaps(labLdapsOptions(s), s.admin.dn, readLabPassword(s.admin.passwordFile));
    // Everything but the bulk users (identical descriptors, and ten thousand of them).
    const filter = "(&(objectClass=*)(!(sAMAccountName=bulk-*)))";
    const { searchEntries } = await admin.search(
      s.baseDn,
      {
        scope: "sub",
        filter,
        attributes: ["nTSecurityDescriptor"],
        explicitBufferAttributes: ["nTSecurityDescriptor"],
        paged: { pageSize: 500 },
      },
      new SdFlagsControl(7),
    );
    binaries = new Map();
    for (const e of searchEntries) {
      const v = e.nTSecurityDescriptor;
      const buf = Array.isArray(v) ? v[0] : v;
      if (Buffer.isBuffer(buf)) binaries.set(e.dn.toLowerCase(), new Uint8Array(buf));
    }
    sddl = isRoot ? await sambaSddl(`${s.sambaDir}/private/sam.ldb`, s.baseDn, filter) : new Map();
  });

  afterAll(async () => {
    await admin?.unbind();
  });

  it.skipIf(asRoot.skip)(
    "parseSddl(Samba's SDDL) equals parseSecurityDescriptor(DC's bytes) for every object",
    () => {
      asRoot.assertPresent();
      const s = requireSettings(lab);
      const failures: string[] = [];
      let compared = 0;
      for (const [dn, bytes] of binaries) {
        const text = sddl.get(dn);
        if (!text) continue;
        compared += 1;
        try {
          const fromText = comparable(parseSddl(text, { domainSid: s.domainSid }));
          const fromBytes = comparable(parseSecurityDescriptor(bytes));
          expect(fromText).toEqual(fromBytes);
        } catch (error) {
          failures.push(
            `${dn}: ${error instanceof Error ? error.message.split("\n").slice(0, 12).join("\n") : String(error)}\n  SDDL: ${text}`,
          );
        }
      }
      console.log(
        `sddl: compared ${compared} descriptors (${binaries.size} read over LDAP), ${failures.length} differ`,
      );
      expect(compared).toBeGreaterThan(100);
      expect(failures.slice(0, 5)).toEqual([]);
    },
  );

  it("formatSddl then parseSddl keeps every descriptor the DC returned", () => {
    const s = requireSettings(lab);
    const failures: string[] = [];
    for (const [dn, bytes] of binaries) {
      const sd = parseSecurityDescriptor(bytes);
      try {
        expect(
          comparable(parseSddl(formatSddl(sd, { domainSid: s.domainSid }), { domainSid: s.domainSid })),
        ).toEqual(comparable(sd));
      } catch (error) {
        failures.push(
          `${dn}: ${error instanceof Error ? error.message.split("\n").slice(0, 8).join("\n") : String(error)}`,
        );
      }
    }
    expect(binaries.size).toBeGreaterThan(100);
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
