import { describe, expect, it } from "vitest";
import { scanVerdict } from "@/lib/verify/verdicts/directory";
import { type DomainRecord, type PasswordSettingsRecord } from "../port";
import { networkLogonToken } from "@/lib/ad/access-check";
import { planGrant, unexpireAce } from "../changes";
import { CONTAINER_INHERIT_ACE } from "@/lib/ad/security-descriptor";
import { checkPasswordPolicy, checkUnexpire, type PsoScope } from "./domain-checks";

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

describe("Unexpire Password: where the right comes from is said plainly", () => {
  const SID = "S-1-5-21-1000-2000-3000";
  const CONNECTOR = `${SID}-1106`;
  const GROUP = `${SID}-1200`;
  const UNEXPIRE = "ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501";
  const withAces = (aces: string) => ({ ...domain([]), sd: `O:DAG:DAD:(A;;RPLCLORC;;;AU)${aces}` });
  const token = networkLogonToken(CONNECTOR, [GROUP]);

  it("through Authenticated Users: passes, names the entry, and calls the tutorial's entry optional", () => {
    const findings = checkUnexpire(withAces(`(OA;;CR;${UNEXPIRE};;AU)`), token);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: "unexpire-from-other-entry", severity: "info", dn: DN });
    expect(findings[0]!.reason).toContain("through the entry for Authenticated Users (S-1-5-11)");
    expect(findings[0]!.reason).toContain(`(OA;;CR;${UNEXPIRE};;AU)`);
    expect(findings[0]!.reason).toMatch(/only if the right is not already set, so that entry is optional/);
    expect(scanVerdict({ findings })).toBe("passed");
    // The fix offers the connector's own entry, optional, as the tutorial sets it (This object and all descendants).
    expect(planGrant(findings)).toEqual([
      { kind: "add-unexpire", dn: DN, why: expect.stringMatching(/^Optional:/), optional: true },
    ]);
    expect(unexpireAce(CONNECTOR).flags).toBe(CONTAINER_INHERIT_ACE);
  });

  it("through a group the connector belongs to: names the group", () => {
    const findings = checkUnexpire(withAces(`(OA;;CR;${UNEXPIRE};;${GROUP})`), token);
    expect(findings[0]?.reason).toContain(`the group ${GROUP}, which the connector is a member of`);
  });

  it("through the connector's own entry: nothing to say", () => {
    expect(checkUnexpire(withAces(`(OA;CI;CR;${UNEXPIRE};;${CONNECTOR})`), token)).toEqual([]);
  });

  it("missing: an error, and the fix's change is required, not optional", () => {
    const findings = checkUnexpire(withAces(""), token);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([["unexpire-missing", "error"]]);
    expect(planGrant(findings)).toEqual([{ kind: "add-unexpire", dn: DN, why: expect.any(String) }]);
  });
});
