import { type DriftReport } from "@/lib/steps/drift";
import { type StepId } from "@/lib/steps/ids";
import { type RunChange } from "@/lib/steps/run-changes";
import {
  type Confidence,
  type Finding,
  type Flow,
  type RemediationScript,
  type StepState,
  type StepStatus,
} from "@/lib/steps/types";

// The runs API as it travels: request and response bodies of /api/runs, /api/verify and /api/me. Declared once,
// imported by the route handlers and services (which produce them) and by lib/client (which reads them).
// Types only, from lib/steps: this module must stay free of zod and of anything server-only; the zod schemas that
// check these bodies live on the server side (lib/steps/schema.ts, lib/server/*).

export type { RunChange };

export type RunMode = "sandbox" | "live";

/** One entry of a run's timeline. */
export interface RunEventView {
  id: number;
  runId: string;
  at: string;
  actor: string;
  type: string;
  stepId: StepId | null;
  summary: string;
  detail: Record<string, unknown>;
}

/** A run: GET/PATCH /api/runs/<id>, POST /api/runs, and inside most other answers. */
export interface RunView {
  id: string;
  flow: Flow;
  mode: RunMode;
  title: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  steps: Partial<Record<StepId, StepState>>;
  events: RunEventView[];
}

/** POST /api/runs */
export interface CreateRunBody {
  flow: Flow;
}

/** GET /api/runs: the caller's own runs (without their timelines). */
export interface RunListResponse {
  runs: RunView[];
}

/** PATCH /api/runs/<id>, with If-Match: "v<version>". */
export interface PatchRunBody {
  changes: RunChange[];
}

/** POST /api/verify/<step-id> */
export interface VerifyBody {
  runId: string;
  expectedVersion?: number;
  attestation?: { by: string; note?: string };
}

/** The answer to a verification: data whatever the verdict (STYLE.md 4). */
export interface VerifyResponse {
  stepId: StepId;
  status: StepStatus;
  confidence: Confidence | null;
  findings: Finding[];
  evidence: Record<string, unknown>;
  remediation: RemediationScript[];
  checkedAt: string;
  version: number;
  run: RunView;
}

/** POST /api/runs/<id>/reverify */
export interface ReverifyBody {
  expectedVersion?: number;
}

export interface ReverifyResponse {
  run: RunView;
  drift: DriftReport;
}

/** GET /api/me: the name shown in the timeline, if one was set. */
export interface MeResponse {
  name: string | null;
}

/** PUT /api/me */
export interface SaveNameBody {
  name: string;
}

export interface SaveNameResponse {
  name: string;
}

/** What the person looking at a run may do, decided by the server when the page was rendered. */
export interface RunAccessView {
  role: "owner" | "edit" | "view";
  /** How their changes appear in the timeline. */
  actor: string;
  /** The label of the share link they came through; null for the owner. */
  linkLabel: string | null;
  /** The name they set for the timeline, if any. */
  name: string | null;
}

/**
 * Why a share link this browser opened no longer reaches its run: a 404 for the run carries it (only to the
 * browser that holds the link's grant), so the page can say so instead of "not found".
 */
export interface LostLinkView {
  reason: "revoked" | "expired";
  /** When it was revoked, or when it expired. */
  at: string;
}

/** Every 4xx/5xx answer; a 412 carries the run as it is now. */
export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string };
  current?: RunView;
  lostLink?: LostLinkView;
}
