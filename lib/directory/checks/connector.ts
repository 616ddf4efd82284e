// Which account is the Connect AD DS connector (DOMAIN.md: usually MSOL_<hex>, named in the Connect configuration as
// forest-login-user; for cloud sync a gMSA). Configuration wins; otherwise candidates found in the directory must be
// confirmed by the admin (a wrong guess would make every later verdict about the wrong account).

import { sameDn } from "../dn";
import { type AccountRecord } from "../port";
import { type DirectoryFinding } from "./types";

export interface ConnectorDecision {
  account: AccountRecord | null;
  how: "configured" | "confirmed" | "single-candidate" | null;
  candidates: AccountRecord[];
  findings: DirectoryFinding[];
}

// ms-fact: cloud-sync-default-gmsa
/** The sAMAccountName prefix of the gMSA the provisioning agent's installer creates (domain\\provAgentgMSA$). */
export const DEFAULT_CLOUD_SYNC_GMSA = "provAgentgMSA";

/**
 * Whether the account is a group managed service account: by its class when the source says (LDAP, newer
 * snapshots), else by the trailing "$" every gMSA's sAMAccountName has (an older snapshot names no class). A gMSA
 * is how cloud sync's provisioning agent runs, default (provAgentgMSA$) or custom; its rights are judged exactly
 * like an MSOL_ account's.
 */
export function isGroupManagedServiceAccount(
  a: Pick<AccountRecord, "objectClass" | "sAMAccountName">,
): boolean {
  if (a.objectClass.length > 0)
    return a.objectClass.some((c) => c.toLowerCase() === "msds-groupmanagedserviceaccount");
  return (a.sAMAccountName ?? "").endsWith("$");
}

export function describeAccount(a: AccountRecord): string {
  return a.name ?? a.sAMAccountName ?? a.dn;
}

/**
 * `configured`: the account named in server configuration or on the command line (already looked up; null when
 * the lookup found nothing). `confirmedDn`: what the admin confirmed for this run. `strict`: an unconfirmed single
 * candidate is an error (the prerequisites step asks for the confirmation) rather than a note.
 */
export function decideConnector(input: {
  configuredName: string | null;
  configured: AccountRecord | null;
  confirmedDn: string | null;
  candidates: AccountRecord[];
  domainDn: string;
  strict: boolean;
}): ConnectorDecision {
  const { candidates, domainDn } = input;
  if (input.configuredName !== null) {
    if (input.configured) return { account: input.configured, how: "configured", candidates, findings: [] };
    return {
      account: null,
      how: null,
      candidates,
      findings: [
        {
          code: "connector-not-found",
          severity: "error",
          dn: domainDn,
          reason: `The configured connector account "${input.configuredName}" does not exist in ${domainDn}.`,
          remediation:
            "Run Get-ADSyncADConnectorAccount on the Connect server and configure exactly that account (DN, DOMAIN\\name or name).",
          anchor: domainDn,
        },
      ],
    };
  }
  if (input.confirmedDn) {
    const confirmed = candidates.find((c) => sameDn(c.dn, input.confirmedDn as string)) ?? null;
    if (confirmed) return { account: confirmed, how: "confirmed", candidates, findings: [] };
  }
  if (candidates.length === 0) {
    return {
      account: null,
      how: null,
      candidates,
      findings: [
        {
          code: "connector-not-found",
          severity: "error",
          dn: domainDn,
          reason:
            "No account looks like a Connect connector account (no MSOL_ account, no account described as created by Connect, no cloud sync gMSA).",
          remediation:
            "Run Get-ADSyncADConnectorAccount on the Connect server and name that account in the wizard's configuration.",
          anchor: domainDn,
        },
      ],
    };
  }
  if (candidates.length > 1) {
    return {
      account: null,
      how: null,
      candidates,
      findings: [
        {
          code: "connector-ambiguous",
          severity: "error",
          dn: domainDn,
          reason: `Several accounts could be the connector: ${candidates.map(describeAccount).join(", ")}.`,
          remediation: "Confirm the one Get-ADSyncADConnectorAccount shows on the Connect server.",
          anchor: domainDn,
        },
      ],
    };
  }
  const only = candidates[0] as AccountRecord;
  return {
    account: only,
    how: "single-candidate",
    candidates,
    findings: [
      {
        code: "connector-unconfirmed",
        severity: input.strict ? "error" : "info",
        dn: only.dn,
        reason: `The wizard found one likely connector account, ${describeAccount(only)}${only.description ? ` (“${only.description}”)` : ""}, and uses it${input.strict ? ", but you have not confirmed it yet" : ""}.`,
        remediation: "Confirm it is the account Get-ADSyncADConnectorAccount shows on the Connect server.",
        anchor: only.dn,
      },
    ],
  };
}
