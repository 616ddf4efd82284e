import { z } from "zod";
import { CONFIDENCES, FLOWS, STEP_STATUSES } from "./types";

// zod mirrors of ./types, used wherever step state crosses a trust boundary (database, browser storage, requests).

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
