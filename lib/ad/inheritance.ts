// ACE inheritance from a parent to a new or re-propagated child (MS-DTYP 2.5.3.4 ComputeACL /
// ComputeInheritedACLfromParent; Windows "ACE Inheritance Rules"), so the wizard can show what a delegation on an
// OU or the domain root will do to the users below it before anyone applies it.
//
// Rules, per parent ACE:
// - It reaches a container child through CONTAINER_INHERIT, a leaf child through OBJECT_INHERIT. A container also
//   keeps an OBJECT_INHERIT-only ACE as inherit-only, for its own leaf children. Every AD object is a container
//   for this purpose (CI ACEs such as Microsoft's "/I:S" delegation reach users), so pass isContainer: true for
//   directory objects; false exists for completeness.
// - An object ACE with an InheritedObjectType reaches only children of exactly that class (the structural class:
//   a user-only ACE does not take effect on computer or inetOrgPerson objects; see access-check.ts). For other
//   children it is kept inherit-only so it can go on to grandchildren.
// - NO_PROPAGATE_INHERIT: the child gets an effective copy with the inheritance flags cleared, nothing further.
//   A leaf child likewise gets only an effective copy (it has no children to pass anything to).
// - A copy that takes effect on the child and carries generic rights or CREATOR OWNER / CREATOR GROUP becomes two
//   ACEs (MS-DTYP 2.5.3.4): an effective one with DS-mapped rights and the child's owner/group substituted (when
//   known), and the original kept inherit-only for descendants.
// - Copies carry INHERITED_ACE. A protected child (SE_DACL_PROTECTED / SE_SACL_PROTECTED) inherits nothing.
// Samba additionally drops InheritedObjectType from the expanded copy and turns an object ACE without ObjectType
// into a plain one there; that changes the SDDL text, not the access-check result.

import { hasGenericBits, mapGenericDs } from "./access-mask";
import { classGuid, WELL_KNOWN_SIDS } from "./schema";
import {
  aclRevisionFor,
  CONTAINER_INHERIT_ACE,
  FAILED_ACCESS_ACE_FLAG,
  INHERIT_ONLY_ACE,
  INHERITED_ACE,
  isKnownAce,
  isObjectAceType,
  NO_PROPAGATE_INHERIT_ACE,
  OBJECT_INHERIT_ACE,
  SE_DACL_AUTO_INHERITED,
  SE_DACL_PRESENT,
  SE_DACL_PROTECTED,
  SE_SACL_AUTO_INHERITED,
  SE_SACL_PRESENT,
  SE_SACL_PROTECTED,
  SE_SELF_RELATIVE,
  SUCCESSFUL_ACCESS_ACE_FLAG,
  type Ace,
  type Acl,
  type KnownAce,
  type SecurityDescriptor,
} from "./security-descriptor";

export interface ChildObject {
  /** lDAPDisplayName of the child's structural class ("user", "organizationalUnit", …) or its GUID. */
  objectClass: string;
  isContainer: boolean;
  /** Substituted for CREATOR OWNER in effective copies; when absent, S-1-3-0 is left as is. */
  owner?: string | null;
  /** Substituted for CREATOR GROUP in effective copies. */
  group?: string | null;
}

const INHERIT_FLAGS =
  OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | NO_PROPAGATE_INHERIT_ACE | INHERIT_ONLY_ACE;
const AUDIT_FLAGS = SUCCESSFUL_ACCESS_ACE_FLAG | FAILED_ACCESS_ACE_FLAG;

function copyAce(ace: Ace, flags: number): Ace {
  if (!isKnownAce(ace)) return { type: ace.type, flags, raw: ace.raw.slice() };
  const copy: KnownAce = { ...ace, flags };
  if (ace.applicationData) copy.applicationData = ace.applicationData.slice();
  return copy;
}

function needsExpansion(ace: KnownAce): boolean {
  return (
    hasGenericBits(ace.mask) ||
    ace.sid === WELL_KNOWN_SIDS.CREATOR_OWNER ||
    ace.sid === WELL_KNOWN_SIDS.CREATOR_GROUP
  );
}

/** The effective copy of an ACE on the child: generic rights mapped, creator SIDs substituted, no inheritance. */
function expandedCopy(ace: KnownAce, child: ChildObject): KnownAce {
  const copy = copyAce(ace, (ace.flags & AUDIT_FLAGS) | INHERITED_ACE) as KnownAce;
  copy.mask = mapGenericDs(ace.mask);
  if (ace.sid === WELL_KNOWN_SIDS.CREATOR_OWNER && child.owner) copy.sid = child.owner;
  if (ace.sid === WELL_KNOWN_SIDS.CREATOR_GROUP && child.group) copy.sid = child.group;
  return copy;
}

/** The ACEs a child inherits from one parent ACL (DACL or SACL), in parent order. */
export function inheritedAclAces(parentAcl: Acl | null, child: ChildObject): Ace[] {
  if (!parentAcl) return [];
  const cls = classGuid(child.objectClass);
  const out: Ace[] = [];
  for (const ace of parentAcl.aces) {
    const f = ace.flags;
    let applies = child.isContainer ? (f & CONTAINER_INHERIT_ACE) !== 0 : (f & OBJECT_INHERIT_ACE) !== 0;
    // Not for this child and not passed on to leaf grandchildren either: not inherited at all.
    if (!applies && !(child.isContainer && f & OBJECT_INHERIT_ACE)) continue;
    if (
      isKnownAce(ace) &&
      isObjectAceType(ace.type) &&
      ace.inheritedObjectType &&
      ace.inheritedObjectType !== cls
    ) {
      applies = false;
    }
    // NO_PROPAGATE_INHERIT, or a leaf child that has nothing to pass on to: one effective copy, no inheritance
    // flags (a file inheriting an OI ACE shows just "ID").
    if (f & NO_PROPAGATE_INHERIT_ACE || !child.isContainer) {
      if (!applies) continue;
      const effective =
        isKnownAce(ace) && needsExpansion(ace)
          ? expandedCopy(ace, child)
          : copyAce(ace, (f & ~INHERIT_FLAGS) | INHERITED_ACE);
      out.push(effective);
      continue;
    }
    if (!applies) {
      out.push(copyAce(ace, f | INHERITED_ACE | INHERIT_ONLY_ACE));
      continue;
    }
    if (isKnownAce(ace) && needsExpansion(ace)) {
      out.push(expandedCopy(ace, child));
      out.push(copyAce(ace, f | INHERITED_ACE | INHERIT_ONLY_ACE));
      continue;
    }
    out.push(copyAce(ace, (f | INHERITED_ACE) & ~INHERIT_ONLY_ACE));
  }
  return out;
}

/**
 * The DACL ACEs a child inherits from `parent` (nothing when the parent has no DACL). Does not look at the
 * child's own protection: computeChildSecurityDescriptor does.
 */
export function inheritedAces(parent: SecurityDescriptor, child: ChildObject): Ace[] {
  if (!(parent.control & SE_DACL_PRESENT)) return [];
  return inheritedAclAces(parent.dacl, child);
}

function explicitAces(acl: Acl | null, isProtected: boolean): Ace[] {
  if (!acl) return [];
  const out: Ace[] = [];
  for (const ace of acl.aces) {
    if (ace.flags & INHERITED_ACE) {
      // A protected descriptor keeps what it was given, now as its own ACEs (as a DC does when inheritance is
      // turned off with "convert"); otherwise inherited ACEs are recomputed from the parent.
      if (isProtected) out.push(copyAce(ace, ace.flags & ~INHERITED_ACE));
      continue;
    }
    // Inherit-only without anything to inherit to is dead weight; a DC drops it (MS-DTYP 2.5.3.4).
    if (ace.flags & INHERIT_ONLY_ACE && !(ace.flags & (CONTAINER_INHERIT_ACE | OBJECT_INHERIT_ACE))) continue;
    out.push(copyAce(ace, ace.flags));
  }
  return out;
}

/**
 * The descriptor a child ends up with: its explicit ACEs first, then what it inherits from `parent` — unless the
 * child's descriptor is protected (D:P / S:P), in which case it keeps only its own ACEs. Owner and group come
 * from `childExplicit` and are substituted for CREATOR OWNER / CREATOR GROUP.
 */
export function computeChildSecurityDescriptor(
  parent: SecurityDescriptor,
  childExplicit: SecurityDescriptor,
  child: { objectClass: string; isContainer: boolean },
): SecurityDescriptor {
  const who: ChildObject = { ...child, owner: childExplicit.owner, group: childExplicit.group };
  const daclProtected = (childExplicit.control & SE_DACL_PROTECTED) !== 0;
  const saclProtected = (childExplicit.control & SE_SACL_PROTECTED) !== 0;
  const daclAces = [
    ...explicitAces(childExplicit.dacl, daclProtected),
    ...(daclProtected ? [] : inheritedAces(parent, who)),
  ];
  const saclAces = [
    ...explicitAces(childExplicit.sacl, saclProtected),
    ...(saclProtected || !(parent.control & SE_SACL_PRESENT) ? [] : inheritedAclAces(parent.sacl, who)),
  ];
  const keepBits = childExplicit.control & (SE_DACL_PROTECTED | SE_SACL_PROTECTED);
  let control = SE_SELF_RELATIVE | keepBits | SE_DACL_PRESENT | SE_DACL_AUTO_INHERITED;
  const hasSacl = (childExplicit.control & SE_SACL_PRESENT) !== 0 || saclAces.length > 0;
  if (hasSacl) control |= SE_SACL_PRESENT | SE_SACL_AUTO_INHERITED;
  return {
    revision: 1,
    sbz1: 0,
    control,
    owner: childExplicit.owner,
    group: childExplicit.group,
    dacl: { revision: aclRevisionFor(daclAces), aces: daclAces },
    sacl: hasSacl ? { revision: aclRevisionFor(saclAces), aces: saclAces } : null,
  };
}
