import { PORTAL_LABELS, CONNECT_WIZARD_LABELS, AUDIT_RECORD_LABELS, PLACE_LABELS } from "./labels";
import {
  CHECK_SCOPES,
  connectWizardOpen,
  connectWizardFinish,
  federatedAdminPitfall,
  networkPitfall,
  readResetConfigHint,
  writebackEventsHint,
  CLOUD_SYNC_MODULE,
  LEARN_MORE,
} from "./fragments";
import { type StepDefinition } from "./types";

export const connectWriteback = {
  id: "connect-writeback",
  flow: "enable",
  title: "Turn on password writeback in Entra Connect",
  summary:
    "Switch on the Password writeback feature in the Connect configuration wizard so the server starts listening for resets from the cloud.",
  performedBy: "person",
  // ms-fact: connect-wizard-role
  who: ["hybrid-identity-admin", "global-admin"],
  whoLabel:
    "A local administrator of the Connect server who also holds Hybrid Identity Administrator or Global Administrator with a managed (not federated) account.",
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
      text: `For evidence the wizard looks for the “${AUDIT_RECORD_LABELS.enableWriteback}” audit record; you can also upload the output of the read-only commands below.`,
      labels: [AUDIT_RECORD_LABELS.enableWriteback],
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
    description: `Evidence: the “${AUDIT_RECORD_LABELS.enableWriteback}” directory audit record, or uploaded output of Get-ADSyncAADPasswordResetConfiguration and PasswordResetService events from the Connect server. Graph's features.passwordWritebackEnabled is documented as not in use, so it is shown but never trusted. Otherwise the person who ran the wizard attests.`,
  },
  graphScopes: CHECK_SCOPES,
  attestationPrompt: "I ticked Password writeback in the Connect wizard on <server> and finished the wizard.",
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
  learnMore: LEARN_MORE.connectWriteback,
} as const satisfies StepDefinition & { readonly id: "connect-writeback" };
