// Instruction, pitfall and script fragments that more than one step uses (the same facts appear in the enable
// and the clean-up flow).

import { PORTAL_LABELS, CONNECT_WIZARD_LABELS } from "./labels";
import { type Instruction, type LearnMore, type Pitfall, type ScriptHint } from "./types";

export const GPO_PASSWORD_POLICY_PATH =
  "Computer Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password Policy";

// ---------------------------------------------------------------------------------------------
// Reusable instruction and pitfall fragments (the same facts appear in enable and clean-up).
// ---------------------------------------------------------------------------------------------

export const NETWORK_EVENT_IDS = ["32002", "32011", "31034", "31044", "6800"] as const;

// ms-fact: portal-writeback-role
export const portalSignIn = (action: string): Instruction => ({
  text: `Sign in to the Microsoft Entra admin center with at least the Hybrid Identity Administrator role (a Global Administrator can too) to ${action}.`,
  labels: ["Microsoft Entra admin center"],
});

// ms-fact: portal-on-premises-integration-path
export const portalPath: Instruction = {
  text: `Go to ${PORTAL_LABELS.pathNew}. Before the admin center regrouped its menu the same page sat under ${PORTAL_LABELS.pathPrevious}, and tenants still using the Azure portal reach it through ${PORTAL_LABELS.pathOld}.`,
  labels: [PORTAL_LABELS.pathNew, PORTAL_LABELS.pathPrevious, PORTAL_LABELS.pathOld],
};

export const connectWizardOpen: readonly Instruction[] = [
  {
    text: "Sign in to the Connect server as a local administrator and launch the Microsoft Entra Connect configuration wizard (builds from before the rename call it Azure AD Connect).",
    labels: ["Microsoft Entra Connect", "Azure AD Connect"],
  },
  {
    text: `On the welcome screen choose ${CONNECT_WIZARD_LABELS.configure}; on the list of tasks pick ${CONNECT_WIZARD_LABELS.customize} and go on with Next.`,
    labels: [CONNECT_WIZARD_LABELS.configure, CONNECT_WIZARD_LABELS.customize, "Next"],
  },
  {
    // ms-fact: connect-admin-managed-account
    text: "When the wizard asks for Microsoft Entra credentials, type those of a Hybrid Identity Administrator or Global Administrator whose password Microsoft Entra ID checks itself: a cloud-only or password-hash-synchronised account works, a federated one does not obtain the token the writeback service needs.",
  },
  {
    text: "Page through the directory and domain/OU filtering screens without changing anything.",
  },
];

export const connectWizardFinish: Instruction = {
  text: `On ${CONNECT_WIZARD_LABELS.readyToConfigure}, read the summary of changes, press ${CONNECT_WIZARD_LABELS.configure}, wait until the run completes and close the wizard with ${CONNECT_WIZARD_LABELS.exit}.`,
  labels: [
    CONNECT_WIZARD_LABELS.readyToConfigure,
    CONNECT_WIZARD_LABELS.configure,
    CONNECT_WIZARD_LABELS.exit,
  ],
};

export const federatedAdminPitfall: Pitfall = {
  symptom: "The Connect wizard ends by saying password writeback could not be configured.",
  recognise:
    "Event 32009 (AuthTokenError) from source PasswordResetService in the Connect server's Application log: no token could be obtained for the admin account typed into the wizard.",
  // ms-fact: connect-admin-managed-account
  fix: "Run the wizard again with the correct password of a managed Hybrid Identity Administrator or Global Administrator: cloud-only or password-hash-synchronised, not federated.",
  eventIds: ["32009"],
};

export const networkPitfall: Pitfall = {
  symptom:
    "Writeback looks enabled, yet resets end with a service error, or the writeback service never comes up after a restart of the sync service.",
  recognise:
    "PasswordResetService events 32002 (ServiceBusError), 32011 (OnBoardingServiceError), 31034 (ServiceBusListenerError) or 31044, or event 6800 when ADSync starts, in the Connect server's Application log.",
  fix: "Let the Connect server open outbound HTTPS (TCP 443) to *.servicebus.windows.net and *.passwordreset.microsoftonline.com (national clouds use their own hosts), make sure TLS 1.2 is enabled and the current root CAs are installed, then restart the ADSync service. If errors persist, turn Password writeback off and on again in the Connect wizard.",
  eventIds: NETWORK_EVENT_IDS,
};

export const readResetConfigHint: ScriptHint = {
  title: "Show whether the Connect server has password writeback on (read-only)",
  language: "powershell",
  runOn: "connect-server",
  script: [
    "Import-Module ADSync",
    "# The Microsoft Entra connector is the one whose name ends in ' - AAD'",
    "Get-ADSyncConnector | Select-Object 'Name', 'Type'",
    "Get-ADSyncAADPasswordResetConfiguration -Connector '<ENTRA_CONNECTOR_NAME>'",
  ].join("\n"),
  note: "Documented in Microsoft's password writeback setup guide for Connect; upload the output as evidence.",
};

export const writebackEventsHint = (ids: readonly string[]): ScriptHint => ({
  title: `List recent PasswordResetService events ${ids.join(", ")} (read-only)`,
  language: "powershell",
  runOn: "connect-server",
  script: [
    "Get-WinEvent -FilterHashtable @{ LogName = 'Application'; ProviderName = 'PasswordResetService'; Id = " +
      ids.join(", ") +
      " } -MaxEvents 50 |",
    "  Select-Object 'TimeCreated', 'Id', 'LevelDisplayName', 'Message'",
  ].join("\n"),
});

export const CLOUD_SYNC_MODULE = String.raw`Import-Module 'C:\Program Files\Microsoft Azure AD Connect Provisioning Agent\Microsoft.CloudSync.Powershell.dll'`;
export const ADSYNCCONFIG_MODULE = String.raw`Import-Module 'C:\Program Files\Microsoft Azure Active Directory Connect\AdSyncConfig\AdSyncConfig.psm1'`;

// The DOMAIN.md delegation: object ACEs, CI|IO, InheritedObjectType user — what Set-ADSyncPasswordWritebackPermissions writes.
export const DSACLS_GRANT = String.raw`dsacls "<domainDN>" /G "<DOMAIN>\<ACCOUNT>:CA;Reset Password;user" "<DOMAIN>\<ACCOUNT>:WP;lockoutTime;user" "<DOMAIN>\<ACCOUNT>:WP;pwdLastSet;user" /I:S`;

// Removes exactly the three ACEs above and nothing else. `dsacls /R` is deliberately not offered: it strips every
// permission of the principal, including the read rights synchronisation depends on.
export const REVOKE_EXACT_ACES = [
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

/** Graph permissions every tenant check needs: who you are, and the directory audit records. */
export const CHECK_SCOPES = ["User.Read", "AuditLog.Read.All", "Directory.Read.All"] as const;

// Microsoft Learn articles the steps follow. Each address is the learn.microsoft.com form of a page in
// MicrosoftDocs/entra-docs (docs/<path>.md -> /entra/<path>); the anchors are the pages' own headings or anchors.
const LEARN = "https://learn.microsoft.com/entra/identity";
const WRITEBACK_TUTORIAL = `${LEARN}/authentication/tutorial-enable-sspr-writeback`;

// ms-fact: step-learn-more-pages
export const LEARN_MORE = {
  prerequisites: {
    title: "Enable Microsoft Entra password writeback: prerequisites",
    url: `${WRITEBACK_TUTORIAL}#prerequisites`,
  },
  accountPermissions: {
    title:
      "Enable Microsoft Entra password writeback: configure account permissions for Microsoft Entra Connect",
    url: `${WRITEBACK_TUTORIAL}#configure-account-permissions-for-azure-ad-connect`,
  },
  connectWriteback: {
    title: "Enable Microsoft Entra password writeback: enable password writeback in Microsoft Entra Connect",
    url: `${WRITEBACK_TUTORIAL}#enable-password-writeback-in-azure-ad-connect`,
  },
  ssprWriteback: {
    title: "Enable Microsoft Entra password writeback: enable password writeback for SSPR",
    url: `${WRITEBACK_TUTORIAL}#enable-password-writeback-for-sspr`,
  },
  writebackOperations: {
    title: "On-premises password writeback with self-service password reset: supported writeback operations",
    url: `${LEARN}/authentication/concept-sspr-writeback#supported-writeback-operations`,
  },
  cleanUp: {
    title: "Enable Microsoft Entra password writeback: clean up resources",
    url: `${WRITEBACK_TUTORIAL}#clean-up-resources`,
  },
  connectorPermissionsReference: {
    title: "Configure AD DS Connector Account permissions: permissions for password writeback",
    url: `${LEARN}/hybrid/connect/how-to-connect-configure-ad-ds-connector-account#permissions-for-password-writeback`,
  },
  troubleshooting: {
    title: "Troubleshoot self-service password reset writeback: event log error codes",
    url: `${LEARN}/authentication/troubleshoot-sspr-writeback#password-writeback-event-log-error-codes`,
  },
} as const satisfies Record<string, LearnMore>;
