import { describe, expect, it } from "vitest";
import { type DirectoryFinding } from "./checks/types";
import { clock, DELTA_FORMAT, type DeltaBaseline, fullScanNote, refuseBaseline, totalsOf } from "./delta";
import { type DomainRecord } from "./port";

const DOMAIN = "DC=contoso,DC=test";
const SID = "S-1-5-21-1-2-3";

function baseline(over: Partial<DeltaBaseline> = {}): DeltaBaseline {
  return {
    format: DELTA_FORMAT,
    fullScanAt: "2026-12-06T10:00:00.000Z",
    markedAt: "2026-12-06T10:42:00.000Z",
    mark: {
      server: "CN=NTDS Settings,CN=DC1",
      dnsHostName: "dc1",
      invocationId: "aa",
      highestCommittedUsn: "100",
    },
    describe: "LDAPS to dc1:636 as CN=svc",
    domain: { dn: DOMAIN, sid: SID },
    scope: [`OU=Corp,${DOMAIN}`],
    connector: {
      dn: `CN=MSOL_1,CN=Users,${DOMAIN}`,
      sid: `${SID}-1106`,
      tokenGroups: [`${SID}-513`, "S-1-5-32-545"],
    },
    above: [],
    containers: [],
    users: [],
    ...over,
  };
}

const input = (b: DeltaBaseline, over: Record<string, unknown> = {}) => ({
  baseline: b,
  domain: { dn: DOMAIN, sid: SID } as DomainRecord,
  bases: [`ou=corp,${DOMAIN}`],
  connector: {
    dn: `CN=MSOL_1,CN=Users,${DOMAIN}`,
    sid: `${SID}-1106`,
    tokenGroups: ["S-1-5-32-545", `${SID}-513`],
  },
  now: new Date("2026-12-06T11:00:00.000Z"),
  ...over,
});

describe("delta re-checks: when a baseline may be built on", () => {
  it("builds on a baseline of the same connection, domain, scope (any case or order) and connector groups", () => {
    expect(refuseBaseline(input(baseline()), "LDAPS to dc1:636 as CN=svc")).toBeNull();
  });

  it("asks for a full scan when the connector's groups changed", () => {
    const groups = ["S-1-5-32-545", `${SID}-513`, `${SID}-1200`];
    expect(
      refuseBaseline(
        input(baseline(), { connector: { ...input(baseline()).connector, tokenGroups: groups } }),
        "LDAPS to dc1:636 as CN=svc",
      ),
    ).toBe("the connector's groups changed");
  });

  it("asks for a full scan when the scope, the connection or the connector account changed, or the full scan is a day old", () => {
    const d = "LDAPS to dc1:636 as CN=svc";
    expect(refuseBaseline(input(baseline(), { bases: [`OU=Sales,${DOMAIN}`] }), d)).toBe("the scope changed");
    expect(refuseBaseline(input(baseline()), "LDAPS to dc2:636 as CN=svc")).toBe(
      "the connection to the directory changed",
    );
    expect(
      refuseBaseline(
        input(baseline(), { connector: { ...input(baseline()).connector, sid: `${SID}-9` } }),
        d,
      ),
    ).toBe("the connector account changed");
    expect(refuseBaseline(input(baseline(), { now: new Date("2026-12-07T10:00:01.000Z") }), d)).toBe(
      "the last full scan is more than a day old",
    );
  });
});

describe("delta re-checks: one result for a full scan and a delta", () => {
  const f = (dn: string): DirectoryFinding => ({
    code: "missing-delegation",
    severity: "error",
    dn,
    reason: "r",
    remediation: "x",
  });

  it("counts users and orders user findings by DN, whatever order the users came in", () => {
    const a = { guid: "1", dn: `CN=b,${DOMAIN}`, r: 0, f: [f(`CN=b,${DOMAIN}`)] };
    const b = { guid: "2", dn: `CN=A,${DOMAIN}`, r: 0, f: [f(`CN=A,${DOMAIN}`)] };
    const c = { guid: "3", dn: `CN=c,${DOMAIN}`, r: 3 };
    const one = totalsOf([a, b, c]);
    expect(totalsOf([c, b, a])).toEqual(one);
    expect(one).toMatchObject({ total: 3, ready: 1, changePassword: 1 });
    expect(one.findings.map((x) => x.dn)).toEqual([`CN=A,${DOMAIN}`, `CN=b,${DOMAIN}`]);
  });

  it("says how the users were read in one sentence", () => {
    expect(clock("2026-12-06T10:42:13.000Z")).toBe("10:42 UTC");
    expect(fullScanNote("the connector's groups changed", 10).sentence).toBe(
      "Full scan: the connector's groups changed.",
    );
  });
});
