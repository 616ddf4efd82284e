"use client";

import { type ComponentType } from "react";
import { type StepId } from "@/lib/steps/ids";
import { DirectoryPanel } from "./directory-panel";

// Step-specific panels for the directory steps (scan results, fixes, snapshot upload).
export const DIRECTORY_PANELS: Partial<Record<StepId, ComponentType<{ stepId: StepId }>>> = {
  prerequisites: DirectoryPanel,
  "connector-permissions": DirectoryPanel,
  "password-policy": DirectoryPanel,
  "revoke-connector-permissions": DirectoryPanel,
};
