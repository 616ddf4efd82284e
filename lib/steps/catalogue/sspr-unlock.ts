import { PORTAL_LABELS, AUDIT_RECORD_LABELS, PLACE_LABELS } from "./labels";
import { CHECK_SCOPES, portalSignIn, portalPath, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const ssprUnlock = {
  id: "sspr-unlock",
  flow: "enable",
  title: "Let users unlock without a reset",
  summary:
    "Optionally allow locked-out synced users to unlock their on-premises account from the cloud without choosing a new password.",
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
      text: `This setting depends on writeback: “${PORTAL_LABELS.writebackNew}” (older wording “${PORTAL_LABELS.writebackOld}”) must already be on.`,
      labels: [PORTAL_LABELS.writebackNew, PORTAL_LABELS.writebackOld],
    },
    {
      text: `Switch on “${PORTAL_LABELS.unlock}” (older screens end it with a question mark and offer Yes) and press ${PORTAL_LABELS.save}.`,
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
    description: `No API exists for this switch (Microsoft publishes none). Evidence: an “${AUDIT_RECORD_LABELS.selfServiceUnlock}” audit record after the change. Otherwise the person who saved it attests.`,
  },
  graphScopes: CHECK_SCOPES,
  attestationPrompt: `I switched on “${PORTAL_LABELS.unlock}” under On-premises integration and pressed Save.`,
  learnMore: LEARN_MORE.ssprWriteback,
} as const satisfies StepDefinition & { readonly id: "sspr-unlock" };
