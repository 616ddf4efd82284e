import { type StepId } from "@/lib/steps/ids";
import { type Confidence, type Flow, type StepStatus } from "@/lib/steps/types";
import { type RunMode } from "./runs";

// The run report as it travels: GET /api/runs/<id>/report (JSON) and the printable page. Built by
// lib/report/run-report.ts; only the one format constant besides the types.

export const REPORT_FORMAT = "sspr-writeback-report/1";

export interface ReportStep {
  id: StepId;
  title: string;
  optional: boolean;
  status: StepStatus;
  statusLabel: string;
  confidence: Confidence | null;
  confidenceLabel: string;
  /** Where the confidence came from: what was read (and from where), or who confirmed it and when. */
  confidenceSource: string;
  assignee: string | null;
  /** When the result was last recorded (check or attestation). */
  recordedAt: string | null;
  /** Who last changed the step, and when, from the timeline. */
  lastChangedBy: string | null;
  lastChangedAt: string | null;
  attestation: { by: string; at: string; note: string | null } | null;
  skipReason: string | null;
  notes: string;
  findings: { code: string; severity: string; message: string; target: string | null }[];
  evidence: { key: string; value: string }[];
}

export interface ReportDriftStep {
  stepId: string;
  outcome: string;
  changed: boolean;
  before: { status: string; confidence: string | null };
  after: { status: string; confidence: string | null };
  appeared: { code: string; target: string | null }[];
  disappeared: { code: string; target: string | null }[];
}

/** A change the wizard itself wrote to the directory (a fix applied, or the connector's permissions revoked). */
export interface ReportDirectoryChange {
  at: string;
  actor: string;
  kind: "applied" | "revoked";
  stepId: string | null;
  summary: string;
  /** Objects changed. */
  changes: number;
  /** Permission entries added and removed over all of them. */
  entriesAdded: number;
  entriesRemoved: number;
  /** The objects' DNs (the first 20). */
  targets: string[];
}

export interface RunReport {
  format: typeof REPORT_FORMAT;
  generatedAt: string;
  run: {
    id: string;
    title: string;
    flow: Flow;
    mode: RunMode;
    version: number;
    createdAt: string;
    updatedAt: string;
  };
  progress: { total: number; complete: boolean; counts: Record<StepStatus, number> };
  steps: ReportStep[];
  /** The latest "re-verify everything", if there was one. */
  drift: { at: string; actor: string; changed: number; steps: ReportDriftStep[] } | null;
  /** The wizard's own writes to the directory, oldest first. */
  directoryChanges: ReportDirectoryChange[];
  timeline: { at: string; actor: string; type: string; stepId: string | null; summary: string }[];
}
