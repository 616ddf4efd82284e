import { PORTAL_LABELS, AUDIT_RECORD_LABELS, PLACE_LABELS } from "./labels";
import { CHECK_SCOPES, portalSignIn, portalPath, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const disableSsprOptions = {
  id: "disable-sspr-options",
  flow: "cleanup",
  title: "Turn off the SSPR writeback options",
  summary:
    "Stop offering cloud resets and unlocks that write to Active Directory before the on-premises side is taken away.",
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
      text: `Switch off “${PORTAL_LABELS.unlock}” first (older screens end it with a question mark and offer No).`,
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
      recognise: `New “${AUDIT_RECORD_LABELS.selfServiceReset}” records still show OnPremisesAgent Microsoft Entra Connect or CloudSync.`,
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
  graphScopes: CHECK_SCOPES,
  attestationPrompt: `I switched off “${PORTAL_LABELS.unlock}”, “${PORTAL_LABELS.writebackNew}” (older wording “${PORTAL_LABELS.writebackOld}”) and, if shown, “${PORTAL_LABELS.cloudSync}”, and pressed Save.`,
  learnMore: LEARN_MORE.cleanUp,
} as const satisfies StepDefinition & { readonly id: "disable-sspr-options" };
