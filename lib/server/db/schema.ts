import "server-only";

import { type ColumnType, type Generated } from "kysely";
import { type Confidence, type Flow, type StepStatus } from "@/lib/steps/types";
import { type StepId } from "@/lib/steps/ids";

// Table types for Kysely. Enumerated columns are `ColumnType<string, Union, Union>`: writes must use the
// union, but reads come back as plain `string` because a stored value is untrusted (a step may have been
// removed since it was written) and has to go through zod before the app sees it.
// Timestamps are ISO-8601 text in both dialects so they sort the same way everywhere; JSON is text.

type Enumerated<T extends string> = ColumnType<string, T, T>;
type NullableEnumerated<T extends string> = ColumnType<string | null, T | null, T | null>;

export type RunMode = "sandbox" | "live";
export type ShareRole = "view" | "edit";

export interface RunsTable {
  /** Random 128-bit id, base64url. */
  id: string;
  flow: Enumerated<Flow>;
  mode: Enumerated<RunMode>;
  owner_id: string;
  title: string;
  /** JSON object: step id -> StepState. */
  state: string;
  /** Optimistic-concurrency counter, starts at 1. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface StepResultsTable {
  id: Generated<number>;
  run_id: string;
  step_id: Enumerated<StepId>;
  status: Enumerated<StepStatus>;
  confidence: NullableEnumerated<Confidence>;
  /** JSON object: the full verify answer or attestation that produced this status. */
  result: string;
  actor: string;
  created_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  run_id: string;
  at: string;
  actor: string;
  type: string;
  step_id: NullableEnumerated<StepId>;
  summary: string;
  /** JSON object. */
  detail: string;
}

export interface ShareLinksTable {
  id: string;
  run_id: string;
  /** SHA-256 of the link token; the token itself is never stored. */
  token_hash: string;
  role: Enumerated<ShareRole>;
  label: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  created_by: string;
}

/** How often a share link was opened, and refused once dead; one row per link (not per opening). */
export interface ShareLinkUsesTable {
  link_id: string;
  run_id: string;
  opened: Generated<number>;
  last_opened_at: string | null;
  refused: Generated<number>;
  last_refused_at: string | null;
}

export interface DirectoryArtifactsTable {
  run_id: string;
  /** "snapshot", "settings", "scan:<step-id>", "changes". */
  kind: string;
  /** JSON text. */
  body: string;
  updated_at: string;
}

export interface RechecksTable {
  run_id: string;
  step_id: Enumerated<StepId>;
  /** ISO-8601: when the next automatic re-check is due. */
  due_at: string;
  attempt: number;
  /** The instance running the check, and until when its claim holds (null: unclaimed). */
  claimed_by: string | null;
  claimed_until: string | null;
}

export interface RateLimitsTable {
  bucket: string;
  key: string;
  tokens: number;
  /** Milliseconds since the epoch; bigint in PostgreSQL, read back as a string there. */
  at_ms: ColumnType<string | number, number, number>;
}

export interface SandboxStateTable {
  run_id: string;
  /** JSON: the run's simulated tenant and directory. */
  body: string;
  /** Optimistic-concurrency counter, starts at 1. */
  version: number;
  updated_at: string;
}

export interface Database {
  runs: RunsTable;
  step_results: StepResultsTable;
  events: EventsTable;
  share_links: ShareLinksTable;
  share_link_uses: ShareLinkUsesTable;
  directory_artifacts: DirectoryArtifactsTable;
  rechecks: RechecksTable;
  rate_limits: RateLimitsTable;
  sandbox_state: SandboxStateTable;
}
