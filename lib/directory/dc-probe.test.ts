import { describe, expect, it } from "vitest";
import { checkDomainControllers } from "./checks/domain-checks";
import { DC_PROBE_TTL_MS, DcProbeCache, probeDomainControllers } from "./dc-probe";
import { DirectoryError } from "./errors";
import { type DomainControllerRecord, type DomainRecord } from "./port";

const HINTS = "1.2.840.113556.1.4.2239";

function dc(name: string | null, overrides: Partial<DomainControllerRecord> = {}): DomainControllerRecord {
  return {
    dn: `CN=${name ?? "NONAME"},OU=Domain Controllers,DC=contoso,DC=com`,
    dnsHostName: name,
    operatingSystem: "Windows Server 2019 Standard",
    operatingSystemVersion: "10.0 (17763)",
    supportedControl: null,
    ...overrides,
  };
}

function domain(dcs: DomainControllerRecord[]): DomainRecord {
  return {
    dn: "DC=contoso,DC=com",
    dnsName: "contoso.com",
    netbiosName: "CONTOSO",
    sid: "S-1-5-21-1-2-3",
    sd: "O:DAG:DAD:",
    minPwdAge: "0",
    passwordSettingsObjects: [],
    domainControllers: dcs,
    supportedControl: [HINTS],
    samServerSd: null,
    preWindows2000Members: null,
  };
}

describe("probing every DC's rootDSE", () => {
  it("asks each DC not yet read, keeps the connected one, and records why a DC could not be read", async () => {
    const asked: string[] = [];
    const result = await probeDomainControllers(
      [
        dc("dc1.contoso.com", { supportedControl: [HINTS] }),
        dc("dc2.contoso.com"),
        dc("dc3.contoso.com"),
        dc("dc4.contoso.com"),
        dc(null),
      ],
      async (name) => {
        asked.push(name);
        if (name === "dc3.contoso.com")
          throw new DirectoryError("unreachable", "dc3.contoso.com:636 refused the connection.", "Open 636.");
        if (name === "dc4.contoso.com") throw new Error("socket hang up");
        return ["1.2.840.113556.1.4.801", "1.2.840.113556.1.4.801"];
      },
    );
    expect(asked.sort()).toEqual(["dc2.contoso.com", "dc3.contoso.com", "dc4.contoso.com"]);
    expect(result.map((d) => [d.supportedControl, d.supportedControlError])).toEqual([
      [[HINTS], undefined],
      [["1.2.840.113556.1.4.801"], undefined],
      [null, "dc3.contoso.com:636 refused the connection."],
      [null, "socket hang up"],
      [null, "it has no dNSHostName to connect to"],
    ]);
  });

  it("runs at most `concurrency` probes at once", async () => {
    let running = 0;
    let peak = 0;
    const dcs = Array.from({ length: 10 }, (_, i) => dc(`dc${i}.contoso.com`));
    await probeDomainControllers(
      dcs,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return [HINTS];
      },
      3,
    );
    expect(peak).toBe(3);
  });

  it("reports a probed DC without the control, and judges an unread DC by its OS version", () => {
    const findings = checkDomainControllers(
      domain([
        dc("dc1.contoso.com", { supportedControl: [HINTS] }),
        dc("dc2.contoso.com", { supportedControl: ["1.2.840.113556.1.4.801"] }),
        dc("dc3.contoso.com", { supportedControlError: "dc3.contoso.com did not answer within 4000 ms." }),
        dc("dc4.contoso.com", {
          operatingSystem: "Windows Server 2012 R2 Standard",
          operatingSystemVersion: "6.3 (9600)",
          supportedControlError: "the certificate does not name dc4.contoso.com.",
        }),
      ]),
    );
    const byHost = (host: string) => findings.filter((f) => f.dn.startsWith(`CN=${host}`));
    expect(byHost("dc1")).toEqual([]);
    expect(byHost("dc2").map((f) => f.code)).toEqual(["dc-policy-hints-unsupported"]);
    expect(byHost("dc3")).toEqual([
      expect.objectContaining({
        code: "dc-controls-unread",
        severity: "info",
        reason: expect.stringMatching(
          /dc3\.contoso\.com did not answer within 4000 ms\), so it is judged by its operating system/,
        ),
      }),
    ]);
    expect(
      byHost("dc4")
        .map((f) => f.code)
        .sort(),
    ).toEqual(["dc-controls-unread", "dc-os-old"]);
    expect(byHost("dc4").find((f) => f.code === "dc-controls-unread")?.reason).toMatch(
      /does not settle the question/,
    );
  });
});

describe("remembering DC answers", () => {
  it("reuses an answer within its lifetime, a failure for a shorter one, and asks again after", async () => {
    let now = 1_000_000;
    const cache = new DcProbeCache(() => now);
    const asked: string[] = [];
    const probe = cache.wrap("ldaps://dc1:636|svc", async (name) => {
      asked.push(name);
      if (name.startsWith("down"))
        throw new DirectoryError("timeout", `${name} did not answer.`, "Check it.");
      return [HINTS];
    });
    expect(await probe("dc2.contoso.com")).toEqual([HINTS]);
    await expect(probe("down.contoso.com")).rejects.toThrow("down.contoso.com did not answer.");
    now += DC_PROBE_TTL_MS.failed - 1;
    expect(await probe("DC2.contoso.com")).toEqual([HINTS]); // names compare without case
    await expect(probe("down.contoso.com")).rejects.toThrow("down.contoso.com did not answer.");
    expect(asked).toEqual(["dc2.contoso.com", "down.contoso.com"]);
    now += 1;
    await expect(probe("down.contoso.com")).rejects.toThrow();
    expect(asked).toHaveLength(3);
    now += DC_PROBE_TTL_MS.read;
    await probe("dc2.contoso.com");
    expect(asked).toHaveLength(4);
    // Another connection (scope) does not share answers.
    await cache.wrap("ldaps://other:636|svc", async () => [])("dc2.contoso.com");
    expect(await probe("dc2.contoso.com")).toEqual([HINTS]);
  });
});
