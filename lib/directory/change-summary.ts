// A planned change in one plain sentence, before the exact SDDL: "Adds 3 permissions for CONTOSO\MSOL_…: Reset
// password, Write lockoutTime, Write pwdLastSet on descendant user objects of DC=contoso,DC=test". Computed from the
// descriptors entry by entry (never from the SDDL text), so an owner or group that stays is no change. Pure.

import { formatRights } from "@/lib/ad/sddl";
import {
  CLASS_USER,
  describeGuid,
  LOCKOUT_TIME,
  PWD_LAST_SET,
  RESET_PASSWORD,
  UNEXPIRE_PASSWORD,
} from "@/lib/ad/schema";
import {
  ACCESS_DENIED_ACE_TYPE,
  ACCESS_DENIED_OBJECT_ACE_TYPE,
  CONTAINER_INHERIT_ACE,
  INHERIT_ONLY_ACE,
  INHERITED_ACE,
  isKnownAce,
  type Ace,
  type KnownAce,
  type SecurityDescriptor,
} from "@/lib/ad/security-descriptor";
import { type PlannedChange } from "./changes";

const RIGHT_WORDS: Record<string, string> = {
  [RESET_PASSWORD]: "Reset password",
  [LOCKOUT_TIME]: "Write lockoutTime",
  [PWD_LAST_SET]: "Write pwdLastSet",
  [UNEXPIRE_PASSWORD]: "Unexpire password",
};

/** The identity of an entry: everything that decides what it grants (inherited or not counts too). */
export function aceKey(ace: Ace): string {
  if (!isKnownAce(ace)) return `raw:${ace.type}:${ace.flags}:${Array.from(ace.raw).join(".")}`;
  return [
    ace.type,
    ace.flags,
    ace.mask >>> 0,
    ace.sid,
    ace.objectType ?? "",
    ace.inheritedObjectType ?? "",
  ].join("|");
}

/** Entries of `after` not in `before` (added) and of `before` not in `after` (removed), each list in its order. */
export function diffAces(
  before: SecurityDescriptor,
  after: SecurityDescriptor,
): { added: Ace[]; removed: Ace[] } {
  const b = before.dacl?.aces ?? [];
  const a = after.dacl?.aces ?? [];
  const count = (aces: readonly Ace[]) => {
    const m = new Map<string, number>();
    for (const ace of aces) m.set(aceKey(ace), (m.get(aceKey(ace)) ?? 0) + 1);
    return m;
  };
  const take = (aces: readonly Ace[], other: Map<string, number>) =>
    aces.filter((ace) => {
      const k = aceKey(ace);
      const left = other.get(k) ?? 0;
      if (left > 0) {
        other.set(k, left - 1);
        return false;
      }
      return true;
    });
  return { added: take(a, count(b)), removed: take(b, count(a)) };
}

/** "Reset password", "Write pwdLastSet", or for any other entry its rights and object ("Deny WP on member"). */
export function rightInWords(ace: KnownAce): string {
  const deny = ace.type === ACCESS_DENIED_ACE_TYPE || ace.type === ACCESS_DENIED_OBJECT_ACE_TYPE;
  const known = ace.objectType ? RIGHT_WORDS[ace.objectType] : undefined;
  if (known && !deny) return known;
  const rights = formatRights(ace.mask);
  return `${deny ? "Deny " : ""}${rights}${ace.objectType ? ` on ${describeGuid(ace.objectType)}` : ""}`;
}

/** Where an entry applies, in the words of the Advanced Security Settings dialog. */
export function appliesTo(ace: KnownAce, dn: string): string {
  const inheritable = (ace.flags & CONTAINER_INHERIT_ACE) !== 0;
  const only = (ace.flags & INHERIT_ONLY_ACE) !== 0;
  const target = ace.inheritedObjectType
    ? ace.inheritedObjectType === CLASS_USER
      ? "user objects"
      : `${describeGuid(ace.inheritedObjectType).replace(/^class /, "")} objects`
    : "objects";
  if (!inheritable) return dn;
  if (only) return `descendant ${target} of ${dn}`;
  return ace.inheritedObjectType
    ? `${dn} and its descendant ${target}`
    : `${dn} and all its descendant objects`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function listRights(aces: readonly KnownAce[]): string {
  return aces.map(rightInWords).join(", ");
}

/**
 * One sentence for a planned change, from the descriptor before and the predicted one after. `connector` names the
 * account the writeback entries are for.
 */
export function summarizeChange(
  change: PlannedChange,
  before: SecurityDescriptor | null,
  after: SecurityDescriptor | null,
  connector: { sid: string; name: string },
): string {
  if (change.kind === "clear-admincount")
    return `Clears adminCount on ${change.dn}, so SDProp stops resetting its permissions.`;
  if (!before || !after) return `Nothing to change on ${change.dn}: it is already in place.`;
  const { added, removed } = diffAces(before, after);
  const known = (aces: Ace[]) => aces.filter(isKnownAce);
  const explicit = (aces: KnownAce[]) => aces.filter((a) => !(a.flags & INHERITED_ACE));
  const mine = (aces: KnownAce[]) => aces.filter((a) => a.sid === connector.sid);
  switch (change.kind) {
    case "add-delegation":
    case "add-unexpire": {
      const grants = mine(explicit(known(added)));
      if (grants.length === 0) return `Nothing to change on ${change.dn}: it is already in place.`;
      return `Adds ${plural(grants.length, "permission")} for ${connector.name}: ${listRights(grants)} on ${appliesTo(grants[0]!, change.dn)}.`;
    }
    case "remove-delegation": {
      const gone = mine(explicit(known(removed)));
      if (gone.length === 0) return `Nothing to change on ${change.dn}: the entries are already gone.`;
      return `Removes ${plural(gone.length, "permission")} of ${connector.name}: ${listRights(gone)} on ${appliesTo(gone[0]!, change.dn)}.`;
    }
    case "enable-inheritance": {
      const inherited = known(added).filter((a) => (a.flags & INHERITED_ACE) !== 0);
      const forConnector = mine(inherited);
      const keeps = explicit(known(before.dacl?.aces ?? [])).length;
      return (
        `Turns permission inheritance back on for ${change.dn}: it receives ${plural(inherited.length, "permission")} from its parent` +
        (forConnector.length > 0 ? `, among them ${connector.name}'s ${listRights(forConnector)}` : "") +
        `; its own ${keeps === 1 ? "1 entry stays" : `${keeps} entries stay`}.`
      );
    }
  }
}
