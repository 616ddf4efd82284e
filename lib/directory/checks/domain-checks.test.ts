import { describe, expect, it } from "vitest";
import { scanVerdict } from "@/lib/verify/verdicts/directory";
import { type DomainRecord, type PasswordSettingsRecord } from "../port";
import { checkPasswordPolicy, type PsoScope } from "./domain-checks";

const DN = "DC=contoso,DC=com";
const PSO = `CN=Sales PSO,CN=Password Settings Container,CN=System,${DN}`;
const GROUP = `CN=Sales,OU=Groups,${DN}`;

function domain(psos: PasswordSettingsRecord[] | null, minPwdAge: string | null = "0"): DomainRecord {
  return {
    dn: DN,
    dnsName: "contoso.com",
    netbiosName: "CONTOSO",
    sid: "S-1-5-21-1000-2000-3000",
    sd: "O:DAG:DAD:(A;;RPLCLORC;;;AU)",
    minPwdAge,
    passwordSettingsObjects: psos,
    domainControllers: [],
    supportedControl: [],
    samServerSd: null,
    preWindows2000Members: null,
  };
}

const unreadable = (appliesTo: string[] = []): PasswordSettingsRecord => ({
  dn: PSO,
  minPwdAge: null,
  appliesTo,
  precedence: null,
});
const scope = (affected: number | null) => new Map<string, PsoScope>([[PSO, { affected }]]);

describe("password policy: a policy the wizard cannot read is not clean", () => {
  it("an unreadable fine-grained policy is an error naming it, and fails the step", () => {
    const findings = checkPasswordPolicy(domain([unreadable()]), new Map());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: "fgpp-unreadable", severity: "error", dn: PSO });
    expect(findings[0]!.reason).toMatch(/CN=Sales PSO/);
    expect(findings[0]!.remediation).toMatch(/Grant the wizard's account Read on CN=Sales PSO/);
    expect(findings[0]!.remediation).toMatch(/Get-ADFineGrainedPasswordPolicy -Identity/);
    expect(scanVerdict({ findings })).toBe("failed");
  });

  it("an unreadable policy whose targets reach no in-scope user does not block", () => {
    const findings = checkPasswordPolicy(domain([unreadable([GROUP])]), scope(0));
    expect(findings.map((f) => [f.code, f.severity])).toEqual([["fgpp-unreadable", "info"]]);
    expect(scanVerdict({ findings })).toBe("passed");
  });

  it("an unreadable policy whose reach is unknown still blocks", () => {
    const findings = checkPasswordPolicy(domain([unreadable([GROUP])]), scope(null));
    expect(findings.map((f) => [f.code, f.severity])).toEqual([["fgpp-unreadable", "error"]]);
  });

  it("a Password Settings Container that cannot be listed fails the step too", () => {
    const findings = checkPasswordPolicy(domain(null), new Map());
    expect(findings.map((f) => [f.code, f.severity])).toEqual([["fgpp-unreadable", "error"]]);
    expect(findings[0]!.dn).toBe(`CN=Password Settings Container,CN=System,${DN}`);
    expect(scanVerdict({ findings })).toBe("failed");
  });

  it("readable policies at 0 and a domain at 0 pass", () => {
    const findings = checkPasswordPolicy(
      domain([{ dn: PSO, minPwdAge: "0", appliesTo: [GROUP], precedence: 10 }]),
      new Map(),
    );
    expect(findings).toEqual([]);
  });
});
