import { CLOUD_SYNC_MODULE, ADSYNCCONFIG_MODULE, DSACLS_GRANT, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const connectorPermissions = {
  id: "connector-permissions",
  flow: "enable",
  title: "Delegate permissions to the connector account",
  summary:
    "Grant the connector account the right to reset passwords and update lockoutTime and pwdLastSet on user objects, in every synchronised domain.",
  performedBy: "person",
  who: ["domain-admin"],
  whoLabel: "A Domain Admin of each synchronised domain (an Enterprise Admin can cover the whole forest).",
  where: "ad-ds",
  whereLabel: "On-premises Active Directory — Active Directory Users and Computers or PowerShell",
  instructions: [
    {
      text: "Log on to a domain controller or an admin workstation with the AD tools as a Domain Admin, and open Active Directory Users and Computers.",
      labels: ["Active Directory Users and Computers"],
    },
    {
      text: "In the View menu switch on Advanced Features; until you do, objects do not show a Security tab.",
      labels: ["View", "Advanced Features"],
    },
    {
      text: "Right-click the node at the top of the domain (for example contoso.com), open Properties, go to Security and press Advanced.",
      labels: ["Properties", "Security", "Advanced"],
    },
    {
      text: "On the Permissions tab press Add, follow Select a principal and choose the connector account the prerequisites check reported.",
      labels: ["Permissions", "Add", "Select a principal"],
    },
    {
      text: "Change Applies to into Descendant User objects. Tick Reset password among the permissions, then scroll the property list and tick Write lockoutTime and Write pwdLastSet. Close the entry with OK.",
      labels: [
        "Applies to",
        "Descendant User objects",
        "Reset password",
        "Write lockoutTime",
        "Write pwdLastSet",
        "OK",
      ],
    },
    {
      // ms-fact: unexpire-password-tutorial-entry
      text: "Press Add once more for the same account, set Applies to to This object and all descendant objects (as Microsoft's tutorial does) and tick Unexpire Password. The tutorial asks for this entry only if the right is not already set.",
      labels: ["Add", "Applies to", "This object and all descendant objects", "Unexpire Password"],
    },
    {
      text: "The wizard checks Unexpire Password as an effective right on each domain object, so an entry for any group the connector belongs to counts. When the right comes from another entry (for example one for Authenticated Users), the check passes and names that entry; the connector's own entry is then optional, and the fix offers it for an ACL that matches the tutorial.",
      labels: ["Unexpire Password"],
    },
    {
      text: "Apply and close all dialogs, then do the same in every other domain of every synchronised forest (or on each in-scope OU if you delegate per OU). The script below does the descendant part in one go.",
    },
    {
      text: "New permissions can take up to an hour to reach every object. If the first check still finds gaps, set the step to waiting and check again later instead of adding more rights.",
    },
    {
      text: "Newer Microsoft pages also list Change password. The wizard shows it for information only, because Microsoft's own permission script does not grant it and resets do not need it.",
      labels: ["Change password"],
    },
  ],
  pitfalls: [
    {
      symptom:
        "Users pick a new password in the cloud and get an error; their on-premises password stays the same.",
      recognise:
        "Event 33004 (ADPermissionsError) from PasswordResetService on the Connect server; users may see SSPR_0029.",
      fix: "Delegate Reset password, Write lockoutTime and Write pwdLastSet on Descendant User objects at each domain root (or in-scope OU) and re-check.",
      eventIds: ["33004", "SSPR_0029"],
    },
    {
      symptom: "Writeback works for most users but fails for a handful, or for everybody in one OU.",
      recognise:
        "33004 only for those users. The wizard lists objects whose DACL is protected (SE_DACL_PROTECTED, SDDL D:P), which blocks the inherited delegation; Get-ADSyncObjectsWithInheritanceDisabled reports the same objects.",
      fix: "Turn inheritance back on for the user or OU (Security > Advanced > Enable inheritance), or delegate the same rights directly on that OU.",
      eventIds: ["33004"],
    },
    {
      symptom: "Administrators cannot reset their password through SSPR, although the rights are in place.",
      recognise:
        "33004 or SSPR_0029 for accounts with adminCount=1 that are members of a protected group; SDProp rewrites their DACL from AdminSDHolder roughly every hour.",
      // ms-fact: protected-accounts-not-written-back
      fix: "This is by design: keep administrators out of writeback and let them reset on-premises. Accounts that left every protected group but kept adminCount=1 (orphans, listed separately) are fixable: clear adminCount and re-enable inheritance.",
      eventIds: ["33004", "SSPR_0029"],
    },
    {
      symptom: "Every writeback fails with SSPR_0029 even though the wizard finds the rights in place.",
      recognise:
        "The Connect server logs that the management agent credential was denied access (ADSync event 6329), and the policy “Network access: Restrict clients allowed to make remote calls to SAM” (RestrictRemoteSam) is set on the domain controllers or the Connect server.",
      fix: "Add the connector account to that policy's allowed list and check the result with gpresult or RSOP. The wizard cannot read Group Policy over LDAP, so this part rests on uploaded evidence or your attestation.",
      eventIds: ["SSPR_0029", "6329"],
    },
    {
      symptom: "Right after delegating, the check still reports missing rights on some users.",
      recognise:
        "The new entries exist on the domain root but have not reached every domain controller or every object yet.",
      fix: "Set the step to waiting and re-check within the hour; do not stack extra permissions meanwhile.",
    },
  ],
  dependsOn: ["prerequisites"],
  optional: false,
  verification: {
    kinds: ["verified", "evidence", "attested"],
    description:
      "Verified over LDAP: the connector's effective rights on every in-scope user (groups, deny entries and inheritance included), Unexpire Password on each domain object, objects with inheritance disabled, protected and orphaned adminCount=1 accounts. Evidence: the same checks run on an uploaded snapshot. Attested: only when neither is possible.",
  },
  graphScopes: ["User.Read"],
  attestationPrompt:
    "I granted <connector account> Reset password, Write lockoutTime and Write pwdLastSet on descendant user objects, and Unexpire Password on the domain object, in every synchronised domain.",
  scriptHints: [
    {
      title: "Grant the writeback rights with Microsoft's module (all domains of the forest)",
      language: "powershell",
      runOn: "connect-server",
      script: [
        ADSYNCCONFIG_MODULE,
        "Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName '<ACCOUNT>' -ADConnectorAccountDomain '<DOMAIN_FQDN>'",
      ].join("\n"),
      note: "Add -ADobjectDN '<ouDN>' to delegate on a single OU only.",
    },
    {
      title: "Grant the same rights on one domain with dsacls",
      language: "cmd",
      runOn: "ad-ds",
      script: DSACLS_GRANT,
      note: "/I:S makes the entries apply to sub-objects only, matching Descendant User objects in the dialog.",
    },
    {
      title: "Find objects with inheritance disabled (read-only)",
      language: "powershell",
      runOn: "connect-server",
      script: [
        ADSYNCCONFIG_MODULE,
        "Get-ADSyncObjectsWithInheritanceDisabled -SearchBase '<domainDN>' -ObjectClass '*'",
      ].join("\n"),
    },
    {
      title: "List accounts marked as protected (read-only)",
      language: "powershell",
      runOn: "ad-ds",
      script:
        "Get-ADUser -LDAPFilter '(adminCount=1)' -Server '<DOMAIN_FQDN>' -Properties memberOf | Select-Object 'SamAccountName', 'DistinguishedName'",
    },
    {
      title: "Cloud sync: restore the gMSA's writeback permissions",
      language: "powershell",
      runOn: "connect-server",
      script: [
        CLOUD_SYNC_MODULE,
        "Set-AADCloudSyncPermissions -PermissionType PasswordWriteBack -EACredential $(Get-Credential)",
      ].join("\n"),
      note: "Run on a server with the provisioning agent; needs Enterprise Admin credentials.",
    },
  ],
  learnMore: LEARN_MORE.accountPermissions,
} as const satisfies StepDefinition & { readonly id: "connector-permissions" };
