import { describe, expect, it } from "vitest";
import { parseSddl } from "@/lib/ad/sddl";
import { applyToDescriptor, diffSddl, splitHeader } from "./changes";
import { aceKey, diffAces, summarizeChange } from "./change-summary";
import { FIXTURE_CONNECTOR_SID as C, FIXTURE_DOMAIN_SID as D } from "./testing/fixture";

const connector = { sid: C, name: "CONTOSO\\MSOL_ab12" };
const sd = (text: string) => parseSddl(text, { domainSid: D });

describe("the fix preview in plain words", () => {
  it("says what the delegation adds, for whom and where", () => {
    const root = sd("O:DAG:DAD:AI(A;;RPLCLORC;;;AU)");
    const change = { kind: "add-delegation" as const, dn: "DC=contoso,DC=test", why: "" };
    const after = applyToDescriptor(change, root, C, null, "domainDNS")!.predicted;
    expect(summarizeChange(change, root, after, connector)).toBe(
      "Adds 3 permissions for CONTOSO\\MSOL_ab12: Reset password, Write lockoutTime, Write pwdLastSet on descendant user objects of DC=contoso,DC=test.",
    );
  });

  it("says what a revocation removes", () => {
    const change = { kind: "add-delegation" as const, dn: "DC=contoso,DC=test", why: "" };
    const base = sd("O:DAG:DAD:AI(A;;RPLCLORC;;;AU)");
    const delegated = applyToDescriptor(change, base, C, null, "domainDNS")!.predicted;
    const revoke = { kind: "remove-delegation" as const, dn: "DC=contoso,DC=test", why: "" };
    const after = applyToDescriptor(revoke, delegated, C, null, "domainDNS")!.predicted;
    expect(summarizeChange(revoke, delegated, after, connector)).toBe(
      "Removes 3 permissions of CONTOSO\\MSOL_ab12: Reset password, Write lockoutTime, Write pwdLastSet on descendant user objects of DC=contoso,DC=test.",
    );
  });

  it("the optional Unexpire Password entry applies to the domain and everything below", () => {
    const root = sd("O:DAG:DAD:AI(A;;RPLCLORC;;;AU)");
    const change = { kind: "add-unexpire" as const, dn: "DC=contoso,DC=test", why: "" };
    const after = applyToDescriptor(change, root, C, null, "domainDNS")!.predicted;
    expect(summarizeChange(change, root, after, connector)).toBe(
      "Adds 1 permission for CONTOSO\\MSOL_ab12: Unexpire password on DC=contoso,DC=test and all its descendant objects.",
    );
  });

  it("re-enabling inheritance names what arrives from the parent and what stays", () => {
    const parent = sd(
      `O:DAG:DAD:AI(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;${C})(A;CI;RP;;;AU)`,
    );
    const ou = sd("O:DAG:DAD:PAI(A;;RPLCLORC;;;AU)");
    const change = { kind: "enable-inheritance" as const, dn: "OU=Legacy,DC=contoso,DC=test", why: "" };
    const after = applyToDescriptor(change, ou, C, parent, "organizationalUnit")!.predicted;
    expect(summarizeChange(change, ou, after, connector)).toBe(
      "Turns permission inheritance back on for OU=Legacy,DC=contoso,DC=test: it receives 2 permissions from its parent, among them CONTOSO\\MSOL_ab12's Reset password; its own 1 entry stays.",
    );
  });

  it("clearing adminCount and a change already in place", () => {
    expect(summarizeChange({ kind: "clear-admincount", dn: "CN=Omar", why: "" }, null, null, connector)).toBe(
      "Clears adminCount on CN=Omar, so SDProp stops resetting its permissions.",
    );
    const root = sd("O:DAG:DAD:AI(A;;RPLCLORC;;;AU)");
    expect(summarizeChange({ kind: "add-delegation", dn: "DC=x", why: "" }, root, root, connector)).toMatch(
      /^Nothing to change on DC=x/,
    );
  });
});

describe("the ACE diff", () => {
  it("compares entries, not text: an unchanged owner or group is no change, a flag change is", () => {
    const ou = sd("O:DAG:DAD:PAI(A;;RPLCLORC;;;AU)");
    const same = sd("O:DAG:DAD:AI(A;;RPLCLORC;;;AU)");
    const diff = diffSddl(ou, same, D);
    expect(diff.lines).toEqual(["  O:DA", "  G:DA", "- D:PAI", "+ D:AI", "  (A;;LCRPLORC;;;AU)"]);
    expect(diffAces(ou, same)).toEqual({ added: [], removed: [] });
  });

  it("marks additions with + and removals with -, keeping order and duplicates apart", () => {
    const before = sd("O:DAG:DAD:(A;;RP;;;AU)(A;;RP;;;AU)(A;;WP;;;WD)");
    const after = sd("O:DAG:DAD:(A;;RP;;;AU)(A;;CR;;;WD)(A;;WP;;;WD)");
    const { added, removed } = diffAces(before, after);
    expect(added.map(aceKey)).toEqual([aceKey(after.dacl!.aces[1]!)]);
    expect(removed.map(aceKey)).toEqual([aceKey(before.dacl!.aces[1]!)]);
    const lines = diffSddl(before, after, D).lines;
    expect(lines.filter((l) => l.startsWith("+ "))).toEqual(["+ (A;;CR;;;WD)"]);
    expect(lines.filter((l) => l.startsWith("- "))).toEqual(["- (A;;RP;;;AU)"]);
  });

  it("shows a changed owner as its own change", () => {
    const lines = diffSddl(sd("O:DAG:DAD:(A;;RP;;;AU)"), sd("O:SYG:DAD:(A;;RP;;;AU)"), D).lines;
    expect(lines.slice(0, 4)).toEqual(["- O:DA", "+ O:SY", "  G:DA", "  D:"]);
  });

  it("splits a header into owner, group and DACL flags", () => {
    expect(splitHeader("O:DAG:DAD:PAI")).toEqual(["O:DA", "G:DA", "D:PAI"]);
    expect(splitHeader(`O:${D}-512G:${D}-513D:AI`)).toEqual([`O:${D}-512`, `G:${D}-513`, "D:AI"]);
    expect(splitHeader("D:")).toEqual(["D:"]);
  });
});
