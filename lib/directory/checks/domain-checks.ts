// Checks on each domain object and its neighbours (DOMAIN.md "AD DS permissions", "Password policy and domain
// controllers"): Unexpire Password for the connector, minimum password age and fine-grained policies, the
// domain controllers' versions and policy-hints control, and the informational samServer / Pre-Windows 2000 facts.
// Pure: inputs are what the port returned.

import { checkRights, type AccessToken } from "@/lib/ad/access-check";
import { mapGenericDs, GENERIC_READ } from "@/lib/ad/access-mask";
import { RIGHT_DS_READ_PROPERTY } from "@/lib/ad/access-mask";
import { WELL_KNOWN_SIDS } from "@/lib/ad/schema";
import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  ACCESS_DENIED_ACE_TYPE,
  ACCESS_DENIED_OBJECT_ACE_TYPE,
  INHERIT_ONLY_ACE,
  isKnownAce,
} from "@/lib/ad/security-descriptor";
import { shortDn } from "../dn";
import { POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID } from "../ldap-controls";
import { type DomainRecord } from "../port";
import { toModel } from "./sd";
import { type DirectoryFinding } from "./types";

const GPO_PATH =
  "Computer Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password Policy > Minimum password age";

/** Names for the SIDs an Unexpire Password entry is commonly given to; others are shown as their SID. */
const SID_NAMES: Record<string, string> = {
  [WELL_KNOWN_SIDS.AUTHENTICATED_USERS]: "Authenticated Users",
  [WELL_KNOWN_SIDS.EVERYONE]: "Everyone",
  [WELL_KNOWN_SIDS.NETWORK]: "Network",
  [WELL_KNOWN_SIDS.THIS_ORGANIZATION]: "This Organization",
  [WELL_KNOWN_SIDS.BUILTIN_USERS]: "Users",
  [WELL_KNOWN_SIDS.PRE_WINDOWS_2000_COMPATIBLE_ACCESS]: "Pre-Windows 2000 Compatible Access",
};

function trusteeName(sid: string, token: AccessToken): string {
  const name = SID_NAMES[sid];
  if (name) return `${name} (${sid})`;
  return token.groups.includes(sid) ? `the group ${sid}, which the connector is a member of` : sid;
}

/**
 * Unexpire Password is checked on the domain object itself, as effective rights (any entry of the connector's token
 * counts). Microsoft's tutorial asks for an entry for the connector there "if not already set"; when another entry
 * (for example one for Authenticated Users) already grants it, the step passes and says which entry, and the
 * tutorial's own entry becomes an optional change for admins who want their ACL to match the tutorial.
 */
// ms-fact: unexpire-password-tutorial-entry
export function checkUnexpire(domain: DomainRecord, token: AccessToken): DirectoryFinding[] {
  const model = toModel(domain.sd, domain.sid);
  const decision = checkRights(model, token, "domainDNS", { domainSid: domain.sid }).unexpirePassword;
  if (decision.granted) {
    const ace = decision.decidingAce ? model.dacl?.aces[decision.decidingAce.index] : undefined;
    const sid = ace && isKnownAce(ace) ? ace.sid : null;
    // The connector's own entry is what the tutorial asks for: nothing to say.
    if (sid === null || sid === token.principal) return [];
    return [
      {
        code: "unexpire-from-other-entry",
        severity: "info",
        dn: domain.dn,
        reason: `The connector holds Unexpire Password on the domain object through the entry for ${trusteeName(sid, token)}, not an entry of its own: ${decision.decidingAce!.sddl}. The wizard judges effective rights, so writeback has what it needs. Microsoft's tutorial asks for an entry for the connector account itself (This object and all descendant objects) only if the right is not already set, so that entry is optional here.`,
        remediation:
          "Nothing is required. If you want the ACL to match the tutorial, or plan to remove the other entry, add the connector's own entry: the fix offers it as an optional change.",
        anchor: domain.dn,
      },
    ];
  }
  return [
    {
      code: "unexpire-missing",
      severity: "error",
      dn: domain.dn,
      reason: `The connector does not hold Unexpire Password on the domain object: ${decision.reason}.`,
      remediation:
        "Grant the connector Unexpire Password on the domain object (Applies to: This object and all descendant objects, as Microsoft's tutorial does), or let the fix add it; look for a deny entry, or a removed entry (such as one for Authenticated Users) that used to grant it.",
      anchor: domain.dn,
    },
  ];
}

/** Days from a negative 100 ns tick count ("-864000000000" is one day). */
export function ticksToDays(ticks: string): number {
  const n = Number(ticks);
  return Math.abs(n) / 864_000_000_000;
}

export interface PsoScope {
  /** In-scope users the policy applies to; null when the wizard cannot tell. */
  affected: number | null;
}

export function checkPasswordPolicy(
  domain: DomainRecord,
  psoScope: ReadonlyMap<string, PsoScope>,
): DirectoryFinding[] {
  const out: DirectoryFinding[] = [];
  if (domain.minPwdAge === null) {
    out.push({
      code: "min-password-age",
      severity: "warning",
      dn: domain.dn,
      reason: "The domain's minPwdAge could not be read.",
      remediation: `Check ${GPO_PATH} in the Default Domain Policy.`,
      anchor: domain.dn,
    });
  } else if (Number(domain.minPwdAge) !== 0) {
    const days = ticksToDays(domain.minPwdAge);
    out.push({
      code: "min-password-age",
      severity: "error",
      dn: domain.dn,
      reason: `The domain's minimum password age is ${formatDays(days)}: after one reset, a second one the same ${days >= 1 ? "day" : "period"} is refused (event 33008, 0x80230619).`,
      remediation: `Set ${GPO_PATH} to 0 days in the policy linked to the domain, then run gpupdate /force on a domain controller.`,
      anchor: domain.dn,
    });
  }
  // A policy the wizard cannot read cannot be called clean: an unreadable policy that may apply to an in-scope user
  // is an error, so the step cannot pass on it; the admin grants read or checks it by hand (and may attest).
  if (domain.passwordSettingsObjects === null) {
    out.push({
      code: "fgpp-unreadable",
      severity: "error",
      dn: `CN=Password Settings Container,CN=System,${domain.dn}`,
      reason:
        "The wizard's account cannot list the fine-grained password policies, so it cannot tell whether one with a minimum age above 0 applies to some users; the password policy is not verified until it can.",
      remediation:
        "Give the wizard's account Read on the Password Settings Container and check again, or check the policies by hand with Get-ADFineGrainedPasswordPolicy -Filter * and attest the step.",
      anchor: domain.dn,
    });
    return out;
  }
  for (const pso of domain.passwordSettingsObjects) {
    if (pso.minPwdAge === null) {
      const affected = psoScope.get(pso.dn)?.affected ?? null;
      const name = shortDn(pso.dn);
      if (affected === 0) {
        out.push({
          code: "fgpp-unreadable",
          severity: "info",
          dn: pso.dn,
          reason: `The wizard's account cannot read the minimum age of ${name}, but the policy applies to no in-scope user (${pso.appliesTo.map(shortDn).join(", ")}).`,
          remediation: "Nothing to do unless its groups change.",
          anchor: pso.dn,
        });
        continue;
      }
      out.push({
        code: "fgpp-unreadable",
        severity: "error",
        dn: pso.dn,
        reason: `The wizard's account cannot read the settings of the fine-grained policy ${name} (by default only administrators may), so it cannot tell whether its minimum password age keeps a second reset from working; the password policy is not verified until it can.`,
        remediation: `Grant the wizard's account Read on ${name} (or on the Password Settings Container) and check again, or check it by hand with Get-ADFineGrainedPasswordPolicy -Identity '${pso.dn}' (MinPasswordAge must be 0) and attest the step.`,
        anchor: pso.dn,
      });
      continue;
    }
    if (Number(pso.minPwdAge) === 0) continue;
    const scope = psoScope.get(pso.dn);
    const affected = scope?.affected ?? null;
    if (affected === 0) {
      out.push({
        code: "fgpp-out-of-scope",
        severity: "info",
        dn: pso.dn,
        reason: `${shortDn(pso.dn)} has a minimum age of ${formatDays(ticksToDays(pso.minPwdAge))} but applies to no in-scope user.`,
        remediation: "Nothing to do unless its groups change.",
        anchor: pso.dn,
      });
      continue;
    }
    const targets =
      pso.appliesTo.length > 0 ? pso.appliesTo.map(shortDn).join(", ") : "no group (it applies to nobody)";
    out.push({
      code: "min-password-age",
      severity: affected === null && pso.appliesTo.length === 0 ? "info" : "error",
      dn: pso.dn,
      reason: `The fine-grained policy ${shortDn(pso.dn)} sets a minimum password age of ${formatDays(ticksToDays(pso.minPwdAge))} for ${targets}${affected !== null ? `, which includes ${affected} in-scope user${affected === 1 ? "" : "s"}` : ""}; it overrides the domain policy for them.`,
      remediation: `Set msDS-MinimumPasswordAge to 0 on it (Set-ADFineGrainedPasswordPolicy -Identity '${pso.dn}' -MinPasswordAge 0).`,
      anchor: pso.dn,
    });
  }
  return out;
}

/** "1 day", "2.5 days", "90 minutes"; "0 days" for none. */
export function formatDays(days: number): string {
  if (days === 0) return "0 days";
  if (days >= 1) return `${Number(days.toFixed(2))} day${days === 1 ? "" : "s"}`;
  return `${Math.round(days * 24 * 60)} minutes`;
}

/** "10.0 (17763)" -> [10, 0]; null when unparseable. */
export function parseOsVersion(version: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(version?.trim() ?? "");
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function checkDomainControllers(domain: DomainRecord): DirectoryFinding[] {
  const out: DirectoryFinding[] = [];
  const hasHints = (controls: readonly string[]): boolean =>
    controls.includes(POLICY_HINTS_OID) || controls.includes(POLICY_HINTS_DEPRECATED_OID);
  let anyKnownControls = false;
  for (const dc of domain.domainControllers) {
    const name = dc.dnsHostName ?? shortDn(dc.dn);
    const os = dc.operatingSystem?.trim() ?? "";
    if (os === "" || !/windows/i.test(os)) {
      out.push({
        code: "dc-os-unknown",
        severity: "warning",
        dn: dc.dn,
        reason:
          os === ""
            ? `${name} does not say which operating system it runs.`
            : `${name} reports "${os}${dc.operatingSystemVersion ? ` ${dc.operatingSystemVersion}` : ""}", which is not Windows Server: its operating system says nothing about the password-policy hints control writeback needs.`,
        // ms-fact: dc-supported-windows-server
        remediation:
          "Make sure every domain controller the Connect server may contact runs a supported Windows Server version and offers the password-policy hints control (read from its rootDSE where the wizard can reach it).",
        anchor: dc.dn,
      });
    } else {
      const version = parseOsVersion(dc.operatingSystemVersion);
      if (version && version[0] < 10) {
        out.push({
          code: "dc-os-old",
          severity: "error",
          dn: dc.dn,
          // ms-fact: dc-supported-windows-server
          reason: `${name} runs ${os} (${dc.operatingSystemVersion}), older than Windows Server 2016: Microsoft's writeback tutorial asks for a supported Windows Server version, and its troubleshooting page names 2016 and later as the versions that offer the password-policy hints control.`,
          remediation: "Upgrade or retire this domain controller, or keep the Connect server from using it.",
          anchor: dc.dn,
        });
      }
    }
    if (dc.supportedControl) {
      anyKnownControls = true;
      if (!hasHints(dc.supportedControl)) out.push(hintsFinding(dc.dn, name));
    } else if (dc.supportedControlError) {
      const version = parseOsVersion(dc.operatingSystemVersion);
      const judged =
        version && version[0] >= 10 && /windows/i.test(os)
          ? `so it is judged by its operating system instead: ${os} ${dc.operatingSystemVersion} offers the policy-hints control.`
          : "and its operating system does not settle the question either (see the other findings for this DC).";
      out.push({
        code: "dc-controls-unread",
        severity: "info",
        dn: dc.dn,
        reason: `The wizard could not read the rootDSE of ${name} (${dc.supportedControlError.replace(/\.$/, "")}), ${judged}`,
        remediation: `To have it checked directly, let this server reach ${name} over LDAPS (636) with the same CA, or collect a snapshot on a machine that can.`,
        anchor: dc.dn,
      });
    }
  }
  if (!anyKnownControls && domain.supportedControl.length > 0 && !hasHints(domain.supportedControl)) {
    out.push(hintsFinding(domain.dn, `The domain controller that was read for ${domain.dnsName}`));
  }
  return out;
}

function hintsFinding(dn: string, name: string): DirectoryFinding {
  return {
    code: "dc-policy-hints-unsupported",
    severity: "error",
    dn,
    reason: `${name} does not offer the LDAP password-policy hints control (${POLICY_HINTS_OID}, nor the older ${POLICY_HINTS_DEPRECATED_OID}) in its rootDSE supportedControl; writeback through it fails with MMS(3040) (event 6329).`,
    // ms-fact: dc-policy-hints-control
    remediation:
      "Let the Connect server reach only domain controllers that offer this control (Microsoft's troubleshooting page names Windows Server 2016 and later); Samba domain controllers do not offer it.",
    anchor: dn,
  };
}

/** Read access of the connector to samServer (CN=Server,CN=System): first matching ACE with RP, whole-object. */
export function checkSamServer(domain: DomainRecord, token: AccessToken): DirectoryFinding[] {
  const dn = `CN=Server,CN=System,${domain.dn}`;
  if (!domain.samServerSd) {
    return [
      {
        code: "samserver-read",
        severity: "info",
        dn,
        reason:
          "The samServer object's permissions could not be read, so read access of the connector is unknown.",
        remediation: "Nothing to do unless writeback fails with SSPR_0029.",
        anchor: dn,
      },
    ];
  }
  const sd = toModel(domain.samServerSd, domain.sid);
  let verdict: boolean | null = null;
  for (const ace of sd.dacl?.aces ?? []) {
    if (!isKnownAce(ace) || ace.flags & INHERIT_ONLY_ACE || ace.objectType) continue;
    if (!(mapGenericDs(ace.mask) & RIGHT_DS_READ_PROPERTY) && !(ace.mask & GENERIC_READ)) continue;
    if (!token.sids.has(ace.sid)) continue;
    if (ace.type === ACCESS_DENIED_ACE_TYPE || ace.type === ACCESS_DENIED_OBJECT_ACE_TYPE) verdict = false;
    else if (ace.type === ACCESS_ALLOWED_ACE_TYPE || ace.type === ACCESS_ALLOWED_OBJECT_ACE_TYPE)
      verdict = true;
    if (verdict !== null) break;
  }
  return [
    verdict
      ? {
          code: "samserver-read",
          severity: "info",
          dn,
          reason: "The connector can read the samServer object (needed to read the domain password policy).",
          remediation: "Nothing to do.",
          anchor: dn,
        }
      : {
          code: "samserver-read",
          severity: "warning",
          dn,
          reason:
            "No entry lets the connector read the samServer object; reading the domain password policy may fail (SSPR_0029).",
          remediation: "Restore Read for Authenticated Users (or the connector) on CN=Server,CN=System.",
          anchor: dn,
        },
  ];
}

export function checkPreWindows2000(domain: DomainRecord): DirectoryFinding[] {
  const dn = `CN=Pre-Windows 2000 Compatible Access,CN=Builtin,${domain.dn}`;
  if (domain.preWindows2000Members === null) return [];
  const au = domain.preWindows2000Members.includes(WELL_KNOWN_SIDS.AUTHENTICATED_USERS);
  return [
    {
      code: "pre-windows-2000-access",
      severity: "info",
      dn,
      reason: au
        ? "Authenticated Users is a member of Pre-Windows 2000 Compatible Access (the default on upgraded domains), which gives every account broad read access."
        : "Authenticated Users is not a member of Pre-Windows 2000 Compatible Access; the connector then needs read access granted explicitly where it reads.",
      remediation: au
        ? "Nothing to do for writeback."
        : "If writeback fails with access errors, check the connector's read permissions.",
      anchor: dn,
    },
  ];
}
