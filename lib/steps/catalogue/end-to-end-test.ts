import { AUDIT_RECORD_LABELS, PLACE_LABELS } from "./labels";
import { CHECK_SCOPES, writebackEventsHint, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const endToEndTest = {
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
      text: "The wizard then reads when the user's password last changed in Active Directory (the unicodePwd stamp in the object's replication metadata) and expects it to be later than the reset, and looks up the matching audit record to see which OnPremisesAgent handled it. pwdLastSet is not the measure: an admin reset sets it to 0, which means the user must pick a new password at the next sign-in (unless the password never expires).",
    },
    {
      text: "If the password has not changed yet on the domain controller the wizard reads, the step waits; re-check in a few minutes, because the change first lands on one domain controller and replicates from there.",
    },
  ],
  pitfalls: [
    {
      symptom: "The reset never reaches Active Directory for the chosen user.",
      recognise:
        "An admin reset logs its own PasswordResetService events: 31009 (admin reset received) followed by 31011 (admin reset failed) instead of 31010 (admin reset succeeded); look next to it for 33004, 33005, 33006 or 33008.",
      fix: "For 33004, check the connector's rights and whether the user is protected (adminCount=1); for 33005 or 33006, enable or unlock the account; for 33008, the password policy step. Then run the test again.",
      eventIds: ["31009", "31010", "31011", "33004", "33005", "33006", "33008"],
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
      recognise: "Event 33008 (ADPasswordPolicyError): the minimum password age still applies to this user.",
      fix: "Set Minimum password age to 0 (or pick another test user) and run the test again.",
      eventIds: ["33008"],
    },
  ],
  dependsOn: ["sspr-writeback", "connector-permissions", "password-policy"],
  optional: false,
  verification: {
    kinds: ["verified", "attested"],
    description: `Verified: Graph accepts and completes the admin reset, the “${AUDIT_RECORD_LABELS.adminReset}” record names Microsoft Entra Connect or CloudSync as OnPremisesAgent, and the user's password changed on-premises after the reset (read from the unicodePwd replication stamp; pwdLastSet 0 afterwards is expected and only means a change is due at the next sign-in). Until the wizard is connected to Graph and the directory, a person who ran the same test by hand can record it by name — the weaker confidence stays visible.`,
  },
  graphScopes: [...CHECK_SCOPES, "User.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
  attestationPrompt:
    "I reset the password of a synced test user in the cloud (portal or SSPR) and saw the change arrive in Active Directory: the user's password change time moved past the reset and the new password works on-premises.",
  scriptHints: [
    {
      title:
        "Show when the test user's password last changed on-premises, and whether a change is due (read-only)",
      language: "powershell",
      runOn: "ad-ds",
      script: [
        "Get-ADReplicationAttributeMetadata -Object (Get-ADUser -Identity '<TEST_USER>' -Server '<DOMAIN_FQDN>').DistinguishedName -Server '<DOMAIN_FQDN>' -Properties unicodePwd |",
        "  Select-Object 'AttributeName', 'LastOriginatingChangeTime', 'Version'",
        "Get-ADUser -Identity '<TEST_USER>' -Server '<DOMAIN_FQDN>' -Properties 'pwdLastSet', 'PasswordNeverExpires' | Select-Object 'SamAccountName', 'pwdLastSet', 'PasswordNeverExpires'",
      ].join("\n"),
    },
    // ms-fact: admin-reset-event-ids
    writebackEventsHint(["31009", "31010", "31011", "33004", "33005", "33006", "33008"]),
  ],
  learnMore: LEARN_MORE.writebackOperations,
} as const satisfies StepDefinition & { readonly id: "end-to-end-test" };
