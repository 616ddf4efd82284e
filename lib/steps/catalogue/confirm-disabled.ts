import { PORTAL_LABELS, AUDIT_RECORD_LABELS, PLACE_LABELS } from "./labels";
import { CHECK_SCOPES, readResetConfigHint, writebackEventsHint, LEARN_MORE } from "./fragments";
import { type StepDefinition } from "./types";

export const confirmDisabled = {
  id: "confirm-disabled",
  flow: "cleanup",
  title: "Confirm writeback is off",
  summary:
    "Gather the evidence that nothing is written back any more and that the connector has lost the delegated rights.",
  performedBy: "wizard-and-person",
  // ms-fact: portal-writeback-role
  who: ["hybrid-identity-admin", "global-admin"],
  whoLabel:
    "Mostly the wizard; a Hybrid Identity Administrator or Global Administrator confirms what only the admin center shows.",
  where: "wizard",
  whereLabel: PLACE_LABELS.wizard,
  instructions: [
    {
      text: `The wizard looks for the “${AUDIT_RECORD_LABELS.disableWriteback}” audit record and checks that no reset recorded since then names an OnPremisesAgent other than None.`,
      labels: [AUDIT_RECORD_LABELS.disableWriteback],
    },
    {
      text: "It reads the connector's effective rights once more and expects Reset password, Write lockoutTime and Write pwdLastSet to be gone.",
    },
    {
      text: "It shows Graph's passwordWritebackEnabled flag for reference only: Microsoft documents that flag as not in use, so it never decides the result.",
    },
    {
      text: `Open ${PORTAL_LABELS.pathNew} (older: ${PORTAL_LABELS.pathPrevious} or ${PORTAL_LABELS.pathOld}) one last time and check that “${PORTAL_LABELS.writebackNew}” (older: “${PORTAL_LABELS.writebackOld}”) and “${PORTAL_LABELS.unlock}” are off; attest to it if the evidence above is missing.`,
      labels: [
        PORTAL_LABELS.pathNew,
        PORTAL_LABELS.pathPrevious,
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
      // ms-fact: writeback-reset-event-ids
      recognise:
        "PasswordResetService events dated after the disable: 31001/31002 for a user's own reset, 31009/31010 (or 31011 when it failed) for a reset by an administrator. Writeback is still on for that server, often a staging server that was promoted.",
      fix: "Clear Password writeback in the Connect wizard on that server as well, then re-check.",
      eventIds: ["31001", "31002", "31009", "31010", "31011"],
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
    description: `Evidence: the “${AUDIT_RECORD_LABELS.disableWriteback}” record, reset audit records since then with OnPremisesAgent None, and the connector without writeback rights. The portal switches have no API (Microsoft publishes none), so the final word on them is an attestation.`,
  },
  graphScopes: CHECK_SCOPES,
  attestationPrompt: `After the clean-up I opened On-premises integration and “${PORTAL_LABELS.writebackNew}” and “${PORTAL_LABELS.unlock}” are both off.`,
  scriptHints: [
    readResetConfigHint,
    writebackEventsHint(["31001", "31002", "31009", "31010", "31011", "31013"]),
  ],
  learnMore: LEARN_MORE.troubleshooting,
} as const satisfies StepDefinition & { readonly id: "confirm-disabled" };
