"use client";

import { type ComponentType } from "react";
import { type StepId } from "@/lib/steps/ids";

// Step-specific panels for the cloud steps (sign-in, Graph results, the end-to-end test).
export const TENANT_PANELS: Partial<Record<StepId, ComponentType<{ stepId: StepId }>>> = {};
