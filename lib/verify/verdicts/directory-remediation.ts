// Remediation scripts with the admin's own values (connector, domain, OUs), generated from a scan. Pure. Microsoft's
// module first (ADSyncConfig.psm1 Set-ADSyncPasswordWritebackPermissions: -ADConnectorAccountName,
// -ADConnectorAccountDomain, optional -ADobjectDN), then the dsacls lines that write the same three entries
// (object ACEs, CI|IO, InheritedObjectType user — DOMAIN.md), so either tool can be used. Inheritance is only ever
// re-enabled on OUs and ordinary users, never on protected accounts (SDProp would undo it within the hour, and the
// protection is there on purpose); those are explained instead. Clean-up removes exactly the three entries.

import { type RemediationScript } from "@/lib/steps/types";
import { CLASS_USER, LOCKOUT_TIME, PWD_LAST_SET, RESET_PASSWORD } from "@/lib/ad/schema";
import { type DirectoryFinding } from "@/lib/directory/checks/types";
import { domainHolding, sameDn } from "@/lib/directory/dn";
import { type ScanFacts } from "@/lib/directory/scan";

const ADSYNCCONFIG = String.raw`Import-Module 'C:\Program Files\Microsoft Azure Active Directory Connect\AdSyncConfig\AdSyncConfig.psm1'`;
// ms-fact: cloud-sync-gmsa-writeback-permissions
const CLOUD_SYNC_MODULE = String.raw`Import-Module 'C:\Program Files\Microsoft Azure AD Connect Provisioning Agent\Microsoft.CloudSync.Powershell.dll'`;

/**
 * A PowerShell single-quoted string literal. PowerShell's tokenizer also ends a single-quoted string at the
 * typographic single quotes (U+2018, U+2019, U+201A, U+201B), so each of those is doubled like ' is.
 */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, "$&$&")}'`;
}

/** Text for a `#` comment: a line break in a value (a snapshot is uploaded text) must not end the comment. */
export function psComment(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, " ");
}

/** A cmd.exe double-quoted argument (dsacls runs under cmd; `"` inside is doubled the cmd way). */
export function cmdQuote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

export interface ConnectorIdentity {
  /** sAMAccountName ("MSOL_ab12"). */
  account: string;
  /** NetBIOS name for dsacls ("CONTOSO"). */
  netbios: string;
  /** DNS name for -ADConnectorAccountDomain ("contoso.com"). */
  dnsDomain: string;
  sid: string;
}

export function connectorIdentity(facts: ScanFacts): ConnectorIdentity | null {
  const c = facts.connector;
  if (!c) return null;
  const account = c.name.includes("\\") ? c.name.slice(c.name.lastIndexOf("\\") + 1) : c.name;
  const domain = domainHolding(c.dn, facts.domains) ?? facts.domains[0];
  if (!domain) return null;
  return {
    account,
    netbios: domain.netbiosName ?? domain.dnsName.split(".")[0]?.toUpperCase() ?? domain.dnsName,
    dnsDomain: domain.dnsName,
    sid: c.sid,
  };
}

/**
 * Set-ADSyncPasswordWritebackPermissions for the targets. Without -ADobjectDN the cmdlet delegates on the root of
 * every domain of the forest, so any number of domain roots is one line; an OU gets a line of its own.
 */
export function grantWithModule(
  id: ConnectorIdentity,
  targets: readonly string[],
  domainDns: readonly string[],
): string {
  const base = `Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName ${psQuote(id.account)} -ADConnectorAccountDomain ${psQuote(id.dnsDomain)}`;
  const lines = [ADSYNCCONFIG];
  const roots = targets.filter((t) => domainDns.some((d) => sameDn(d, t)));
  if (roots.length > 0)
    lines.push(roots.length > 1 ? `${base}   # every domain root of the forest at once` : base);
  for (const t of targets) if (!roots.includes(t)) lines.push(`${base} -ADobjectDN ${psQuote(t)}`);
  return lines.join("\n");
}

export function grantWithDsacls(id: ConnectorIdentity, targets: readonly string[]): string {
  const who = `${id.netbios}\\${id.account}`;
  return targets
    .map(
      (t) =>
        `dsacls ${cmdQuote(t)} /I:S /G ${cmdQuote(`${who}:CA;Reset Password;user`)} ${cmdQuote(`${who}:WP;lockoutTime;user`)} ${cmdQuote(`${who}:WP;pwdLastSet;user`)}`,
    )
    .join("\n");
}

export function enableInheritanceScript(dns: readonly string[]): string {
  return [
    "Import-Module ActiveDirectory",
    `foreach ($dn in @(${dns.map(psQuote).join(", ")})) {`,
    '  $acl = Get-Acl -Path "AD:$dn"',
    "  # Allow inheritance again and keep the entries the object has now ($true)",
    "  $acl.SetAccessRuleProtection($false, $true)",
    '  Set-Acl -Path "AD:$dn" -AclObject $acl',
    "}",
    "",
    "# The same with dsacls:",
    ...dns.map((dn) => `# dsacls ${psComment(cmdQuote(dn))} /P:N`),
  ].join("\n");
}

/** Removes exactly the three writeback entries for the connector's SID from each object; nothing else. */
export function revokeScript(id: ConnectorIdentity, objects: readonly string[]): string {
  return [
    "Import-Module ActiveDirectory",
    `$sid  = [System.Security.Principal.SecurityIdentifier]${psQuote(id.sid)}   # ${psComment(`${id.netbios}\\${id.account}`)}`,
    `$user = [Guid]${psQuote(CLASS_USER)}   # class user`,
    "$aces = @(",
    `  @('ExtendedRight', ${psQuote(RESET_PASSWORD)}),   # Reset Password`,
    `  @('WriteProperty', ${psQuote(LOCKOUT_TIME)}),   # lockoutTime`,
    `  @('WriteProperty', ${psQuote(PWD_LAST_SET)})    # pwdLastSet`,
    ")",
    `foreach ($dn in @(${objects.map(psQuote).join(", ")})) {`,
    '  $acl = Get-Acl -Path "AD:$dn"',
    "  foreach ($a in $aces) {",
    "    $rule = New-Object System.DirectoryServices.ActiveDirectoryAccessRule(",
    "      $sid, [System.DirectoryServices.ActiveDirectoryRights]$a[0], 'Allow', [Guid]$a[1], 'Descendents', $user)",
    "    [void]$acl.RemoveAccessRuleSpecific($rule)",
    "  }",
    '  Set-Acl -Path "AD:$dn" -AclObject $acl',
    "}",
  ].join("\n");
}

const distinct = (values: readonly string[]): string[] => {
  const out: string[] = [];
  for (const v of values) if (!out.some((o) => sameDn(o, v))) out.push(v);
  return out;
};

/**
 * Set-AADCloudSyncPermissions for the provisioning agent's gMSA: PasswordWriteBack writes the same entries as
 * Connect's module, at the root of each domain. With one domain it takes -TargetDomain and a credential of that
 * domain; across domains it needs an Enterprise Admin (-EACredential). It acts on the agent's own gMSA, so it runs
 * on the agent server; it has no OU parameter (an OU is granted with dsacls).
 */
export function grantWithCloudSync(domainDns: readonly string[]): string {
  const lines = [CLOUD_SYNC_MODULE, "$credential = Get-Credential"];
  if (domainDns.length === 1)
    lines.push(
      `Set-AADCloudSyncPermissions -PermissionType 'PasswordWriteBack' -TargetDomain ${psQuote(domainDns[0] as string)} -TargetDomainCredential $credential`,
    );
  else
    lines.push("Set-AADCloudSyncPermissions -PermissionType 'PasswordWriteBack' -EACredential $credential");
  return lines.join("\n");
}

/** Scripts for the connector-permissions step, from its findings. */
export function grantRemediation(
  facts: ScanFacts,
  findings: readonly DirectoryFinding[],
): RemediationScript[] {
  const id = connectorIdentity(facts);
  if (!id) return [];
  const out: RemediationScript[] = [];
  const domainDns = facts.domains.map((d) => d.dn);
  const missingAt = distinct(
    findings.filter((f) => f.code === "missing-delegation").map((f) => f.anchor ?? f.dn),
  );
  const gmsa = facts.connector?.gmsa === true;
  const rootsMissing = missingAt.filter((t) => domainDns.some((d) => sameDn(d, t)));
  if (missingAt.length > 0 && gmsa && rootsMissing.length > 0) {
    out.push({
      title: `Delegate the writeback rights to the cloud sync gMSA ${id.netbios}\\${id.account} (Microsoft's cloud sync module, on the provisioning agent server)`,
      language: "powershell",
      script: grantWithCloudSync(
        rootsMissing.map((dn) => facts.domains.find((d) => sameDn(d.dn, dn))?.dnsName ?? id.dnsDomain),
      ),
    });
  }
  if (missingAt.length > 0) {
    if (!gmsa)
      out.push({
        title: `Delegate the writeback rights to ${id.netbios}\\${id.account} (Microsoft's module, on the Connect server)`,
        language: "powershell",
        script: grantWithModule(id, missingAt, domainDns),
      });
    out.push({
      title: "The same three entries with dsacls (any domain-joined machine with RSAT)",
      language: "cmd",
      script: grantWithDsacls(id, missingAt),
    });
  }
  const blocked = distinct(
    findings.filter((f) => f.code === "inheritance-disabled").map((f) => f.anchor ?? f.dn),
  );
  if (blocked.length > 0) {
    out.push({
      title:
        "Re-enable inheritance where it blocks the delegation (review first: inherited entries come back)",
      language: "powershell",
      script: enableInheritanceScript(blocked),
    });
    out.push(
      gmsa
        ? {
            title: "Or delegate on those objects themselves and leave inheritance off",
            language: "cmd",
            script: grantWithDsacls(id, blocked),
          }
        : {
            title: "Or delegate on those objects themselves and leave inheritance off",
            language: "powershell",
            script: grantWithModule(id, blocked, domainDns),
          },
    );
  }
  const orphans = distinct(findings.filter((f) => f.code === "orphaned-admincount").map((f) => f.dn));
  if (orphans.length > 0) {
    out.push({
      title: "Clear adminCount on accounts that left their protected groups, and re-enable their inheritance",
      language: "powershell",
      script: [
        ...orphans.map((dn) => `Set-ADUser -Identity ${psQuote(dn)} -Clear adminCount`),
        "",
        enableInheritanceScript(orphans),
      ].join("\n"),
    });
  }
  const unexpireMissing = findings.some((f) => f.code === "unexpire-missing");
  if (unexpireMissing || findings.some((f) => f.code === "unexpire-from-other-entry")) {
    // /I:T is "This object and all descendant objects", how Microsoft's tutorial sets the entry.
    // ms-fact: unexpire-password-tutorial-entry
    out.push({
      title: unexpireMissing
        ? "Grant Unexpire Password on the domain object"
        : "Optional: give the connector its own Unexpire Password entry, as the tutorial does (it already holds the right through another entry)",
      language: "cmd",
      script: domainDns
        .map(
          (dn) =>
            `dsacls ${cmdQuote(dn)} /I:T /G ${cmdQuote(`${id.netbios}\\${id.account}:CA;Unexpire Password`)}`,
        )
        .join("\n"),
    });
  }
  const protectedAccounts = findings.filter((f) => f.code === "protected-account");
  if (protectedAccounts.length > 0) {
    out.push({
      title: "Protected accounts: nothing to run",
      language: "text",
      script: [
        `${protectedAccounts.length} account(s) are members of protected groups. Their permissions come from AdminSDHolder and are reset every hour, so re-enabling inheritance on them would not last and would weaken their protection. Writeback to them fails by design; give these people a separate unprivileged account for self-service reset.`,
        "",
        ...protectedAccounts.map((f) => `- ${f.dn}`),
      ].join("\n"),
    });
  }
  return out;
}

export function revokeRemediation(
  facts: ScanFacts,
  findings: readonly DirectoryFinding[],
): RemediationScript[] {
  const id = connectorIdentity(facts);
  if (!id) return [];
  const objects = distinct(findings.filter((f) => f.code === "delegation-still-present").map((f) => f.dn));
  if (objects.length === 0) return [];
  return [
    {
      title: `Remove exactly the three writeback entries for ${id.netbios}\\${id.account}`,
      language: "powershell",
      script: revokeScript(id, objects),
    },
  ];
}

export function policyRemediation(findings: readonly DirectoryFinding[]): RemediationScript[] {
  const out: RemediationScript[] = [];
  const domains = findings.filter(
    (f) => f.code === "min-password-age" && f.severity === "error" && /^DC=/i.test(f.dn),
  );
  if (domains.length > 0) {
    out.push({
      title: "Set the domain's minimum password age to 0",
      language: "powershell",
      script: [
        "Import-Module ActiveDirectory",
        ...domains.map(
          (f) => `Set-ADDefaultDomainPasswordPolicy -Identity ${psQuote(f.dn)} -MinPasswordAge 0.00:00:00`,
        ),
        "# If a GPO linked to the domain sets it, change Minimum password age there instead, then:",
        "gpupdate /force",
      ].join("\n"),
    });
  }
  const psos = findings.filter(
    (f) => f.code === "min-password-age" && f.severity === "error" && !/^DC=/i.test(f.dn),
  );
  if (psos.length > 0) {
    out.push({
      title: "Set the fine-grained policies' minimum password age to 0",
      language: "powershell",
      script: [
        "Import-Module ActiveDirectory",
        ...psos.map(
          (f) => `Set-ADFineGrainedPasswordPolicy -Identity ${psQuote(f.dn)} -MinPasswordAge 0.00:00:00`,
        ),
      ].join("\n"),
    });
  }
  return out;
}
