import { describe, expect, it } from "vitest";
import { isGroupManagedServiceAccount } from "@/lib/directory/checks/connector";
import { type DirectoryFinding } from "@/lib/directory/checks/types";
import { type ScanFacts } from "@/lib/directory/scan";
import { grantRemediation, psComment, psQuote } from "./directory-remediation";

// The cloud sync path: a gMSA connector gets Microsoft's cloud sync cmdlet (run on the provisioning agent server),
// not Connect's AdSyncConfig module, which a cloud-sync-only site does not have. dsacls works for either.

const DOMAIN = "DC=contoso,DC=com";
const facts = (account: string, gmsa: boolean): ScanFacts => ({
  domains: [{ dn: DOMAIN, dnsName: "contoso.com", netbiosName: "CONTOSO", sid: "S-1-5-21-1-2-3" }],
  connector: {
    dn: `CN=${account},CN=Managed Service Accounts,${DOMAIN}`,
    sid: "S-1-5-21-1-2-3-1601",
    name: `CONTOSO\\${account}`,
    how: "confirmed",
    gmsa,
  },
  candidates: [],
  scope: [DOMAIN],
});
const missing = (dn: string, anchor: string): DirectoryFinding => ({
  code: "missing-delegation",
  severity: "error",
  dn,
  reason: "r",
  remediation: "m",
  anchor,
});

describe("remediation for a cloud sync gMSA connector", () => {
  it("grants at the domain root with Set-AADCloudSyncPermissions -PermissionType PasswordWriteBack, for that domain", () => {
    const scripts = grantRemediation(facts("provAgentgMSA$", true), [missing(`CN=u,${DOMAIN}`, DOMAIN)]);
    const ps = scripts
      .filter((s) => s.language === "powershell")
      .map((s) => s.script)
      .join("\n");
    expect(ps).toContain("Microsoft.CloudSync.Powershell.dll");
    expect(ps).toContain(
      "Set-AADCloudSyncPermissions -PermissionType 'PasswordWriteBack' -TargetDomain 'contoso.com' -TargetDomainCredential $credential",
    );
    expect(ps).not.toContain("AdSyncConfig");
    expect(scripts.find((s) => s.language === "cmd")?.script).toContain(
      '"CONTOSO\\provAgentgMSA$:CA;Reset Password;user"',
    );
  });

  it("keeps Connect's module for an MSOL_ account", () => {
    const ps = grantRemediation(facts("MSOL_ab12", false), [missing(`CN=u,${DOMAIN}`, DOMAIN)])
      .map((s) => s.script)
      .join("\n");
    expect(ps).toContain("Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName 'MSOL_ab12'");
    expect(ps).not.toContain("Set-AADCloudSyncPermissions");
  });

  it("delegates on an OU with dsacls for a gMSA (the cloud sync cmdlet has no OU parameter)", () => {
    const ou = `OU=Sales,${DOMAIN}`;
    const scripts = grantRemediation(facts("svc-sync$", true), [missing(`CN=u,${ou}`, ou)]);
    expect(scripts.map((s) => s.script).join("\n")).not.toContain("Set-AADCloudSyncPermissions");
    expect(scripts.some((s) => s.language === "cmd" && s.script.includes(`dsacls "${ou}"`))).toBe(true);
  });
});

describe("isGroupManagedServiceAccount", () => {
  it("goes by the class when the source names it, by the trailing $ when it does not", () => {
    expect(
      isGroupManagedServiceAccount({
        objectClass: [
          "top",
          "person",
          "organizationalPerson",
          "user",
          "computer",
          "msDS-GroupManagedServiceAccount",
        ],
        sAMAccountName: "custom$",
      }),
    ).toBe(true);
    expect(
      isGroupManagedServiceAccount({
        objectClass: ["top", "person", "organizationalPerson", "user"],
        sAMAccountName: "MSOL_1",
      }),
    ).toBe(false);
    expect(isGroupManagedServiceAccount({ objectClass: ["top", "computer"], sAMAccountName: "PC1$" })).toBe(
      false,
    );
    expect(isGroupManagedServiceAccount({ objectClass: [], sAMAccountName: "provAgentgMSA$" })).toBe(true);
    expect(isGroupManagedServiceAccount({ objectClass: [], sAMAccountName: "MSOL_1" })).toBe(false);
  });
});

describe("psQuote and psComment", () => {
  it("doubles every quote PowerShell ends a single-quoted string with, and keeps line breaks out of comments", () => {
    expect(psQuote("O'Brien ’x‘ ‚y‛")).toBe("'O''Brien ’’x‘‘ ‚‚y‛‛'");
    expect(psComment("a\r\nb\nc\u2028d")).toBe("a b c d");
  });
});
