import { z } from "zod";
import { STEP_IDS } from "./ids";
import { type RunChange } from "./run-changes";
import { CONFIDENCES, FLOWS, STEP_STATUSES } from "./types";

// zod mirrors of ./ids, ./types and ./run-changes, used wherever step state crosses a trust boundary (database,
// requests). Server only: the browser must not ship zod, so no module it imports may import this one
// (lib/contract/client-graph.test.ts walks the browser's imports to make sure).

export const stepIdSchema = z.enum(STEP_IDS);

export const flowSchema = z.enum(FLOWS);
export const stepStatusSchema = z.enum(STEP_STATUSES);
export const confidenceSchema = z.enum(CONFIDENCES);

export const findingSchema = z.object({
  code: z.string().min(1).max(100),
  message: z.string().max(2000),
  target: z.string().max(2000).optional(),
  severity: z.enum(["error", "warning", "info"]).optional(),
});

export const remediationSchema = z.object({
  title: z.string().max(500),
  language: z.enum(["powershell", "cmd", "text"]),
  script: z.string().max(100_000),
});

export const attestationSchema = z.object({
  by: z.string().min(1).max(200),
  note: z.string().max(2000).optional(),
  at: z.string(),
});

export const stepStateSchema = z.object({
  status: stepStatusSchema,
  confidence: confidenceSchema.nullable(),
  findings: z.array(findingSchema),
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.array(remediationSchema),
  checkedAt: z.string().nullable(),
  attestation: attestationSchema.nullable(),
  skipReason: z.string().nullable(),
  assignee: z.string().nullable(),
  notes: z.string(),
});

export const runChangeSchema: z.ZodType<RunChange> = z.discriminatedUnion("op", [
  z.object({ op: z.literal("rename"), title: z.string().trim().min(1, "must not be empty").max(120) }),
  z.object({ op: z.literal("note"), stepId: stepIdSchema, text: z.string().max(5000) }),
  z.object({
    op: z.literal("skip"),
    stepId: stepIdSchema,
    reason: z.string().trim().min(1, "give a reason for skipping the step").max(500),
  }),
  z.object({ op: z.literal("unskip"), stepId: stepIdSchema }),
  z.object({
    op: z.literal("assign"),
    stepId: stepIdSchema,
    assignee: z.string().trim().max(100).nullable(),
  }),
  z.object({ op: z.literal("reset"), stepId: stepIdSchema }),
]);

export const runPatchSchema = z.object({ changes: z.array(runChangeSchema).min(1).max(20) }).strict();
