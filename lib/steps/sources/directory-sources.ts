import { type StepId } from "../ids";
import { type VerificationSource } from "../verifiers";

// Verification sources that read Active Directory (LDAP, an uploaded snapshot, or the sandbox snapshot).
export const DIRECTORY_SOURCES: Partial<Record<StepId, readonly VerificationSource[]>> = {};
