import { type StepId } from "@/lib/steps/ids";
import { type Flow, type StepState } from "@/lib/steps/types";

// The run as the API returns it (mirrors RunView on the server, which the client must not import).

export interface ClientRunEvent {
  id: number;
  at: string;
  actor: string;
  type: string;
  stepId: StepId | null;
  summary: string;
}

export interface ClientRun {
  id: string;
  flow: Flow;
  mode: "sandbox" | "live";
  title: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  steps: Partial<Record<StepId, StepState>>;
  events: ClientRunEvent[];
}

export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string };
  current?: ClientRun;
}

/** What the person looking at a run may do, decided by the server when the page was rendered. */
export interface ClientAccess {
  role: "owner" | "edit" | "view";
  /** How their changes appear in the timeline. */
  actor: string;
  /** The label of the share link they came through; null for the owner. */
  linkLabel: string | null;
  /** The name they set for the timeline, if any. */
  name: string | null;
}

/** A share link as its owner sees it (never the token). */
export interface ClientShareLink {
  id: string;
  label: string;
  role: "view" | "edit";
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  createdBy: string;
  status: "active" | "expired" | "revoked";
  uses: number;
  lastUsedAt: string | null;
}
