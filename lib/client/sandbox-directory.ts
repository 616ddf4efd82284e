import { type FixApplyBody, type FixApplyResponse } from "@/lib/contract/directory";
import {
  type SandboxDirectoryControl,
  type SandboxDirectoryControlBody,
  type SandboxDirectoryView,
} from "@/lib/contract/sandbox";
import { call, json } from "./api";

// Browser calls for the sandbox directory: its controls (the domain admin's part outside the wizard) and applying a
// previewed fix to it, which needs no credential (the simulated directory has no accounts to sign in with).

/** The run's simulated directory: one per run, so everyone working on the run sees the same one. */
export function fetchSandboxDirectory(runId: string): Promise<SandboxDirectoryView> {
  return call<SandboxDirectoryView>(`/api/sandbox/directory?runId=${encodeURIComponent(runId)}`, {
    method: "GET",
  });
}

export function sandboxDirectoryControl(
  runId: string,
  control: SandboxDirectoryControl,
): Promise<SandboxDirectoryView> {
  return call<SandboxDirectoryView>("/api/sandbox/directory", {
    method: "POST",
    body: json<SandboxDirectoryControlBody>({ runId, control }),
  });
}

/** Applies a previewed fix to the run's sandbox directory: the same route as over LDAP, without a credential. */
export function applySandboxFix(
  runId: string,
  body: Omit<FixApplyBody, "credential">,
): Promise<FixApplyResponse> {
  return call<FixApplyResponse>(`/api/runs/${encodeURIComponent(runId)}/directory/fix/apply`, {
    method: "POST",
    body: json<FixApplyBody>(body),
  });
}
