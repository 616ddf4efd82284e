// Every place the product produces PowerShell text, in one list, for powershell-scripts.test.ts to run through a
// real parser with awkward inputs. A new generator is one more entry here.

import { STEP_CATALOGUE } from "@/lib/steps/catalogue";
import { type RemediationScript } from "@/lib/steps/types";
import { collectScript } from "@/lib/directory/collect-script";
import { type DirectoryFinding, type FindingCode } from "@/lib/directory/checks/types";
import { type ScanFacts } from "@/lib/directory/scan";
import {
  enableInheritanceScript,
  grantRemediation,
  grantWithCloudSync,
  grantWithModule,
  policyRemediation,
  revokeRemediation,
  revokeScript,
  type ConnectorIdentity,
} from "@/lib/verify/verdicts/directory-remediation";
import { cloudSyncCollectScript } from "@/lib/verify/cloud-sync/collect-script";
import { collectConnectScript } from "@/lib/connect/collect-script";
import { CONNECT_REMEDIATION_SCRIPTS } from "@/lib/verify/verdicts/connect";
import { cloudSyncVerdict } from "@/lib/verify/verdicts/cloud-sync";

/** The admin's values a generator may embed: realistic, and some deliberately hostile. */
export interface GeneratorInput {
  label: string;
  identity: ConnectorIdentity;
  domainDn: string;
  /** OUs, users and policies that findings name. */
  ouDns: string[];
  userDns: string[];
  psoDn: string;
}

export interface PowerShellGenerator {
  name: string;
  /** Takes no input (a collector, the catalogue's fixed hints): checked once rather than per input. */
  fixed?: boolean;
  /** Every PowerShell script the generator produces for this input (non-PowerShell output left out). */
  scripts(input: GeneratorInput): string[];
}

const SID = "S-1-5-21-1004336348-1177238915-682003330-1105";

export const GENERATOR_INPUTS: readonly GeneratorInput[] = [
  {
    label: "a plain MSOL_ account",
    identity: { account: "MSOL_ab12cd34ef56", netbios: "CONTOSO", dnsDomain: "contoso.com", sid: SID },
    domainDn: "DC=contoso,DC=com",
    ouDns: ["OU=Sales,DC=contoso,DC=com"],
    userDns: ["CN=Alex Wilber,OU=Sales,DC=contoso,DC=com"],
    psoDn: "CN=Service accounts PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com",
  },
  {
    label: "the default cloud sync gMSA",
    identity: { account: "provAgentgMSA$", netbios: "FABRIKAM", dnsDomain: "fabrikam.local", sid: SID },
    domainDn: "DC=fabrikam,DC=local",
    ouDns: ["OU=Users,OU=Fabrikam HQ,DC=fabrikam,DC=local"],
    userDns: ["CN=Smith\\, John,OU=Users,OU=Fabrikam HQ,DC=fabrikam,DC=local"],
    psoDn: "CN=PSO 1,CN=Password Settings Container,CN=System,DC=fabrikam,DC=local",
  },
  {
    label: "quotes, dollars, backticks and subexpressions in names",
    identity: { account: "O'Brien$svc`x", netbios: "R&D", dnsDomain: "r-and-d.example", sid: SID },
    domainDn: "DC=r-and-d,DC=example",
    ouDns: [
      'OU=It\'s "Ops" $(Remove-Item C:\\),DC=r-and-d,DC=example',
      "OU=Back`tick $env:USERNAME; Stop-Computer,DC=r-and-d,DC=example",
      "OU=O’Neil‘s ‚team‛ “x” —y,DC=r-and-d,DC=example",
    ],
    userDns: [
      "CN=Ann ' ; Remove-Item x; ',OU=People,DC=r-and-d,DC=example",
      "CN=#1 @{x} [y] <z>,DC=r-and-d,DC=example",
    ],
    psoDn: "CN=PSO '$x' `n,CN=Password Settings Container,CN=System,DC=r-and-d,DC=example",
  },
  {
    label: "unicode and spaces",
    identity: { account: "Zürich Sync 日本", netbios: "ZÜRICH", dnsDomain: "zürich.example", sid: SID },
    domainDn: "DC=zürich,DC=example",
    ouDns: ["OU=Zweigstelle Genève,DC=zürich,DC=example", "OU=東京 支社,DC=zürich,DC=example"],
    userDns: ["CN=Zoë Ångström,OU=Zweigstelle Genève,DC=zürich,DC=example"],
    psoDn: "CN=Richtlinie für Dienste,CN=Password Settings Container,CN=System,DC=zürich,DC=example",
  },
  {
    label: "line breaks in uploaded values",
    identity: {
      account: "evil\nRemove-Item C:\\ -Recurse",
      netbios: "EVIL\r\nStop-Computer",
      dnsDomain: "e.example",
      sid: SID,
    },
    domainDn: "DC=e,DC=example",
    ouDns: ["OU=a\nRemove-Item C:\\,DC=e,DC=example"],
    userDns: ["CN=b\r\n# x\n}{,DC=e,DC=example"],
    psoDn: "CN=c\n',CN=Password Settings Container,CN=System,DC=e,DC=example",
  },
];

function factsFor(input: GeneratorInput): ScanFacts {
  return {
    domains: [
      {
        dn: input.domainDn,
        dnsName: input.identity.dnsDomain,
        netbiosName: input.identity.netbios,
        sid: "S-1-5-21-1004336348-1177238915-682003330",
      },
    ],
    connector: {
      dn: `CN=${input.identity.account},CN=Users,${input.domainDn}`,
      sid: input.identity.sid,
      name: `${input.identity.netbios}\\${input.identity.account}`,
      how: "configured",
      gmsa: input.identity.account.endsWith("$"),
    },
    candidates: [],
    scope: [input.domainDn],
  };
}

function finding(
  code: FindingCode,
  dn: string,
  severity: DirectoryFinding["severity"] = "error",
  anchor?: string,
): DirectoryFinding {
  return { code, severity, dn, reason: "test", remediation: "test", ...(anchor ? { anchor } : {}) };
}

/** Findings that make each remediation builder produce every script it can. */
function findingsFor(input: GeneratorInput): DirectoryFinding[] {
  const out: DirectoryFinding[] = [];
  for (const u of input.userDns) {
    out.push(finding("missing-delegation", u, "error", input.domainDn));
    out.push(finding("orphaned-admincount", u));
    out.push(finding("protected-account", u, "warning"));
    out.push(finding("delegation-still-present", u));
  }
  for (const ou of input.ouDns) {
    out.push(finding("missing-delegation", ou, "error", ou));
    out.push(finding("inheritance-disabled", ou, "error", ou));
    out.push(finding("delegation-still-present", ou));
  }
  out.push(finding("unexpire-missing", input.domainDn));
  out.push(finding("min-password-age", input.domainDn));
  out.push(finding("min-password-age", input.psoDn));
  return out;
}

const powershellOnly = (scripts: readonly RemediationScript[]): string[] =>
  scripts.filter((s) => s.language === "powershell").map((s) => s.script);

export const POWERSHELL_GENERATORS: readonly PowerShellGenerator[] = [
  {
    name: "step catalogue script hints",
    fixed: true,
    scripts: () => Object.values(STEP_CATALOGUE).flatMap((step) => powershellOnly(step.scriptHints ?? [])),
  },
  { name: "domain evidence collector (collect-script)", fixed: true, scripts: () => [collectScript()] },
  {
    name: "Connect server collector (collect-script --connect)",
    fixed: true,
    scripts: () => [collectConnectScript()],
  },
  {
    name: "Connect server remediation (TLS 1.2, Start-ADSync)",
    fixed: true,
    scripts: () => powershellOnly(CONNECT_REMEDIATION_SCRIPTS),
  },
  {
    name: "cloud sync agent collector (collect-script --cloud-sync)",
    fixed: true,
    scripts: () => [cloudSyncCollectScript()],
  },
  {
    name: "grantRemediation (connector-permissions)",
    scripts: (i) => powershellOnly(grantRemediation(factsFor(i), findingsFor(i))),
  },
  {
    name: "revokeRemediation (revoke-connector-permissions)",
    scripts: (i) => powershellOnly(revokeRemediation(factsFor(i), findingsFor(i))),
  },
  {
    name: "policyRemediation (password-policy)",
    scripts: (i) => powershellOnly(policyRemediation(findingsFor(i))),
  },
  {
    name: "grantWithModule, several domain roots and OUs",
    scripts: (i) => [
      grantWithModule(
        i.identity,
        [i.domainDn, "DC=child," + i.domainDn, ...i.ouDns],
        [i.domainDn, "DC=child," + i.domainDn],
      ),
    ],
  },
  {
    name: "grantWithCloudSync, one domain and several",
    scripts: (i) => [
      grantWithCloudSync([i.identity.dnsDomain]),
      grantWithCloudSync([i.identity.dnsDomain, `child.${i.identity.dnsDomain}`]),
    ],
  },
  {
    name: "cloudSyncVerdict remediation (agent old, stopped, writeback off)",
    scripts: (i) =>
      powershellOnly(
        cloudSyncVerdict(
          [
            {
              format: "sspr-writeback-cloud-sync/1",
              collectedAt: "2026-01-01T00:00:00Z",
              computerName: i.identity.netbios,
              agent: { installed: true, fileVersion: "1.1.900.0" },
              service: { name: "AADConnectProvisioningAgent", state: "Stopped", account: i.identity.account },
              passwordWriteback: { enabled: false, source: "test" },
            },
          ],
          new Date("2026-01-01T01:00:00Z"),
        ).remediation,
      ),
  },
  { name: "enableInheritanceScript", scripts: (i) => [enableInheritanceScript([...i.ouDns, ...i.userDns])] },
  { name: "revokeScript", scripts: (i) => [revokeScript(i.identity, [i.domainDn, ...i.ouDns])] },
];
