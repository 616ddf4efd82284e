import { describe, expect, it } from "vitest";
import { type DomainControllerRecord, type DomainRecord } from "../port";
import { checkDomainControllers } from "./domain-checks";

// Microsoft's tutorial asks for any supported Windows Server version; what writeback needs from a DC is the
// password-policy hints control (MMS(3040) otherwise). The findings say so, not "Windows Server 2016 required".

function domainWith(...dcs: DomainControllerRecord[]): DomainRecord {
  return {
    dn: "DC=contoso,DC=com",
    dnsName: "contoso.com",
    netbiosName: "CONTOSO",
    sid: "S-1-5-21-1-2-3",
    sd: null as unknown as DomainRecord["sd"],
    minPwdAge: "0",
    passwordSettingsObjects: [],
    domainControllers: dcs,
    supportedControl: [],
    samServerSd: null,
    preWindows2000Members: null,
  };
}

const dc = (name: string, os: string | null, version: string | null, controls: string[] | null) => ({
  dn: `CN=${name},OU=Domain Controllers,DC=contoso,DC=com`,
  dnsHostName: `${name}.contoso.com`,
  operatingSystem: os,
  operatingSystemVersion: version,
  supportedControl: controls,
});

describe("domain controller findings", () => {
  it("word the Windows Server version as Microsoft does and judge the policy-hints control", () => {
    const findings = checkDomainControllers(
      domainWith(
        dc("old", "Windows Server 2012 R2 Datacenter", "6.3 (9600)", ["1.2.840.113556.1.4.2066"]),
        dc("samba", "Samba", "4.17", []),
        dc("new", "Windows Server 2022 Datacenter", "10.0 (20348)", []),
      ),
    );
    const text = findings.map((f) => `${f.code}: ${f.reason} ${f.remediation ?? ""}`).join("\n");
    expect(text).not.toMatch(/requires Windows Server 2016/);
    expect(text).not.toMatch(/Windows Server 2016 requirement/);
    expect(findings.find((f) => f.code === "dc-os-old")?.reason).toMatch(/supported Windows Server version/);
    expect(findings.find((f) => f.code === "dc-os-unknown")?.remediation).toMatch(
      /password-policy hints control/,
    );
    // The control decides: the 2022 DC that does not offer it is reported, the 2012 R2 one that does is not.
    const hints = findings.filter((f) => f.code === "dc-policy-hints-unsupported").map((f) => f.dn);
    expect(hints).toEqual([dc("samba", null, null, null).dn, dc("new", null, null, null).dn]);
    expect(findings.find((f) => f.code === "dc-policy-hints-unsupported")?.remediation).toMatch(
      /offer this control .*Windows Server 2016 and later/,
    );
  });
});
