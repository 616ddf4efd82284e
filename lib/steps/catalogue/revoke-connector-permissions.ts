import { ADSYNCCONFIG_MODULE, REVOKE_EXACT_ACES, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const revokeConnectorPermissions = {
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
  graphScopes: ["User.Read"],
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
  learnMore: LEARN_MORE.connectorPermissionsReference,
} as const satisfies StepDefinition & { readonly id: "revoke-connector-permissions" };
