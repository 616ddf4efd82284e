// What the Connect server's event ids mean and what to do about them, in our own words, from Microsoft's
// troubleshooting page (troubleshoot-sspr-writeback.md, "Password writeback event log error codes" and "Common
// password writeback errors"). Pure constants: the verdicts (lib/verify/verdicts/connect.ts), the sandbox and the
// evidence panel's summary read them.

export interface EventMeaning {
  /** Microsoft's name for the event (its "Name or message" column). */
  name: string;
  /** "error": something failed; "info": an operation or a state change. */
  kind: "error" | "info";
  meaning: string;
  /** What to do, for error events. */
  fix?: string;
}

// ms-fact: connect-heartbeat-event
/** PasswordResetService 31019 ServiceBusHeartBeat: a request reached the tenant's Service Bus instance. */
export const HEARTBEAT_EVENT_ID = 31019;
/** 31015 WriteBackServiceStarted / 31016 WriteBackServiceStopped. */
export const WRITEBACK_STARTED_EVENT_ID = 31015;
export const WRITEBACK_STOPPED_EVENT_ID = 31016;

const NETWORK_FIX =
  "Allow outbound HTTPS (TCP 443) from the Connect server to *.servicebus.windows.net and *.passwordreset.microsoftonline.com (the government and China clouds have their own names), check the proxy, TLS 1.2 and the root certificates, then restart the ADSync service.";
const RE_ENABLE = "Clear and tick Password writeback again in the Connect wizard.";
const AD_REFUSED_FIX =
  "Check the connector account's Reset password right on the user (Connector permissions step), whether the user is protected (adminCount=1), and the domain's password policy (minimum age, history, complexity).";

// ms-fact: connect-passwordresetservice-event-ids
/** PasswordResetService event ids (source PasswordResetService). */
export const PASSWORD_RESET_SERVICE_EVENTS: Readonly<Record<number, EventMeaning>> = {
  31001: {
    name: "PasswordResetStart",
    kind: "info",
    meaning: "A self-service reset arrived from the cloud.",
  },
  31002: {
    name: "PasswordResetSuccess",
    kind: "info",
    meaning: "A self-service reset was written to AD DS.",
  },
  31003: {
    name: "PasswordResetFail",
    kind: "error",
    meaning: "A self-service reset reached the server but AD DS refused the new password.",
    fix: AD_REFUSED_FIX,
  },
  31004: {
    name: "OnboardingEventStart",
    kind: "info",
    meaning: "Writeback was being turned on (onboarding started).",
  },
  31005: {
    name: "OnboardingEventSuccess",
    kind: "info",
    meaning: "Onboarding finished: writeback is ready.",
  },
  31006: { name: "ChangePasswordStart", kind: "info", meaning: "A password change arrived from the cloud." },
  31007: { name: "ChangePasswordSuccess", kind: "info", meaning: "A password change was written to AD DS." },
  31008: {
    name: "ChangePasswordFail",
    kind: "error",
    meaning: "A password change reached the server but AD DS refused it.",
    fix: AD_REFUSED_FIX,
  },
  31009: {
    name: "ResetUserPasswordByAdminStart",
    kind: "info",
    meaning: "An administrator's reset arrived.",
  },
  31010: {
    name: "ResetUserPasswordByAdminSuccess",
    kind: "info",
    meaning: "An administrator's reset was written to AD DS.",
  },
  31011: {
    name: "ResetUserPasswordByAdminFail",
    kind: "error",
    meaning: "An administrator's reset reached the server but AD DS refused it.",
    fix: AD_REFUSED_FIX,
  },
  31012: {
    name: "OffboardingEventStart",
    kind: "info",
    meaning: "Writeback was being turned off (offboarding started).",
  },
  31013: {
    name: "OffboardingEventSuccess",
    kind: "info",
    meaning: "Offboarding finished: writeback is off.",
  },
  31014: {
    name: "OffboardingEventFail",
    kind: "error",
    meaning: "Turning writeback off did not finish.",
    fix: "Check the rights of the admin accounts used in the Connect wizard and use a managed (not federated) Entra account, then try again.",
  },
  31015: {
    name: "WriteBackServiceStarted",
    kind: "info",
    meaning: "The writeback service started and accepts requests.",
  },
  31016: {
    name: "WriteBackServiceStopped",
    kind: "error",
    meaning: "The writeback service stopped: requests from the cloud fail until it starts again.",
    fix: "Restart the ADSync service (services.msc, Microsoft Azure AD Sync); if it does not come back, clear and tick Password writeback in the Connect wizard.",
  },
  31017: { name: "AuthTokenSuccess", kind: "info", meaning: "The wizard's admin account obtained a token." },
  31018: {
    name: "KeyPairCreationSuccess",
    kind: "info",
    meaning: "The password encryption key was created.",
  },
  31019: {
    name: "ServiceBusHeartBeat",
    kind: "info",
    meaning: "A request reached the tenant's Service Bus instance.",
  },
  31034: {
    name: "ServiceBusListenerError",
    kind: "error",
    meaning: "The server could not connect to the tenant's Service Bus listener.",
    fix: `${NETWORK_FIX} If the message says the remote certificate is invalid, install the root CAs Microsoft lists for Azure TLS.`,
  },
  31044: {
    name: "PasswordResetService",
    kind: "error",
    meaning: "Writeback is not working: one of the two Service Bus relay hosts is not running.",
    fix: NETWORK_FIX,
  },
  32000: {
    name: "UnknownError",
    kind: "error",
    meaning: "An unknown error happened during a password operation.",
    fix: `Read the event's text. ${RE_ENABLE}`,
  },
  32001: {
    name: "ServiceError",
    kind: "error",
    meaning: "The server could not reach the cloud password reset service.",
    fix: NETWORK_FIX,
  },
  32002: {
    name: "ServiceBusError",
    kind: "error",
    meaning: "The server could not connect to the tenant's Service Bus instance (often a firewall).",
    fix: NETWORK_FIX,
  },
  32003: {
    name: "InPutValidationError",
    kind: "error",
    meaning: "The web service received invalid input.",
    fix: "Try the operation again.",
  },
  32004: {
    name: "DecryptionError",
    kind: "error",
    meaning: "A password from the cloud could not be decrypted (key mismatch).",
    fix: RE_ENABLE,
  },
  32005: {
    name: "ConfigurationError",
    kind: "error",
    meaning: "The writeback configuration file could not be saved or read.",
    fix: RE_ENABLE,
  },
  32007: {
    name: "OnBoardingConfigUpdateError",
    kind: "error",
    meaning: "Onboarding data could not be written.",
    fix: RE_ENABLE,
  },
  32008: {
    name: "ValidationError",
    kind: "error",
    meaning: "The password reset web service answered with something invalid.",
    fix: RE_ENABLE,
  },
  32009: {
    name: "AuthTokenError",
    kind: "error",
    meaning:
      "No token for the Entra admin account given in the Connect wizard (wrong password, or a federated account).",
    fix: "Run the Connect wizard again with the right password of a managed (cloud-only or password-synchronised) admin account.",
  },
  32010: {
    name: "CryptoError",
    kind: "error",
    meaning: "The encryption key could not be made, or a password could not be decrypted.",
    fix: `Read the event's text. ${RE_ENABLE}`,
  },
  32011: {
    name: "OnBoardingServiceError",
    kind: "error",
    meaning: "Onboarding could not talk to the password reset web service.",
    fix: `${NETWORK_FIX} Use a managed (not federated) Entra admin account in the wizard.`,
  },
  32013: {
    name: "OffBoardingError",
    kind: "error",
    meaning: "Offboarding could not talk to the password reset web service.",
    fix: `${NETWORK_FIX} Use a managed (not federated) Entra admin account in the wizard.`,
  },
  32014: {
    name: "ServiceBusWarning",
    kind: "error",
    meaning:
      "Connecting to Service Bus needed retries; many of them point to a slow or unreliable network path.",
    fix: "Check the network path from the Connect server to Service Bus.",
  },
  32015: {
    name: "ReportServiceHealthError",
    kind: "error",
    meaning: "The five-minute health heartbeat could not be sent to the password reset web service.",
    fix: NETWORK_FIX,
  },
  33001: {
    name: "ADUnKnownError",
    kind: "error",
    meaning: "AD DS returned an unknown error.",
    fix: "Read the ADSync events next to it; reserved characters in an OU name can cause it.",
  },
  33002: {
    name: "ADUserNotFoundError",
    kind: "error",
    meaning: "The user was not found on-premises (deleted on-premises, or a sync problem).",
    fix: "Check the sync logs and the last sync runs.",
  },
  33003: {
    name: "ADMutliMatchError",
    kind: "error",
    meaning: "Two on-premises users share the same cloud anchor.",
    fix: "Check the sync logs and remove the duplicate anchor.",
  },
  33004: {
    name: "ADPermissionsError",
    kind: "error",
    meaning: "The connector account may not set this user's password, or the user has adminCount=1.",
    fix: "Grant Reset password to the connector account on every user in scope (Connector permissions step); protected users cannot be written back.",
  },
  33005: {
    name: "ADUserAccountDisabled",
    kind: "error",
    meaning: "The user is disabled on-premises.",
    fix: "Enable the account and try again.",
  },
  33006: {
    name: "ADUserAccountLockedOut",
    kind: "error",
    meaning: "The user is locked out on-premises.",
    fix: "Unlock the account and try again.",
  },
  33007: {
    name: "ADUserIncorrectPassword",
    kind: "error",
    meaning: "The user gave a wrong current password during a change.",
    fix: "The user types the right current password.",
  },
  33008: {
    name: "ADPasswordPolicyError",
    kind: "error",
    meaning: "The new password does not meet the domain's age, history, complexity or filter rules.",
    fix: "Choose another password; for testing set Minimum password age to 0 (Password policy step).",
  },
  33009: {
    name: "ADConfigurationError",
    kind: "error",
    meaning: "A configuration problem in AD DS stopped the write.",
    fix: "Read the ADSync events next to it for which error occurred.",
  },
};

// ms-fact: connect-adsync-event-ids
/** ADSync source events the troubleshooting page names for writeback. */
export const ADSYNC_EVENTS: Readonly<Record<number, EventMeaning>> = {
  6329: {
    name: "MMS error during a password set",
    kind: "error",
    meaning:
      "Setting the password in AD DS failed: the domain's policy refused it (0x80230619), a domain controller lacks the policy-hints control (MMS(3040)), or the forest was added after writeback was enabled (0x8023061f).",
    fix: "Read the event's text: policy (minimum age 0 for testing), domain controllers on Windows Server 2016 or later, or clear and tick Password writeback after forest changes.",
  },
  6800: {
    name: "Password writeback endpoint did not start",
    kind: "error",
    meaning: "The writeback endpoint failed to start when the sync service started.",
    fix: "Read the PasswordResetService events next to it, restart the ADSync service, and if it persists clear and tick Password writeback.",
  },
};

export function eventMeaning(providerName: string, id: number): EventMeaning | null {
  if (/^PasswordResetService$/i.test(providerName)) return PASSWORD_RESET_SERVICE_EVENTS[id] ?? null;
  if (/^ADSync$/i.test(providerName)) return ADSYNC_EVENTS[id] ?? null;
  return null;
}
