import { PORTAL_LABELS, AUDIT_RECORD_LABELS, PLACE_LABELS } from "./labels";
import { CHECK_SCOPES, portalSignIn, portalPath, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const ssprWriteback = {
  id: "sspr-writeback",
  flow: "enable",
  title: "Turn on writeback in the SSPR settings",
  summary: "Tell self-service password reset to send new passwords of synced users back to Active Directory.",
  performedBy: "person",
  // ms-fact: portal-writeback-role
  who: ["hybrid-identity-admin", "global-admin"],
  whoLabel: "At least a Hybrid Identity Administrator (a Global Administrator can too).",
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
    description: `No API exists for this switch (Microsoft publishes none), so it cannot be verified. Evidence: a successful end-to-end test, or “${AUDIT_RECORD_LABELS.selfServiceReset}” / “${AUDIT_RECORD_LABELS.adminReset}” audit records whose OnPremisesAgent is Microsoft Entra Connect or CloudSync. Otherwise the person who saved the setting attests.`,
  },
  graphScopes: CHECK_SCOPES,
  attestationPrompt: `I switched on “${PORTAL_LABELS.writebackNew}” (older wording “${PORTAL_LABELS.writebackOld}”) under On-premises integration and pressed Save.`,
  learnMore: LEARN_MORE.ssprWriteback,
} as const satisfies StepDefinition & { readonly id: "sspr-writeback" };
