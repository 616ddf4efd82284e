import { CONNECT_WIZARD_LABELS, AUDIT_RECORD_LABELS, PLACE_LABELS } from "./labels";
import {
  CHECK_SCOPES,
  connectWizardOpen,
  connectWizardFinish,
  readResetConfigHint,
  writebackEventsHint,
  CLOUD_SYNC_MODULE,
  LEARN_MORE,
} from "./fragments";
import { type StepDefinition } from "./types";

export const disableConnectWriteback = {
  id: "disable-connect-writeback",
  flow: "cleanup",
  title: "Turn off password writeback in Entra Connect",
  summary:
    "Clear the Password writeback feature in the Connect wizard so the server stops listening for resets from the cloud.",
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
      text: `On the ${CONNECT_WIZARD_LABELS.optionalFeatures} page clear ${CONNECT_WIZARD_LABELS.passwordWriteback} only; leave password hash synchronisation and every other feature as they are.`,
      labels: [CONNECT_WIZARD_LABELS.optionalFeatures, CONNECT_WIZARD_LABELS.passwordWriteback],
    },
    connectWizardFinish,
    {
      text: "If a staging-mode Connect server exists, repeat the change there; it keeps its own configuration and would bring writeback back when promoted.",
    },
    {
      text: "Cloud sync: run Set-AADCloudSyncPasswordWritebackConfiguration with -Enable $false on a server with the provisioning agent (script below).",
    },
  ],
  pitfalls: [
    {
      symptom: "The wizard finishes but writeback is not switched off.",
      recognise:
        "PasswordResetService event 31014 (OffboardingEventFail) or 32009 (AuthTokenError): the admin account typed into the wizard is federated or its password was wrong.",
      // ms-fact: connect-admin-managed-account
      fix: "Run the wizard again with a managed (cloud-only or password-hash-synchronised) Hybrid Identity Administrator or Global Administrator and the right password.",
      eventIds: ["31014", "32009"],
    },
    {
      symptom: "Offboarding stops with a communication error.",
      recognise: "PasswordResetService event 32013 (OffBoardingError).",
      fix: "Allow outbound HTTPS 443 from the Connect server to *.servicebus.windows.net and *.passwordreset.microsoftonline.com, then run the wizard again.",
      eventIds: ["32013"],
    },
    {
      symptom: "Password hash synchronisation stopped after the clean-up.",
      recognise: "Its box was cleared by mistake on the same page; the Ready to configure summary listed it.",
      fix: "Run the wizard again, tick password hash synchronisation back on and read the summary before pressing Configure.",
    },
  ],
  dependsOn: ["disable-sspr-options"],
  optional: false,
  verification: {
    kinds: ["evidence", "attested"],
    description: `Evidence: the “${AUDIT_RECORD_LABELS.disableWriteback}” directory audit record, or uploaded output of Get-ADSyncAADPasswordResetConfiguration and event 31013 (OffboardingEventSuccess) from the Connect server. Otherwise the person who ran the wizard attests.`,
  },
  graphScopes: CHECK_SCOPES,
  attestationPrompt:
    "I cleared Password writeback in the Connect wizard on <server> (and on any staging server) and finished the wizard.",
  scriptHints: [
    readResetConfigHint,
    writebackEventsHint(["31013", "31014", "32013"]),
    {
      title: "Cloud sync: turn writeback off from the agent server",
      language: "powershell",
      runOn: "connect-server",
      script: [
        CLOUD_SYNC_MODULE,
        "Set-AADCloudSyncPasswordWritebackConfiguration -Enable $false -Credential $(Get-Credential)",
      ].join("\n"),
    },
  ],
  learnMore: LEARN_MORE.cleanUp,
} as const satisfies StepDefinition & { readonly id: "disable-connect-writeback" };
