// The step catalogue: what each step asks of a person, where, and how the wizard can tell it is done.
// Pure data, no I/O. Facts (labels, event ids, GUIDs, cmdlets) come from ../../shared/design/DOMAIN.md
// and Microsoft's documentation; every sentence is our own.

import { CLEANUP_STEP_IDS, ENABLE_STEP_IDS, type StepId } from "./ids";
import type { Confidence, Flow, Place, RemediationScript, Role, StepStatus } from "./types";

/** One thing to do. `labels` lists the exact on-screen texts quoted in `text`, so the UI can highlight them. */
export interface Instruction {
  readonly text: string;
  readonly labels?: readonly string[];
}

/** Something that commonly goes wrong, how to recognise it, and what to do about it. */
export interface Pitfall {
  readonly symptom: string;
  readonly recognise: string;
  readonly fix: string;
  /** Windows event ids (Application log of the Connect server) or SSPR error codes that identify it. */
  readonly eventIds?: readonly string[];
}

export interface StepVerification {
  /** Every way the step can be established, strongest first. The machine refuses any other. */
  readonly kinds: readonly Confidence[];
  readonly description: string;
}

/** A static, read-only-where-possible snippet with `<PLACEHOLDERS>`; generated scripts live in lib/ad. */
export interface ScriptHint extends Readonly<RemediationScript> {
  /** Where to run it. */
  readonly runOn: Place;
  /** Why it is safe, what its output means, or where Microsoft documents it. */
  readonly note?: string;
}

/** Who acts: a person, the wizard alone (reads only), or the wizard on a person's request. */
export type Performer = "person" | "wizard" | "wizard-and-person";

export interface StepDefinition {
  readonly id: StepId;
  readonly flow: Flow;
  /** Short and imperative; used in blocker messages. */
  readonly title: string;
  /** One sentence. */
  readonly summary: string;
  readonly performedBy: Performer;
  /** Roles that can do the step; empty when the wizard does it alone. */
  readonly who: readonly Role[];
  readonly whoLabel: string;
  readonly where: Place;
  readonly whereLabel: string;
  readonly instructions: readonly Instruction[];
  readonly pitfalls: readonly Pitfall[];
  /** Steps of the same flow that should be passed (or skipped) first. Informative: nothing is locked. */
  readonly dependsOn: readonly StepId[];
  readonly optional: boolean;
  readonly verification: StepVerification;
  /** What the person confirms when attesting; null when attestation is not accepted for the step. */
  readonly attestationPrompt: string | null;
  readonly scriptHints?: readonly ScriptHint[];
}

// ---------------------------------------------------------------------------------------------
// Labels shown by Microsoft's tools. Exact strings: the UI and the tests quote them.
// ---------------------------------------------------------------------------------------------

export const PORTAL_LABELS = {
  /** Current wording of the writeback switch under On-premises integration. */
  writebackNew: "Enable password write back for synced users",
  /** Older wording of the same switch (Azure portal era). */
  writebackOld: "Write back passwords to your on-premises directory?",
  /** Same wording in old and new portals. */
  unlock: "Allow users to unlock accounts without resetting their password?",
  /** Shown only when cloud sync provisioning agents are detected. */
  cloudSync: "Write back passwords with Microsoft Entra Connect cloud sync",
  pathNew: "Protection > Password reset > On-premises integration",
  pathOld: "Azure Active Directory > Password reset > On-premises integration",
  save: "Save",
} as const;

export const CONNECT_WIZARD_LABELS = {
  configure: "Configure",
  customize: "Customize synchronization options",
  optionalFeatures: "Optional features",
  passwordWriteback: "Password writeback",
  readyToConfigure: "Ready to configure",
  exit: "Exit",
} as const;

export const AUDIT_ACTIVITIES = {
  enableWriteback: "Enable password writeback for directory",
  disableWriteback: "Disable password writeback for directory",
  selfServiceReset: "Reset password (self-service)",
  selfServiceUnlock: "Unlock user account (self-service)",
  adminReset: "Reset password (by admin)",
} as const;

const GPO_PASSWORD_POLICY_PATH =
  "Computer Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password Policy";

// ---------------------------------------------------------------------------------------------
// Display labels for the shared vocabulary.
// ---------------------------------------------------------------------------------------------

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  "domain-admin": "Domain Admin (on-premises AD DS)",
  "hybrid-identity-admin": "Hybrid Identity Administrator",
  "global-admin": "Global Administrator",
  "authentication-policy-admin": "Authentication Policy Administrator",
};

export const PLACE_LABELS: Readonly<Record<Place, string>> = {
  "ad-ds": "On-premises Active Directory",
  "connect-server": "Microsoft Entra Connect server",
  "entra-admin-center": "Microsoft Entra admin center",
  wizard: "This wizard",
};

export const CONFIDENCE_LABELS: Readonly<
  Record<Confidence, { readonly label: string; readonly explanation: string }>
> = {
  verified: {
    label: "Verified",
    explanation: "Read directly from the system of record: Active Directory over LDAP, or Microsoft Graph.",
  },
  evidence: {
    label: "Evidence",
    explanation:
      "Inferred from an indirect signal such as an audit record, an uploaded snapshot or script output.",
  },
  attested: {
    label: "Attested",
    explanation: "A named person confirmed it at a recorded time; the wizard itself could not check it.",
  },
};

export const STATUS_LABELS: Readonly<Record<StepStatus, string>> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  passed: "Passed",
  failed: "Failed",
  waiting: "Waiting for a re-check",
  skipped: "Skipped",
};

// ---------------------------------------------------------------------------------------------
// Reusable instruction and pitfall fragments (the same facts appear in enable and clean-up).
// ---------------------------------------------------------------------------------------------

const NETWORK_EVENT_IDS = ["32002", "32011", "31034", "31044", "6800"] as const;

const portalSignIn = (action: string): Instruction => ({
  text: `Sign in to the Microsoft Entra admin center as a Global Administrator or Authentication Policy Administrator to ${action}.`,
  labels: ["Microsoft Entra admin center"],
});

const portalPath: Instruction = {
  text: `Go to ${PORTAL_LABELS.pathNew}. Tenants still using the Azure portal reach the same page through ${PORTAL_LABELS.pathOld}.`,
  labels: [PORTAL_LABELS.pathNew, PORTAL_LABELS.pathOld],
};

const connectWizardOpen: readonly Instruction[] = [
  {
    text: "Sign in to the Connect server as a local administrator and launch the Microsoft Entra Connect configuration wizard (builds from before the rename call it Azure AD Connect).",
    labels: ["Microsoft Entra Connect", "Azure AD Connect"],
  },
  {
    text: `On the welcome screen choose ${CONNECT_WIZARD_LABELS.configure}; on the list of tasks pick ${CONNECT_WIZARD_LABELS.customize} and go on with Next.`,
    labels: [CONNECT_WIZARD_LABELS.configure, CONNECT_WIZARD_LABELS.customize, "Next"],
  },
  {
    text: "When the wizard asks for Microsoft Entra credentials, type those of a cloud-only Hybrid Identity Administrator or Global Administrator. A federated account cannot obtain the token the writeback service needs.",
  },
  {
    text: "Page through the directory and domain/OU filtering screens without changing anything.",
  },
];

const connectWizardFinish: Instruction = {
  text: `On ${CONNECT_WIZARD_LABELS.readyToConfigure}, read the summary of changes, press ${CONNECT_WIZARD_LABELS.configure}, wait until the run completes and close the wizard with ${CONNECT_WIZARD_LABELS.exit}.`,
  labels: [
    CONNECT_WIZARD_LABELS.readyToConfigure,
    CONNECT_WIZARD_LABELS.configure,
    CONNECT_WIZARD_LABELS.exit,
  ],
};

const federatedAdminPitfall: Pitfall = {
  symptom: "The Connect wizard ends by saying password writeback could not be configured.",
  recognise:
    "Event 32009 (AuthTokenError) from source PasswordResetService in the Connect server's Application log: no token could be obtained for the admin account typed into the wizard.",
  fix: "Run the wizard again with the correct password of a cloud-only (not federated) Hybrid Identity Administrator or Global Administrator.",
  eventIds: ["32009"],
};

const networkPitfall: Pitfall = {
  symptom:
    "Writeback looks enabled, yet resets end with a service error, or the writeback service never comes up after a restart of the sync service.",
  recognise:
    "PasswordResetService events 32002 (ServiceBusError), 32011 (OnBoardingServiceError), 31034 (ServiceBusListenerError) or 31044, or event 6800 when ADSync starts, in the Connect server's Application log.",
  fix: "Let the Connect server open outbound HTTPS (TCP 443) to *.servicebus.windows.net and *.passwordreset.microsoftonline.com (national clouds use their own hosts), make sure TLS 1.2 is enabled and the current root CAs are installed, then restart the ADSync service. If errors persist, turn Password writeback off and on again in the Connect wizard.",
  eventIds: NETWORK_EVENT_IDS,
};

const readResetConfigHint: ScriptHint = {
  title: "Show whether the Connect server has password writeback on (read-only)",
  language: "powershell",
  runOn: "connect-server",
  script: [
    "Import-Module ADSync",
    "# The Microsoft Entra connector is the one whose name ends in ' - AAD'",
    "Get-ADSyncConnector | Select-Object Name, Type",
    "Get-ADSyncAADPasswordResetConfiguration -Connector '<ENTRA_CONNECTOR_NAME>'",
  ].join("\n"),
  note: "Documented in Microsoft's password writeback setup guide for Connect; upload the output as evidence.",
};

const writebackEventsHint = (ids: readonly string[]): ScriptHint => ({
  title: `List recent PasswordResetService events ${ids.join(", ")} (read-only)`,
  language: "powershell",
  runOn: "connect-server",
  script: [
    "Get-WinEvent -FilterHashtable @{ LogName = 'Application'; ProviderName = 'PasswordResetService'; Id = " +
      ids.join(", ") +
      " } -MaxEvents 50 |",
    "  Select-Object TimeCreated, Id, LevelDisplayName, Message",
  ].join("\n"),
});

const CLOUD_SYNC_MODULE = String.raw`Import-Module 'C:\Program Files\Microsoft Azure AD Connect Provisioning Agent\Microsoft.CloudSync.Powershell.dll'`;
const ADSYNCCONFIG_MODULE = String.raw`Import-Module 'C:\Program Files\Microsoft Azure Active Directory Connect\AdSyncConfig\AdSyncConfig.psm1'`;

// The DOMAIN.md delegation: object ACEs, CI|IO, InheritedObjectType user — what Set-ADSyncPasswordWritebackPermissions writes.
const DSACLS_GRANT = String.raw`dsacls "<domainDN>" /G "<DOMAIN>\<ACCOUNT>:CA;Reset Password;user" "<DOMAIN>\<ACCOUNT>:WP;lockoutTime;user" "<DOMAIN>\<ACCOUNT>:WP;pwdLastSet;user" /I:S`;

// Removes exactly the three ACEs above and nothing else. `dsacls /R` is deliberately not offered: it strips every
// permission of the principal, including the read rights synchronisation depends on.
const REVOKE_EXACT_ACES = [
  "Import-Module ActiveDirectory",
  "$dn   = '<domainDN>'",
  "# For a gMSA (cloud sync) use Get-ADServiceAccount instead of Get-ADUser",
  "$sid  = (Get-ADUser -Identity '<ACCOUNT>' -Server '<DOMAIN_FQDN>').SID",
  "$user = [Guid]'bf967aba-0de6-11d0-a285-00aa003049e2'   # class user",
  "$aces = @(",
  "  @('ExtendedRight', '00299570-246d-11d0-a768-00aa006e0529'),   # Reset Password",
  "  @('WriteProperty', '28630ebf-41d5-11d1-a9c1-0000f80367c1'),   # lockoutTime",
  "  @('WriteProperty', 'bf967a0a-0de6-11d0-a285-00aa003049e2')    # pwdLastSet",
  ")",
  '$acl = Get-Acl -Path "AD:$dn"',
  "foreach ($a in $aces) {",
  "  $rule = New-Object System.DirectoryServices.ActiveDirectoryAccessRule(",
  "    $sid, [System.DirectoryServices.ActiveDirectoryRights]$a[0], 'Allow', [Guid]$a[1], 'Descendents', $user)",
  "  [void]$acl.RemoveAccessRuleSpecific($rule)",
  "}",
  'Set-Acl -Path "AD:$dn" -AclObject $acl',
].join("\n");

// ---------------------------------------------------------------------------------------------
// The catalogue.
// ---------------------------------------------------------------------------------------------

const CATALOGUE = {
  // ----------------------------------------------------------------------------- enable flow
  prerequisites: {
    id: "prerequisites",
    flow: "enable",
    title: "Check the prerequisites",
    summary:
      "The wizard reads your tenant and directory to confirm licence, admin role, synchronisation, domain controllers and the connector account before anything is changed.",
    performedBy: "wizard",
    who: [],
    whoLabel: "None — the wizard reads it (you only need to be signed in with an active admin role).",
    where: "wizard",
    whereLabel: PLACE_LABELS.wizard,
    instructions: [
      {
        text: "Sign in to this wizard with your Microsoft Entra admin account. A role you are merely eligible for in Privileged Identity Management only counts once you have activated it.",
      },
      {
        text: "Give the wizard a way to read Active Directory: a read-only LDAPS connection configured on the server, or a snapshot file produced by the evidence collector script on a domain-joined machine.",
      },
      {
        text: "Run the check. Nothing is written anywhere; the wizard looks for an active Microsoft Entra ID P1 or P2 plan, a tenant that is synchronised from on-premises, domain controllers on Windows Server 2016 or later that offer the LDAP password-policy hints control, and the connector account used by Connect (usually MSOL_ followed by hex digits) or by cloud sync (a gMSA).",
      },
      {
        text: "Write down the connector account and the list of domains the wizard reports; the permission and clean-up steps work with exactly these.",
      },
    ],
    pitfalls: [
      {
        symptom: "The check reports no usable licence.",
        recognise:
          "No subscribed SKU carries the AAD_PREMIUM (P1) or AAD_PREMIUM_P2 service plan with capability Enabled and provisioning Success.",
        fix: "Writeback needs Microsoft Entra ID P1 or P2 (a trial is enough to try it). Buy or start one, assign it, then re-check.",
      },
      {
        symptom: "Resets arrive on the Connect server but every write to Active Directory fails.",
        recognise:
          "Event 6329 from ADSync with MMS(3040): the domain controller that was contacted does not support the LDAP password-policy hints control. The wizard lists DCs whose rootDSE supportedControl lacks 1.2.840.113556.1.4.2239 and 1.2.840.113556.1.4.2066.",
        fix: "Upgrade or retire domain controllers older than Windows Server 2016 (the 2020 tutorial still allowed 2008 R2; current guidance does not). Samba domain controllers do not offer the control either.",
        eventIds: ["6329"],
      },
      {
        symptom: "The wizard cannot read licences, roles or synchronisation settings.",
        recognise:
          "Your admin role is missing from the wizard's list of active roles, typically because it is only eligible in Privileged Identity Management.",
        fix: "Activate the role, sign out of the wizard and sign in again.",
      },
      {
        symptom: "The wizard cannot find the connector account.",
        recognise:
          "No MSOL_ account or gMSA matches, or the account named in the Connect configuration (forest-login-user) lives in another domain than the one being read.",
        fix: "On the Connect server run Get-ADSyncADConnectorAccount to see the account each AD connector uses; for cloud sync, look up the gMSA created by the provisioning agent. Then point the wizard at that account's domain.",
      },
    ],
    dependsOn: [],
    optional: false,
    verification: {
      kinds: ["verified", "evidence", "attested"],
      description:
        "Verified through Microsoft Graph (subscribed SKUs, your active roles, the organisation's sync state) and LDAP (domain controller versions, rootDSE controls, the connector account). Without an LDAP connection, an uploaded evidence snapshot answers the directory part (evidence). Until the wizard is connected to both, a person who looked can record it by name.",
    },
    attestationPrompt:
      "I confirmed the tenant has Entra ID P1 or P2, that I hold a suitable admin role, that the tenant synchronises from this forest, that every domain controller runs Windows Server 2016 or later, and which account the Connect AD DS connector uses.",
    scriptHints: [
      {
        title: "Show the account each AD connector uses (read-only)",
        language: "powershell",
        runOn: "connect-server",
        script: [ADSYNCCONFIG_MODULE, "Get-ADSyncADConnectorAccount"].join("\n"),
      },
      {
        title: "List domain controllers and their operating systems (read-only)",
        language: "powershell",
        runOn: "ad-ds",
        script:
          "Get-ADDomainController -Filter * -Server '<DOMAIN_FQDN>' | Select-Object HostName, OperatingSystem",
      },
    ],
  },

  "connector-permissions": {
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
        text: "Press Add once more for the same account, set Applies to to This object only and tick Unexpire Password. Authenticated Users hold this right on the domain object by default, so the wizard may already count it as granted.",
        labels: ["Add", "Applies to", "This object only", "Unexpire Password"],
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
          "Get-ADUser -LDAPFilter '(adminCount=1)' -Server '<DOMAIN_FQDN>' -Properties memberOf | Select-Object SamAccountName, DistinguishedName",
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
  },

  "password-policy": {
    id: "password-policy",
    flow: "enable",
    title: "Set the minimum password age to 0",
    summary:
      "Make sure the on-premises password policy lets a user's password be set again right away, so a reset from the cloud is not refused.",
    performedBy: "person",
    who: ["domain-admin"],
    whoLabel: "A Domain Admin (or whoever may edit the GPO that defines the domain password policy).",
    where: "ad-ds",
    whereLabel: "On-premises Active Directory — Group Policy Management",
    instructions: [
      {
        text: "On a machine with the management tools open Group Policy Management and edit the Default Domain Policy, or whichever GPO linked to the domain actually sets your password policy.",
        labels: ["Group Policy Management", "Default Domain Policy"],
      },
      {
        text: `In the editor browse to ${GPO_PASSWORD_POLICY_PATH}.`,
        labels: [GPO_PASSWORD_POLICY_PATH],
      },
      {
        text: "Open Minimum password age, enter 0 days, confirm and close the editor.",
        labels: ["Minimum password age"],
      },
      {
        text: "Apply it without waiting for the next refresh by running gpupdate /force on a domain controller, then give replication time to carry the new value to the other DCs.",
        labels: ["gpupdate /force"],
      },
      {
        text: "Look at fine-grained password policies as well: a Password Settings Object with a minimum age above zero wins over the domain value for the users and groups it targets.",
      },
      {
        text: "If policy obliges you to keep a minimum age, skip this step and say why. Writeback still works, but a user who already changed the password inside that window is turned away until it has passed.",
      },
    ],
    pitfalls: [
      {
        symptom:
          "A reset is refused on-premises, typically for someone who already changed the password that day.",
        recognise:
          "Event 33008 (ADPasswordPolicyError) from PasswordResetService, or ADSync event 6329 carrying 0x80230619, on the Connect server.",
        fix: "Set Minimum password age to 0. If it is already 0, the new password broke the history, length or complexity rules: the user has to choose another one.",
        eventIds: ["33008", "6329"],
      },
      {
        symptom: "The domain policy says 0, yet some users still run into 33008.",
        recognise:
          "A fine-grained policy (msDS-PasswordSettings under CN=Password Settings Container,CN=System) with a non-zero minimum age applies to them; the wizard lists each one with its targets.",
        fix: "Lower that policy's minimum age to 0, or accept the limit for those users and note it when you skip.",
        eventIds: ["33008"],
      },
      {
        symptom: "You edited the GPO, but the wizard still reads the old value.",
        recognise:
          "minPwdAge on the domain object has not changed: the policy has not been applied yet, or another GPO linked at the domain with higher precedence sets the value.",
        fix: "Run gpupdate /force on a domain controller, confirm with Get-ADDefaultDomainPasswordPolicy, fix the winning GPO if needed, and re-check after replication.",
      },
    ],
    dependsOn: ["prerequisites"],
    optional: false,
    verification: {
      kinds: ["verified", "evidence", "attested"],
      description:
        "Verified over LDAP: minPwdAge on each domain object and every fine-grained password policy with its targets. Evidence: the same values from an uploaded snapshot. Attested: only when neither is available.",
    },
    attestationPrompt:
      "I set Minimum password age to 0 in the policy that governs <domain> (and in any fine-grained policy that applies) and ran gpupdate /force or waited for replication.",
    scriptHints: [
      {
        title: "Show the domain password policy (read-only)",
        language: "powershell",
        runOn: "ad-ds",
        script:
          "Get-ADDefaultDomainPasswordPolicy -Identity '<DOMAIN_FQDN>' | Select-Object MinPasswordAge, PasswordHistoryCount, ComplexityEnabled",
      },
      {
        title: "List fine-grained password policies (read-only)",
        language: "powershell",
        runOn: "ad-ds",
        script:
          "Get-ADFineGrainedPasswordPolicy -Filter * -Server '<DOMAIN_FQDN>' | Select-Object Name, MinPasswordAge, AppliesTo",
      },
      {
        title: "Apply Group Policy now",
        language: "cmd",
        runOn: "ad-ds",
        script: "gpupdate /force",
      },
    ],
  },

  "connect-writeback": {
    id: "connect-writeback",
    flow: "enable",
    title: "Turn on password writeback in Entra Connect",
    summary:
      "Switch on the Password writeback feature in the Connect configuration wizard so the server starts listening for resets from the cloud.",
    performedBy: "person",
    who: ["hybrid-identity-admin", "global-admin"],
    whoLabel:
      "A local administrator of the Connect server who also holds Hybrid Identity Administrator or Global Administrator with a cloud-only account.",
    where: "connect-server",
    whereLabel: PLACE_LABELS["connect-server"],
    instructions: [
      ...connectWizardOpen,
      {
        text: `On the ${CONNECT_WIZARD_LABELS.optionalFeatures} page tick ${CONNECT_WIZARD_LABELS.passwordWriteback}, leave the other features as they are and continue through any pages that follow.`,
        labels: [CONNECT_WIZARD_LABELS.optionalFeatures, CONNECT_WIZARD_LABELS.passwordWriteback],
      },
      connectWizardFinish,
      {
        text: `Using cloud sync instead of Connect? Writeback is switched on in the admin center with “${PORTAL_LABELS.cloudSync}” (next step) or on the agent server with Set-AADCloudSyncPasswordWritebackConfiguration; mark this step by attestation once done.`,
        labels: [PORTAL_LABELS.cloudSync],
      },
      {
        text: `For evidence the wizard looks for the “${AUDIT_ACTIVITIES.enableWriteback}” audit record; you can also upload the output of the read-only commands below.`,
        labels: [AUDIT_ACTIVITIES.enableWriteback],
      },
    ],
    pitfalls: [
      federatedAdminPitfall,
      networkPitfall,
      {
        symptom:
          "Users of a forest you added to Connect later cannot reset; users of the original forests can.",
        recognise:
          "ADSync event 6329 with 0x8023061f (password synchronisation is not enabled on this management agent).",
        fix: "After the forest change, run the Connect wizard twice: once clearing Password writeback, once ticking it again.",
        eventIds: ["6329"],
      },
    ],
    dependsOn: ["connector-permissions"],
    optional: false,
    verification: {
      kinds: ["evidence", "attested"],
      description: `Evidence: the “${AUDIT_ACTIVITIES.enableWriteback}” directory audit record, or uploaded output of Get-ADSyncAADPasswordResetConfiguration and PasswordResetService events from the Connect server. Graph's features.passwordWritebackEnabled is documented as not in use, so it is shown but never trusted. Otherwise the person who ran the wizard attests.`,
    },
    attestationPrompt:
      "I ticked Password writeback in the Connect wizard on <server> and finished the wizard.",
    scriptHints: [
      readResetConfigHint,
      writebackEventsHint(["31005", "32009", "32002", "32011", "6800"]),
      {
        title: "Test the outbound connection to Service Bus (read-only)",
        language: "powershell",
        runOn: "connect-server",
        script: "Test-NetConnection -ComputerName ssprdedicatedsbprodscu.servicebus.windows.net -Port 443",
      },
      {
        title: "Cloud sync: turn writeback on from the agent server",
        language: "powershell",
        runOn: "connect-server",
        script: [
          CLOUD_SYNC_MODULE,
          "Set-AADCloudSyncPasswordWritebackConfiguration -Enable $true -Credential $(Get-Credential)",
        ].join("\n"),
      },
    ],
  },

  "sspr-writeback": {
    id: "sspr-writeback",
    flow: "enable",
    title: "Turn on writeback in the SSPR settings",
    summary:
      "Tell self-service password reset to send new passwords of synced users back to Active Directory.",
    performedBy: "person",
    who: ["global-admin", "authentication-policy-admin"],
    whoLabel: "A Global Administrator or an Authentication Policy Administrator.",
    where: "entra-admin-center",
    whereLabel: PLACE_LABELS["entra-admin-center"],
    instructions: [
      portalSignIn("change the password reset settings"),
      portalPath,
      {
        text: `Switch on “${PORTAL_LABELS.writebackNew}”. Older screens show the same setting as “${PORTAL_LABELS.writebackOld}” with Yes and No.`,
        labels: [PORTAL_LABELS.writebackNew, PORTAL_LABELS.writebackOld],
      },
      {
        text: `If your users are synchronised by cloud sync provisioning agents, also tick “${PORTAL_LABELS.cloudSync}”; the page only offers it when it detects such agents.`,
        labels: [PORTAL_LABELS.cloudSync],
      },
      {
        text: `Press ${PORTAL_LABELS.save}.`,
        labels: [PORTAL_LABELS.save],
      },
      {
        text: "Microsoft publishes no API for these switches, so the wizard cannot read them. It confirms the result through the end-to-end test and audit records, or through your attestation.",
      },
    ],
    pitfalls: [
      {
        symptom:
          "The writeback switch cannot be turned on, or the page reports a problem with the on-premises service.",
        recognise:
          "The Connect server never onboarded: no PasswordResetService event 31005 (OnboardingEventSuccess), or network errors such as 32002 or 32011 instead.",
        fix: "Finish the Connect step first and clear its network errors, then come back to this page.",
        eventIds: ["31005", "32002", "32011"],
      },
      {
        symptom: "The instructions you follow name a switch that is not on your screen.",
        recognise: `Microsoft renamed it: “${PORTAL_LABELS.writebackOld}” became “${PORTAL_LABELS.writebackNew}”.`,
        fix: "Look for either wording; they are the same setting.",
      },
      {
        symptom: "Writeback is on, but users are never offered a password reset.",
        recognise:
          "Self-service password reset is enabled for None, or only for a group the user is not in; the wizard's registration report shows isSsprEnabled false for them.",
        fix: "Enable SSPR for a pilot group (Selected) or for All under Password reset > Properties, and let users register their methods.",
      },
    ],
    dependsOn: ["connect-writeback"],
    optional: false,
    verification: {
      kinds: ["evidence", "attested"],
      description: `No API exists for this switch (Microsoft publishes none), so it cannot be verified. Evidence: a successful end-to-end test, or “${AUDIT_ACTIVITIES.selfServiceReset}” / “${AUDIT_ACTIVITIES.adminReset}” audit records whose OnPremisesAgent is Microsoft Entra Connect or CloudSync. Otherwise the person who saved the setting attests.`,
    },
    attestationPrompt: `I switched on “${PORTAL_LABELS.writebackNew}” (older wording “${PORTAL_LABELS.writebackOld}”) under On-premises integration and pressed Save.`,
  },

  "sspr-unlock": {
    id: "sspr-unlock",
    flow: "enable",
    title: "Let users unlock without a reset",
    summary:
      "Optionally allow locked-out synced users to unlock their on-premises account from the cloud without choosing a new password.",
    performedBy: "person",
    who: ["global-admin", "authentication-policy-admin"],
    whoLabel: "A Global Administrator or an Authentication Policy Administrator.",
    where: "entra-admin-center",
    whereLabel: PLACE_LABELS["entra-admin-center"],
    instructions: [
      portalSignIn("change the password reset settings"),
      portalPath,
      {
        text: `This setting depends on writeback: “${PORTAL_LABELS.writebackNew}” (older wording “${PORTAL_LABELS.writebackOld}”) must already be on.`,
        labels: [PORTAL_LABELS.writebackNew, PORTAL_LABELS.writebackOld],
      },
      {
        text: `Switch on “${PORTAL_LABELS.unlock}” (Yes on older screens) and press ${PORTAL_LABELS.save}.`,
        labels: [PORTAL_LABELS.unlock, PORTAL_LABELS.save],
      },
      {
        text: "Let the helpdesk know that locked-out users can now unlock themselves and keep their current password.",
      },
      {
        text: "Prefer every lockout to go through a full reset? Skip this step and give that as the reason.",
      },
    ],
    pitfalls: [
      {
        symptom: "Users are offered the unlock, but their account stays locked on-premises.",
        recognise:
          "Event 33004 (ADPermissionsError) on the Connect server for the unlock attempt: the connector may reset passwords but lacks Write lockoutTime.",
        fix: "Add Write lockoutTime on Descendant User objects for the connector account (see the permissions step) and try again.",
        eventIds: ["33004"],
      },
      {
        symptom: "Users only ever see the reset option, never an unlock.",
        recognise: "The unlock switch is off or was not saved, or writeback itself is off.",
        fix: "Open On-premises integration again, turn both switches on and press Save.",
      },
    ],
    dependsOn: ["sspr-writeback"],
    optional: true,
    verification: {
      kinds: ["evidence", "attested"],
      description: `No API exists for this switch (Microsoft publishes none). Evidence: an “${AUDIT_ACTIVITIES.selfServiceUnlock}” audit record after the change. Otherwise the person who saved it attests.`,
    },
    attestationPrompt: `I switched on “${PORTAL_LABELS.unlock}” under On-premises integration and pressed Save.`,
  },

  "end-to-end-test": {
    id: "end-to-end-test",
    flow: "enable",
    title: "Test a reset end to end",
    summary:
      "Reset a synced test user's password through Microsoft Graph and watch the change arrive in Active Directory.",
    performedBy: "wizard-and-person",
    who: ["global-admin"],
    whoLabel:
      "You choose the test user while signed in with a role that may reset that user's password (Authentication Administrator, Privileged Authentication Administrator or Global Administrator); the wizard does the rest.",
    where: "wizard",
    whereLabel: PLACE_LABELS.wizard,
    instructions: [
      {
        text: "Choose a synchronised test account that is in scope for SSPR and holds no admin role. Do not use a colleague's real account: its password is replaced and the user is asked to change it at the next sign-in.",
      },
      {
        text: "Start the test. The wizard asks Microsoft Graph to reset that user's password and polls the operation until Graph reports it finished; the new password is not kept.",
      },
      {
        text: "The wizard then reads the user's pwdLastSet in Active Directory and expects it to be newer than before the test, and looks up the matching audit record to see which OnPremisesAgent handled it.",
      },
      {
        text: "If pwdLastSet has not moved yet, set the step to waiting and re-check in a few minutes; the change first lands on one domain controller and replicates from there.",
      },
    ],
    pitfalls: [
      {
        symptom: "The reset never reaches Active Directory for the chosen user.",
        recognise:
          "PasswordResetService event 31001 (reset started) with no 31002 (reset succeeded) after it; look next to it for 33004 or 33008.",
        fix: "For 33004, check the connector's rights and whether the user is protected (adminCount=1); for 33008, the password policy step. Then run the test again.",
        eventIds: ["31001", "31002", "33004", "33008"],
      },
      {
        symptom: "The test fails for an administrator or service account.",
        recognise: "33004 or SSPR_0029 for a user with adminCount=1.",
        fix: "Protected accounts are excluded from writeback by design; choose an ordinary synced user.",
        eventIds: ["33004", "SSPR_0029"],
      },
      {
        symptom: "Graph reports success but the wizard says the password stayed cloud-only.",
        recognise: "The audit record shows OnPremisesAgent None.",
        fix: "Writeback is not switched on in the SSPR settings, or the user is not synchronised by the Connect or cloud sync instance that has writeback; fix that step and test again.",
      },
      {
        symptom: "A second test on the same day is refused.",
        recognise:
          "Event 33008 (ADPasswordPolicyError): the minimum password age still applies to this user.",
        fix: "Set Minimum password age to 0 (or pick another test user) and run the test again.",
        eventIds: ["33008"],
      },
    ],
    dependsOn: ["sspr-writeback", "connector-permissions", "password-policy"],
    optional: false,
    verification: {
      kinds: ["verified", "attested"],
      description: `Verified: Graph accepts and completes the admin reset, the “${AUDIT_ACTIVITIES.adminReset}” record names Microsoft Entra Connect or CloudSync as OnPremisesAgent, and the user's on-premises pwdLastSet moved forward. Until the wizard is connected to Graph and the directory, a person who ran the same test by hand can record it by name — the weaker confidence stays visible.`,
    },
    attestationPrompt:
      "I reset the password of a synced test user in the cloud (portal or SSPR) and saw the change arrive in Active Directory: the user's pwdLastSet moved and the new password works on-premises.",
    scriptHints: [
      {
        title: "Show the test user's last password change on-premises (read-only)",
        language: "powershell",
        runOn: "ad-ds",
        script:
          "Get-ADUser -Identity '<TEST_USER>' -Server '<DOMAIN_FQDN>' -Properties pwdLastSet, PasswordLastSet | Select-Object SamAccountName, PasswordLastSet",
      },
      writebackEventsHint(["31001", "31002", "33004", "33008"]),
    ],
  },

  // ----------------------------------------------------------------------------- clean-up flow
  "disable-sspr-options": {
    id: "disable-sspr-options",
    flow: "cleanup",
    title: "Turn off the SSPR writeback options",
    summary:
      "Stop offering cloud resets and unlocks that write to Active Directory before the on-premises side is taken away.",
    performedBy: "person",
    who: ["global-admin", "authentication-policy-admin"],
    whoLabel: "A Global Administrator or an Authentication Policy Administrator.",
    where: "entra-admin-center",
    whereLabel: PLACE_LABELS["entra-admin-center"],
    instructions: [
      portalSignIn("change the password reset settings"),
      portalPath,
      {
        text: `Switch off “${PORTAL_LABELS.unlock}” first (No on older screens).`,
        labels: [PORTAL_LABELS.unlock],
      },
      {
        text: `Then switch off “${PORTAL_LABELS.writebackNew}”; older screens call it “${PORTAL_LABELS.writebackOld}” and expect No.`,
        labels: [PORTAL_LABELS.writebackNew, PORTAL_LABELS.writebackOld],
      },
      {
        text: `If “${PORTAL_LABELS.cloudSync}” is ticked, clear it too, then press ${PORTAL_LABELS.save}.`,
        labels: [PORTAL_LABELS.cloudSync, PORTAL_LABELS.save],
      },
      {
        text: "Warn users and the helpdesk: synced users can no longer change their on-premises password from the cloud and will be sent to the helpdesk instead.",
      },
    ],
    pitfalls: [
      {
        symptom: "Resets are still written back after you turned the options off.",
        recognise: `New “${AUDIT_ACTIVITIES.selfServiceReset}” records still show OnPremisesAgent Microsoft Entra Connect or CloudSync.`,
        fix: "The change was not saved, or someone switched it back; open On-premises integration, confirm the switches are off and press Save again.",
      },
      {
        symptom: "Cloud sync users are still written back while Connect users are not.",
        recognise: `“${PORTAL_LABELS.cloudSync}” is still ticked.`,
        fix: "Clear that option as well and save.",
      },
    ],
    dependsOn: [],
    optional: false,
    verification: {
      kinds: ["evidence", "attested"],
      description: `No API exists for these switches (Microsoft publishes none). Evidence: reset audit records after the change whose OnPremisesAgent is None — only if somebody resets in the meantime. Otherwise the person who saved the change attests.`,
    },
    attestationPrompt: `I switched off “${PORTAL_LABELS.unlock}”, “${PORTAL_LABELS.writebackNew}” (older wording “${PORTAL_LABELS.writebackOld}”) and, if shown, “${PORTAL_LABELS.cloudSync}”, and pressed Save.`,
  },

  "disable-connect-writeback": {
    id: "disable-connect-writeback",
    flow: "cleanup",
    title: "Turn off password writeback in Entra Connect",
    summary:
      "Clear the Password writeback feature in the Connect wizard so the server stops listening for resets from the cloud.",
    performedBy: "person",
    who: ["hybrid-identity-admin", "global-admin"],
    whoLabel:
      "A local administrator of the Connect server who also holds Hybrid Identity Administrator or Global Administrator with a cloud-only account.",
    where: "connect-server",
    whereLabel: PLACE_LABELS["connect-server"],
    instructions: [
      ...connectWizardOpen,
      {
        text: `On the ${CONNECT_WIZARD_LABELS.optionalFeatures} page clear ${CONNECT_WIZARD_LABELS.passwordWriteback} only; leave password hash synchronisation and every other feature as they are.`,
        labels: [CONNECT_WIZARD_LABELS.optionalFeatures, CONNECT_WIZARD_LABELS.passwordWriteback],
      },
      connectWizardFinish,
      {
        text: "If a staging-mode Connect server exists, repeat the change there; it keeps its own configuration and would bring writeback back when promoted.",
      },
      {
        text: "Cloud sync: run Set-AADCloudSyncPasswordWritebackConfiguration with -Enable $false on a server with the provisioning agent (script below).",
      },
    ],
    pitfalls: [
      {
        symptom: "The wizard finishes but writeback is not switched off.",
        recognise:
          "PasswordResetService event 31014 (OffboardingEventFail) or 32009 (AuthTokenError): the admin account typed into the wizard is federated or its password was wrong.",
        fix: "Run the wizard again with a cloud-only Hybrid Identity Administrator or Global Administrator.",
        eventIds: ["31014", "32009"],
      },
      {
        symptom: "Offboarding stops with a communication error.",
        recognise: "PasswordResetService event 32013 (OffBoardingError).",
        fix: "Allow outbound HTTPS 443 from the Connect server to *.servicebus.windows.net and *.passwordreset.microsoftonline.com, then run the wizard again.",
        eventIds: ["32013"],
      },
      {
        symptom: "Password hash synchronisation stopped after the clean-up.",
        recognise:
          "Its box was cleared by mistake on the same page; the Ready to configure summary listed it.",
        fix: "Run the wizard again, tick password hash synchronisation back on and read the summary before pressing Configure.",
      },
    ],
    dependsOn: ["disable-sspr-options"],
    optional: false,
    verification: {
      kinds: ["evidence", "attested"],
      description: `Evidence: the “${AUDIT_ACTIVITIES.disableWriteback}” directory audit record, or uploaded output of Get-ADSyncAADPasswordResetConfiguration and event 31013 (OffboardingEventSuccess) from the Connect server. Otherwise the person who ran the wizard attests.`,
    },
    attestationPrompt:
      "I cleared Password writeback in the Connect wizard on <server> (and on any staging server) and finished the wizard.",
    scriptHints: [
      readResetConfigHint,
      writebackEventsHint(["31013", "31014", "32013"]),
      {
        title: "Cloud sync: turn writeback off from the agent server",
        language: "powershell",
        runOn: "connect-server",
        script: [
          CLOUD_SYNC_MODULE,
          "Set-AADCloudSyncPasswordWritebackConfiguration -Enable $false -Credential $(Get-Credential)",
        ].join("\n"),
      },
    ],
  },

  "revoke-connector-permissions": {
    id: "revoke-connector-permissions",
    flow: "cleanup",
    title: "Remove the delegated permissions",
    summary:
      "Take back exactly the reset and write rights delegated for writeback, and nothing else, so the connector keeps only what synchronisation needs.",
    performedBy: "person",
    who: ["domain-admin"],
    whoLabel: "A Domain Admin of each domain where rights were delegated.",
    where: "ad-ds",
    whereLabel: "On-premises Active Directory — Active Directory Users and Computers or PowerShell",
    instructions: [
      {
        text: "In Active Directory Users and Computers, with Advanced Features switched on in the View menu, open the domain root's Properties, then Security and Advanced.",
        labels: [
          "Active Directory Users and Computers",
          "Advanced Features",
          "View",
          "Properties",
          "Security",
          "Advanced",
        ],
      },
      {
        text: "On the Permissions tab select the connector account's entries whose Applies to reads Descendant User objects and that grant Reset password, Write lockoutTime or Write pwdLastSet, and remove just those.",
        labels: [
          "Permissions",
          "Applies to",
          "Descendant User objects",
          "Reset password",
          "Write lockoutTime",
          "Write pwdLastSet",
        ],
      },
      {
        text: "Leave every other entry of the connector in place: its read and replication rights are what keeps synchronisation running.",
      },
      {
        text: "If you gave the connector Unexpire Password on This object only, remove that entry as well. Never remove the Unexpire Password entry of Authenticated Users; it is a Windows default.",
        labels: ["Unexpire Password", "This object only"],
      },
      {
        text: "Repeat in every domain and OU where rights were delegated. If they were also stamped on AdminSDHolder (CN=AdminSDHolder,CN=System in each domain), remove them there too, or SDProp will put them back on protected accounts.",
      },
      {
        text: "Allow up to an hour for replication, then re-check; set the step to waiting in the meantime.",
      },
    ],
    pitfalls: [
      {
        symptom: "Synchronisation starts failing right after the clean-up.",
        recognise:
          "All of the connector's permissions were removed (for example with dsacls /R), not only the writeback ones; import runs report access errors.",
        fix: "Restore the basic read rights with Set-ADSyncBasicReadPermissions (and any other feature permissions you use), then remove only the three writeback entries.",
      },
      {
        symptom: "The wizard still finds reset rights after you removed the entries.",
        recognise:
          "The rights arrive another way: through a group the connector belongs to, from a delegation on an OU, or from a broad entry such as GenericAll. The finding names the granting entry.",
        fix: "Remove or narrow that entry too, if it exists only for writeback.",
      },
      {
        symptom: "Protected accounts still show the rights a few hours later.",
        recognise: "The entries were copied onto AdminSDHolder and SDProp keeps restoring them.",
        fix: "Remove the same entries from CN=AdminSDHolder,CN=System in each domain.",
      },
    ],
    dependsOn: ["disable-connect-writeback"],
    optional: false,
    verification: {
      kinds: ["verified", "evidence", "attested"],
      description:
        "Verified over LDAP: the connector no longer has effective Reset password, Write lockoutTime or Write pwdLastSet on in-scope users, while its read access is untouched. Evidence: the same check on an uploaded snapshot. Attested: only when neither is possible.",
    },
    attestationPrompt:
      "I removed <connector account>'s Reset password, Write lockoutTime and Write pwdLastSet entries (and any Unexpire Password entry I had added) from every domain and OU where they were delegated.",
    scriptHints: [
      {
        title: "Show the permissions currently set on the domain root (read-only)",
        language: "powershell",
        runOn: "connect-server",
        script: [ADSYNCCONFIG_MODULE, "Show-ADSyncADObjectPermissions -ADobjectDN '<domainDN>'"].join("\n"),
      },
      {
        title: "Remove exactly the three writeback entries from one domain root",
        language: "powershell",
        runOn: "ad-ds",
        script: REVOKE_EXACT_ACES,
        note: "Matches only allow entries for the connector on descendant user objects; other entries stay. dsacls /R is not used because it removes every permission of the account.",
      },
    ],
  },

  "confirm-disabled": {
    id: "confirm-disabled",
    flow: "cleanup",
    title: "Confirm writeback is off",
    summary:
      "Gather the evidence that nothing is written back any more and that the connector has lost the delegated rights.",
    performedBy: "wizard-and-person",
    who: ["global-admin", "authentication-policy-admin"],
    whoLabel:
      "Mostly the wizard; a Global Administrator or Authentication Policy Administrator confirms what only the admin center shows.",
    where: "wizard",
    whereLabel: PLACE_LABELS.wizard,
    instructions: [
      {
        text: `The wizard looks for the “${AUDIT_ACTIVITIES.disableWriteback}” audit record and checks that no reset recorded since then names an OnPremisesAgent other than None.`,
        labels: [AUDIT_ACTIVITIES.disableWriteback],
      },
      {
        text: "It reads the connector's effective rights once more and expects Reset password, Write lockoutTime and Write pwdLastSet to be gone.",
      },
      {
        text: "It shows Graph's passwordWritebackEnabled flag for reference only: Microsoft documents that flag as not in use, so it never decides the result.",
      },
      {
        text: `Open ${PORTAL_LABELS.pathNew} (older: ${PORTAL_LABELS.pathOld}) one last time and check that “${PORTAL_LABELS.writebackNew}” (older: “${PORTAL_LABELS.writebackOld}”) and “${PORTAL_LABELS.unlock}” are off; attest to it if the evidence above is missing.`,
        labels: [
          PORTAL_LABELS.pathNew,
          PORTAL_LABELS.pathOld,
          PORTAL_LABELS.writebackNew,
          PORTAL_LABELS.writebackOld,
          PORTAL_LABELS.unlock,
        ],
      },
    ],
    pitfalls: [
      {
        symptom: "Reset events keep appearing on a Connect server after the clean-up.",
        recognise:
          "PasswordResetService events 31001 and 31002 dated after the disable: writeback is still on for that server, often a staging server that was promoted.",
        fix: "Clear Password writeback in the Connect wizard on that server as well, then re-check.",
        eventIds: ["31001", "31002"],
      },
      {
        symptom: "Graph's passwordWritebackEnabled disagrees with what you configured.",
        recognise: "The flag is documented as not in use and does not follow the real state.",
        fix: "Ignore it; rely on the audit records, the Connect server's own output and the permission check.",
      },
    ],
    dependsOn: ["disable-sspr-options", "disable-connect-writeback", "revoke-connector-permissions"],
    optional: false,
    verification: {
      kinds: ["evidence", "attested"],
      description: `Evidence: the “${AUDIT_ACTIVITIES.disableWriteback}” record, reset audit records since then with OnPremisesAgent None, and the connector without writeback rights. The portal switches have no API (Microsoft publishes none), so the final word on them is an attestation.`,
    },
    attestationPrompt: `After the clean-up I opened On-premises integration and “${PORTAL_LABELS.writebackNew}” and “${PORTAL_LABELS.unlock}” are both off.`,
    scriptHints: [readResetConfigHint, writebackEventsHint(["31001", "31002", "31013"])],
  },
} as const satisfies { readonly [K in StepId]: StepDefinition & { readonly id: K } };

// Why this dependency order:
// - enable: delegation and policy come first because the Connect onboarding and every later reset act on AD DS;
//   the portal switch follows Connect because it only works once the on-premises service has onboarded;
//   the end-to-end test needs the rights and the policy as well as the switch.
// - clean-up: the portal options go first so users stop being offered a writeback that is about to break; the Connect
//   feature next; the rights last so any reset still in flight does not fail half-way. confirm-disabled needs all three.

/** The catalogue, keyed by step id. */
export const STEP_CATALOGUE: Readonly<Record<StepId, StepDefinition>> = CATALOGUE;

export function getStep(id: StepId): StepDefinition {
  return STEP_CATALOGUE[id];
}

/** The steps of one flow, in the order the flow presents them (ids.ts is the source of that order). */
export function stepsForFlow(flow: Flow): StepDefinition[] {
  const ids: readonly StepId[] = flow === "enable" ? ENABLE_STEP_IDS : CLEANUP_STEP_IDS;
  return ids.map((id) => STEP_CATALOGUE[id]);
}
