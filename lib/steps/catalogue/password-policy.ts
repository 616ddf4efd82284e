import { GPO_PASSWORD_POLICY_PATH, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const passwordPolicy = {
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
  graphScopes: ["User.Read"],
  attestationPrompt:
    "I set Minimum password age to 0 in the policy that governs <domain> (and in any fine-grained policy that applies) and ran gpupdate /force or waited for replication.",
  scriptHints: [
    {
      title: "Show the domain password policy (read-only)",
      language: "powershell",
      runOn: "ad-ds",
      script:
        "Get-ADDefaultDomainPasswordPolicy -Identity '<DOMAIN_FQDN>' | Select-Object 'MinPasswordAge', 'PasswordHistoryCount', 'ComplexityEnabled'",
    },
    {
      title: "List fine-grained password policies (read-only)",
      language: "powershell",
      runOn: "ad-ds",
      script:
        "Get-ADFineGrainedPasswordPolicy -Filter * -Server '<DOMAIN_FQDN>' | Select-Object 'Name', 'MinPasswordAge', 'AppliesTo'",
    },
    {
      title: "Apply Group Policy now",
      language: "cmd",
      runOn: "ad-ds",
      script: "gpupdate /force",
    },
  ],
  learnMore: LEARN_MORE.accountPermissions,
} as const satisfies StepDefinition & { readonly id: "password-policy" };
