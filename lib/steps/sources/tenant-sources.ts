import { type StepId } from "../ids";
import { type VerificationSource } from "../verifiers";

// Verification sources that read Microsoft Graph (the real tenant or the sandbox simulator).
export const TENANT_SOURCES: Partial<Record<StepId, readonly VerificationSource[]>> = {};
