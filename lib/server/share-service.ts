import "server-only";
import { z } from "zod";
import { type ShareLinkStatus, type ShareLinkView } from "@/lib/contract/share";
import { formatDateTime } from "@/lib/format";
import { stepIdSchema } from "@/lib/steps/schema";
import { applyRunChanges } from "@/lib/steps/run-changes";
import { linkIsLive, type Principal, type Who } from "./access";
import { ApiError } from "./api-error";
import { type LinkGrant } from "./link-grants";
import { shareGuessLimiter } from "./rate-limit";
import { authorizeRun, commitRunChange, getRepository } from "./runs-service";
import { type ShareLinkRecord } from "./share-links-repository";
import { hashShareToken, newShareLinkId, newShareToken, SHARE_TOKEN_PATTERN } from "./share-tokens";
import { getStores } from "./stores";

// Share links: create, list and revoke (owner only), and open (anyone holding a token). The token leaves the
// server exactly once, in the answer to "create"; from then on only its hash exists here.

export const DEFAULT_EXPIRY_DAYS = 7;
export const MAX_EXPIRY_DAYS = 90;

export const shareLinkCreateSchema = z
  .object({
    role: z.enum(["view", "edit"]),
    label: z.string().trim().min(1, "give the link a label, such as “domain admin”").max(60),
    expiresInDays: z
      .number()
      .int("must be a whole number of days")
      .min(1, "must be at least 1 day")
      .max(MAX_EXPIRY_DAYS, `must be at most ${MAX_EXPIRY_DAYS} days`)
      .default(DEFAULT_EXPIRY_DAYS),
    /** Steps handed over to the link's label in the same change (the hand-off). */
    assignSteps: z.array(stepIdSchema).max(20).default([]),
  })
  .strict();
export type ShareLinkCreateInput = z.input<typeof shareLinkCreateSchema>;

function statusOf(link: ShareLinkRecord, now: Date): ShareLinkStatus {
  if (link.revokedAt !== null) return "revoked";
  return linkIsLive(link, now) ? "active" : "expired";
}

function roleWord(role: "view" | "edit"): string {
  return role === "edit" ? "an edit" : "a view-only";
}

export async function createShareLink(
  who: Who,
  runId: string,
  input: z.infer<typeof shareLinkCreateSchema>,
  now: Date = new Date(),
): Promise<{ link: ShareLinkView; token: string; path: string }> {
  const { links } = await getStores();
  const token = newShareToken();
  const id = newShareLinkId();
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString();
  const assignments = [...new Set(input.assignSteps)];
  let createdBy = "";
  await commitRunChange(who, runId, {
    need: "owner",
    decide: (draft, _run, access) => {
      createdBy = access.actor;
      const handOff = applyRunChanges(
        draft,
        assignments.map((stepId) => ({ op: "assign" as const, stepId, assignee: input.label })),
        access.actor,
        createdAt,
      );
      if (!handOff.ok) return handOff;
      return {
        ok: true,
        draft: handOff.draft,
        events: [
          {
            actor: access.actor,
            type: "share-link-created",
            stepId: null,
            summary: `Shared the run through ${roleWord(input.role)} link “${input.label}” (expires ${formatDateTime(expiresAt)})`,
            detail: { linkId: id, role: input.role, label: input.label, expiresAt },
          },
          ...handOff.events,
        ],
      };
    },
    within: (trx) =>
      links.insert(trx, {
        id,
        runId,
        tokenHash: hashShareToken(token),
        role: input.role,
        label: input.label,
        createdAt,
        expiresAt,
        createdBy,
      }),
  });
  const link: ShareLinkRecord = {
    id,
    runId,
    role: input.role,
    label: input.label,
    createdAt,
    expiresAt,
    revokedAt: null,
    createdBy,
  };
  return { link: toLinkView(link, now), token, path: `/share/${token}` };
}

function toLinkView(link: ShareLinkRecord, now: Date): ShareLinkView {
  return {
    id: link.id,
    label: link.label,
    role: link.role,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    revokedAt: link.revokedAt,
    createdBy: link.createdBy,
    status: statusOf(link, now),
    uses: 0,
    lastUsedAt: null,
    refusedAttempts: 0,
    lastRefusedAt: null,
  };
}

export async function listShareLinks(
  who: Who,
  runId: string,
  now: Date = new Date(),
): Promise<ShareLinkView[]> {
  await authorizeRun(who, runId, "owner");
  const { links } = await getStores();
  const uses = await links.usesByRun(runId);
  return (await links.listByRun(runId)).map((link) => ({ ...toLinkView(link, now), ...uses.get(link.id) }));
}

export async function revokeShareLink(
  who: Who,
  runId: string,
  linkId: string,
  now: Date = new Date(),
): Promise<ShareLinkView> {
  await authorizeRun(who, runId, "owner");
  const { links } = await getStores();
  const link = await links.get(linkId);
  if (!link || link.runId !== runId) {
    throw new ApiError("not-found", `This run has no share link “${linkId}”.`);
  }
  // Revoking twice is not an error and leaves the first revocation (and its event) alone.
  if (link.revokedAt !== null) return toLinkView(link, now);
  const at = now.toISOString();
  await commitRunChange(who, runId, {
    need: "owner",
    decide: (draft, _run, access) => ({
      ok: true,
      draft,
      events: [
        {
          actor: access.actor,
          type: "share-link-revoked",
          stepId: null,
          summary: `Revoked the ${link.role === "edit" ? "edit" : "view-only"} link “${link.label}”`,
          detail: { linkId: link.id },
        },
      ],
    }),
    within: (trx) => links.revoke(trx, link.id, at),
  });
  return toLinkView({ ...link, revokedAt: at }, now);
}

export type OpenOutcome =
  | { ok: true; runId: string; grant: LinkGrant }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate-limited"; retryAfter: number; limit: "client" | "link" };

/**
 * Exchanges a token for a grant. Every failure costs the client one attempt of its bucket, and once the bucket
 * is empty even a valid token waits: the answer must not tell a guesser which tokens exist.
 */
export async function openShareLink(
  token: string,
  request: Request,
  now: Date = new Date(),
): Promise<OpenOutcome> {
  const limiter = shareGuessLimiter();
  const wait = await limiter.retryAfter(request);
  if (wait > 0) return { ok: false, reason: "rate-limited", retryAfter: wait, limit: "client" };
  if (!SHARE_TOKEN_PATTERN.test(token)) {
    await limiter.fail(request);
    return { ok: false, reason: "invalid" };
  }
  const { links } = await getStores();
  const link = await links.findByTokenHash(hashShareToken(token));
  if (!link) {
    await limiter.fail(request);
    return { ok: false, reason: "invalid" };
  }
  if (!linkIsLive(link, now)) {
    await limiter.fail(request);
    // A real but dead link is worth counting: someone still holds it. Counted on the link, not in the run.
    await links.recordUse(link, "refused", now.toISOString());
    return { ok: false, reason: "invalid" };
  }
  // Openings of one valid link are limited per link (shared by instances on PostgreSQL): replaying it slows only
  // that link.
  const linkWait = await limiter.open(link.id);
  if (linkWait > 0) return { ok: false, reason: "rate-limited", retryAfter: linkWait, limit: "link" };
  // Opening a link changes nothing in the run: its version (the owner's ETag) and timeline stay as they are.
  await links.recordUse(link, "opened", now.toISOString());
  return { ok: true, runId: link.runId, grant: { linkId: link.id, runId: link.runId } };
}

/** The runs this browser can reach through live links (for the start page). */
export async function sharedRuns(
  principal: Principal,
  now: Date = new Date(),
): Promise<{ id: string; title: string; role: "view" | "edit"; label: string }[]> {
  const { links } = await getStores();
  const repo = await getRepository();
  const found: { id: string; title: string; role: "view" | "edit"; label: string }[] = [];
  for (const grant of principal.grants) {
    const link = await links.get(grant.linkId);
    if (!link || link.runId !== grant.runId || !linkIsLive(link, now)) continue;
    const run = await repo.get(link.runId);
    if (!run || run.ownerId === principal.session.id) continue;
    found.push({ id: run.id, title: run.title, role: link.role, label: link.label });
  }
  return found.reverse();
}
