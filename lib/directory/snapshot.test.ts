import { describe, expect, it } from "vitest";
import { checkDomainControllers } from "./checks/domain-checks";
import { DirectoryError } from "./errors";
import { parseSnapshot, parseSnapshotText, SnapshotDirectory } from "./snapshot";
import { fixtureSnapshot } from "./testing/fixture";

function invalid(mutate: (s: Fixture) => void): string {
  const s = JSON.parse(JSON.stringify(fixtureSnapshot())) as Fixture;
  mutate(s);
  try {
    parseSnapshot(s);
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).kind).toBe("snapshot-invalid");
    return (error as DirectoryError).message;
  }
  throw new Error("expected the snapshot to be refused");
}

type Fixture = ReturnType<typeof fixtureSnapshot>;

describe("snapshot format", () => {
  it("accepts the fixture and keeps unknown fields", () => {
    const raw = {
      ...fixtureSnapshot(),
      producer: "test",
      domains: fixtureSnapshot().domains.map((d) => ({ ...d, extra: 1 })),
    };
    const parsed = parseSnapshot(raw);
    expect((parsed as Record<string, unknown>).producer).toBe("test");
    expect(parsed.domains[0]?.users).toHaveLength(8);
  });

  it.each([
    [
      "the format",
      (s: Fixture) => (s.format = "other" as never),
      /format must be "sspr-writeback-snapshot\/1"/,
    ],
    [
      "a user's SDDL",
      (s: Fixture) => (s.domains[0]!.users[2]!.sd = "D:(A;;ZZ;;;AU)"),
      /domains\[0\]\.users\[2\]\.sd is not valid SDDL/,
    ],
    ["a SID", (s: Fixture) => (s.domains[0]!.sid = "S-1-x"), /domains\[0\]\.sid is not a SID/],
    [
      "tokenGroups of an adminCount=1 user",
      (s: Fixture) => (s.domains[0]!.users[5]!.tokenGroups = null),
      /domains\[0\]\.users\[5\]\.tokenGroups is required when adminCount is 1/,
    ],
    [
      "a missing field",
      (s: Fixture) => delete (s.domains[0] as Partial<Fixture["domains"][number]>).minPwdAge,
      /domains\[0\]\.minPwdAge/,
    ],
    ["collectedAt", (s: Fixture) => (s.collectedAt = "yesterday"), /collectedAt is not an ISO-8601 time/],
  ])("names the bad field: %s", (_what, mutate, message) => {
    expect(invalid(mutate)).toMatch(message);
  });

  it("stops at the first bad element of a list, and looks at none after it", () => {
    // zod's z.array judges every element and keeps every issue: 5.6 million empty containers ended the process.
    let touched = 0;
    const spy = () =>
      new Proxy({} as Record<string, unknown>, {
        get: (_target, key) => {
          if (typeof key === "string") touched++;
          return undefined;
        },
      });
    const raw = fixtureSnapshot();
    (raw.domains[0] as { containers: unknown[] }).containers = Array.from({ length: 10_000 }, spy);
    let error: unknown;
    try {
      parseSnapshot(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).message).toMatch(
      /^The snapshot is not valid: domains\[0\]\.containers\[0\]\.dn /,
    );
    // Only the first container's fields were read (dn, sd, objectClass, and what zod asks of an object).
    expect(touched).toBeGreaterThan(0);
    expect(touched).toBeLessThan(20);
    // The bounds still apply: no domain at all, and a connector with too many classes.
    expect(invalid((s) => (s.domains = []))).toMatch(/domains needs at least one domain/);
    expect(
      invalid((s) => {
        if (s.connector) s.connector.objectClass = Array.from({ length: 21 }, () => "user");
      }),
    ).toMatch(/connector\.objectClass has more than 20 classes/);
  });

  it("refuses text that is not JSON, and accepts a byte-order mark", () => {
    expect(() => parseSnapshotText("{oops")).toThrow(/not valid JSON/);
    expect(parseSnapshotText(`\uFEFF${JSON.stringify(fixtureSnapshot())}`).domains).toHaveLength(1);
  });

  it("streams users and containers below a base, page by page", async () => {
    const port = new SnapshotDirectory(fixtureSnapshot());
    const pages: number[] = [];
    for await (const page of port.users("OU=Legacy,DC=contoso,DC=com")) pages.push(page.length);
    expect(pages).toEqual([2]);
    expect((await port.findAccount("CONTOSO\\MSOL_ab12cd34ef56"))?.sid).toMatch(/-1106$/);
    expect(await port.readObject("ou=legacy,dc=contoso,dc=com")).toMatchObject({
      dn: "OU=Legacy,DC=contoso,DC=com",
    });
  });
});

describe("domain controllers in a snapshot", () => {
  it("carries why the collector could not read a DC's rootDSE, and the checks say so", async () => {
    const raw = JSON.parse(JSON.stringify(fixtureSnapshot())) as Fixture;
    const dcs = raw.domains[0]!.domainControllers as Record<string, unknown>[];
    dcs.push({
      dn: "CN=DC09,OU=Domain Controllers,DC=contoso,DC=com",
      dnsHostName: "dc09.contoso.com",
      operatingSystem: "Windows Server 2022 Standard",
      operatingSystemVersion: "10.0 (20348)",
      supportedControl: null,
      supportedControlError: "The server is not operational.",
    });
    const [domain] = await new SnapshotDirectory(parseSnapshot(raw)).domains();
    const dc09 = domain!.domainControllers.find((dc) => dc.dnsHostName === "dc09.contoso.com");
    expect(dc09).toMatchObject({
      supportedControl: null,
      supportedControlError: "The server is not operational.",
    });
    expect(checkDomainControllers(domain!).filter((f) => f.dn === dc09!.dn)).toEqual([
      expect.objectContaining({
        code: "dc-controls-unread",
        reason: expect.stringContaining("not operational"),
      }),
    ]);
    dcs.at(-1)!.supportedControlError = 42;
    expect(() => parseSnapshot(raw)).toThrow(/supportedControlError/);
  });
});
