import { PLACE_LABELS } from "./labels";
import { CHECK_SCOPES, ADSYNCCONFIG_MODULE, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

/** Who the wizard acts as in a sandbox run (lib/sandbox/tenant-model.ts; a test keeps the two equal). */
export const SANDBOX_ADMIN = {
  displayName: "Ada Admin",
  userPrincipalName: "ada.admin@contoso.onmicrosoft.com",
  role: "Global Administrator",
} as const;

export const prerequisites = {
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
      sandboxText: `Nothing to sign in to: in the sandbox the wizard acts as the simulated admin ${SANDBOX_ADMIN.displayName} (${SANDBOX_ADMIN.userPrincipalName}), who holds the ${SANDBOX_ADMIN.role} role in the simulated tenant.`,
    },
    {
      text: "Give the wizard a way to read Active Directory: a read-only LDAPS connection configured on the server, or a snapshot file produced by the evidence collector script on a domain-joined machine.",
      sandboxText:
        "Nothing to connect: in the sandbox the wizard reads this run's own simulated copy of a domain (contoso.test).",
    },
    {
      text: "Run the check. Nothing is written anywhere; the wizard looks for an active Microsoft Entra ID P1 or P2 plan, a tenant that is synchronised from on-premises, domain controllers that offer the LDAP password-policy hints control (what writeback depends on; Microsoft asks only for a supported Windows Server version), and the connector account used by Connect (usually MSOL_ followed by hex digits) or by cloud sync (a gMSA).",
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
      // ms-fact: dc-policy-hints-control
      fix: "Keep the Connect server on domain controllers that offer the control: Microsoft's troubleshooting page names Windows Server 2016 and later, and its tutorial asks for a supported Windows Server version. Upgrade or retire the others. Samba domain controllers do not offer the control.",
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
      fix: "On the Connect server run Get-ADSyncADConnectorAccount to see the account each AD connector uses. For cloud sync, the account is the one the Microsoft Entra Provisioning Agent service logs on as: provAgentgMSA$ when the installer created it, otherwise the custom gMSA you chose, which the wizard cannot guess; enter its distinguished name under Another account. Then point the wizard at that account's domain.",
    },
  ],
  dependsOn: [],
  optional: false,
  verification: {
    kinds: ["verified", "evidence", "attested"],
    // ms-fact: graph-provisioning-agents-beta-only
    description:
      "Verified through Microsoft Graph (subscribed SKUs, your active roles, the organisation's sync state) and LDAP (domain controller versions, rootDSE controls, the connector account). Without an LDAP connection, an uploaded evidence snapshot answers the directory part (evidence). With cloud sync, the file the provisioning agent collector writes on each agent server adds the agent's version and service state (evidence). Not checked through Microsoft Graph: whether cloud sync agents are installed and active, because Graph lists them only in its beta version and only with a write permission. Until the wizard is connected to both, a person who looked can record it by name.",
  },
  graphScopes: [
    ...CHECK_SCOPES,
    "Organization.Read.All",
    "OnPremDirectorySynchronization.Read.All",
    "User.Read.All",
  ],
  attestationPrompt:
    "I confirmed the tenant has Entra ID P1 or P2, that I hold a suitable admin role, that the tenant synchronises from this forest, that every domain controller runs a supported Windows Server version offering the password-policy hints control, and which account the Connect AD DS connector uses.",
  scriptHints: [
    {
      title: "Show the account each AD connector uses (read-only)",
      language: "powershell",
      runOn: "connect-server",
      script: [ADSYNCCONFIG_MODULE, "Get-ADSyncADConnectorAccount"].join("\n"),
    },
    {
      title: "Cloud sync: show the provisioning agent's service, its account and its version (read-only)",
      language: "powershell",
      runOn: "connect-server",
      script: [
        "Get-CimInstance -ClassName 'Win32_Service' -Filter \"Name='AADConnectProvisioningAgent'\" | Select-Object 'Name', 'State', 'StartMode', 'StartName'",
        "(Get-Item -LiteralPath (Join-Path $env:ProgramFiles 'Microsoft Azure AD Connect Provisioning Agent\\AADConnectProvisioningAgent.exe')).VersionInfo.FileVersion",
      ].join("\n"),
      note: "Run on each provisioning agent server. StartName is the gMSA to confirm as the connector account; password writeback needs agent version 1.1.977.0 or later. `npx sspr-writeback collect-script --cloud-sync` writes the same as a file to upload.",
    },
    {
      title: "List domain controllers and their operating systems (read-only)",
      language: "powershell",
      runOn: "ad-ds",
      script:
        "Get-ADDomainController -Filter * -Server '<DOMAIN_FQDN>' | Select-Object 'HostName', 'OperatingSystem'",
    },
  ],
  learnMore: LEARN_MORE.prerequisites,
} as const satisfies StepDefinition & { readonly id: "prerequisites" };
