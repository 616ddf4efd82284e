import "server-only";
import { ApiError } from "./api-error";
import { type LinkGrant } from "./link-grants";
import { type ShareLinkRecord } from "./share-links-repository";
import { actorName, type Session } from "./session";
import { getStores } from "./stores";

// Who may do what on a run. The owner is the session that created it; anyone else gets in only through a share
// link this browser opened (a grant in the link cookie), re-checked against the database on every request.

export type RunRole = "owner" | "edit" | "view";

export interface RunAccess {
  role: RunRole;
  /** How this person appears in the timeline. */
  actor: string;
  /** The link that grants access; null for the owner. */
  link: { id: string; label: string } | null;
}

/** A session plus the share-link grants its browser holds. */
export interface Principal {
  session: Session;
  grants: readonly LinkGrant[];
}

/** Callers that only know a session (older code, other features) get owner-only access. */
export type Who = Session | Principal;

export function toPrincipal(who: Who): Principal {
  return "session" in who ? who : { session: who, grants: [] };
}

const RANK: Record<RunRole, number> = { view: 1, edit: 2, owner: 3 };

export function roleAllows(role: RunRole, need: RunRole): boolean {
  return RANK[role] >= RANK[need];
}

/** Whether a link grants anything right now. */
export function linkIsLive(link: ShareLinkRecord, now: Date): boolean {
  return link.revokedAt === null && Date.parse(link.expiresAt) > now.getTime();
}

/** The timeline name of a person using a link: the name they gave, else the link's label. */
export function linkActor(session: Session, label: string): string {
  return session.name ? `${session.name} (via link “${label}”)` : `${label} (via link)`;
}

/**
 * Pure: the access a principal has to a run, given the link its grant for that run points to (already read
 * from the database). Ownership wins over any link; a link only ever grants its own run.
 */
export function decideAccess(
  principal: Principal,
  run: { id: string; ownerId: string },
  link: ShareLinkRecord | null,
  now: Date,
): RunAccess | null {
  if (run.ownerId === principal.session.id) {
    return { role: "owner", actor: actorName(principal.session), link: null };
  }
  if (!link || link.runId !== run.id || !linkIsLive(link, now)) return null;
  return {
    role: link.role,
    actor: linkActor(principal.session, link.label),
    link: { id: link.id, label: link.label },
  };
}

/** The grant this principal holds for a run, if any. */
export function grantFor(principal: Principal, runId: string): LinkGrant | undefined {
  return principal.grants.find((grant) => grant.runId === runId);
}

/** Reads the link behind the principal's grant (if any) and decides. Null: no access (answer 404). */
export async function resolveRunAccess(
  who: Who,
  run: { id: string; ownerId: string },
  now: Date = new Date(),
): Promise<RunAccess | null> {
  const principal = toPrincipal(who);
  if (run.ownerId === principal.session.id) return decideAccess(principal, run, null, now);
  const grant = grantFor(principal, run.id);
  if (!grant) return null;
  const { links } = await getStores();
  return decideAccess(principal, run, await links.get(grant.linkId), now);
}

/** Refuses (403) an action the role does not cover. No access at all is the caller's 404. */
export function requireRole(access: RunAccess, need: RunRole): void {
  if (roleAllows(access.role, need)) return;
  if (need === "owner") {
    throw new ApiError(
      "forbidden",
      "Only the person who started this run can create, list or revoke its share links.",
    );
  }
  throw new ApiError(
    "forbidden",
    "This share link lets you look at the run, not change it. Ask the person who shared it for an edit link.",
  );
}
