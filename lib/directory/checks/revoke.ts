// The clean-up check (ARCHITECTURE.md: revoke-connector-permissions, least privilege): the explicit entries that
// delegate Reset Password, Write lockoutTime or Write pwdLastSet to the connector itself must be gone from the
// domain roots and OUs. Rights the connector still has through groups or broader grants are reported separately.

import { mapGenericDs, RIGHT_DS_CONTROL_ACCESS, RIGHT_DS_WRITE_PROPERTY } from "@/lib/ad/access-mask";
import { LOCKOUT_TIME, PWD_LAST_SET, RESET_PASSWORD, USER_ACCOUNT_RESTRICTIONS } from "@/lib/ad/schema";
import { formatAce } from "@/lib/ad/sddl";
import {
  ACCESS_ALLOWED_ACE_TYPE,
  ACCESS_ALLOWED_OBJECT_ACE_TYPE,
  INHERITED_ACE,
  isKnownAce,
  type KnownAce,
  type SecurityDescriptor,
} from "@/lib/ad/security-descriptor";
import { type DirectoryFinding } from "./types";

/** True for an explicit allow entry for `sid` that grants one of the three delegated user rights. */
export function isWritebackGrant(ace: KnownAce, sid: string): boolean {
  if (ace.sid !== sid || ace.flags & INHERITED_ACE) return false;
  if (ace.type !== ACCESS_ALLOWED_ACE_TYPE && ace.type !== ACCESS_ALLOWED_OBJECT_ACE_TYPE) return false;
  const mask = mapGenericDs(ace.mask);
  const type = ace.objectType ?? null;
  if (mask & RIGHT_DS_CONTROL_ACCESS && (type === null || type === RESET_PASSWORD)) return true;
  return (
    (mask & RIGHT_DS_WRITE_PROPERTY) !== 0 &&
    (type === null || type === LOCKOUT_TIME || type === PWD_LAST_SET || type === USER_ACCOUNT_RESTRICTIONS)
  );
}

export function checkDelegationRemoved(
  objects: readonly { dn: string; sd: SecurityDescriptor }[],
  connectorSid: string,
  domainSid: string,
): DirectoryFinding[] {
  const out: DirectoryFinding[] = [];
  for (const { dn, sd } of objects) {
    const grants = (sd.dacl?.aces ?? []).filter(
      (a): a is KnownAce => isKnownAce(a) && isWritebackGrant(a, connectorSid),
    );
    if (grants.length === 0) continue;
    out.push({
      code: "delegation-still-present",
      severity: "error",
      dn,
      reason: `${grants.length} explicit entr${grants.length === 1 ? "y" : "ies"} still delegate writeback rights to the connector here: ${grants.map((a) => formatAce(a, { domainSid })).join(" ")}.`,
      remediation:
        "Remove exactly these entries (the clean-up script or the wizard's revoke does that, and nothing else).",
      anchor: dn,
    });
  }
  return out;
}
