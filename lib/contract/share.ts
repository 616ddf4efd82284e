import { type StepId } from "@/lib/steps/ids";

// Share links as the API carries them: /api/runs/<id>/share-links. Types only (see ./runs.ts).

export type ShareRole = "view" | "edit";

export type ShareLinkStatus = "active" | "expired" | "revoked";

/** What the owner sees of a link: never the token, never its hash. */
export interface ShareLinkView {
  id: string;
  label: string;
  role: ShareRole;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  createdBy: string;
  status: ShareLinkStatus;
  /** Times the link was opened (counted on the link; an opening is no change to the run). */
  uses: number;
  lastUsedAt: string | null;
  /** Times someone presented the link after it expired or was revoked. */
  refusedAttempts: number;
  lastRefusedAt: string | null;
}

/** POST /api/runs/<id>/share-links */
export interface CreateShareLinkBody {
  role: ShareRole;
  label: string;
  /** Days until the link expires; the server's default when left out. */
  expiresInDays?: number;
  /** Steps handed over to the link's label in the same change (the hand-off). */
  assignSteps?: StepId[];
}

export interface CreatedShareLink {
  link: ShareLinkView;
  /** `/share/<token>`: shown once, never again. */
  path: string;
}

/** GET /api/runs/<id>/share-links */
export interface ShareLinkListResponse {
  links: ShareLinkView[];
}

/** DELETE /api/runs/<id>/share-links/<link-id> */
export interface RevokedShareLink {
  link: ShareLinkView;
}
