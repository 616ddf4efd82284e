import { type ClientRun } from "./types";
import { call } from "./api";

// Browser calls for the sandbox directory: its controls (the domain admin's part outside the wizard) and applying a
// previewed fix to it, which needs no credential (the simulated directory has no accounts to sign in with).

export interface SandboxDirectoryView {
  domainControllers: { name: string; operatingSystem: string; policyHints: boolean }[];
  minimumPasswordAge: { policy: string; age: string }[];
  message: string | null;
}

export type SandboxDirectoryControl = {
  action: "upgrade-domain-controllers" | "minimum-password-age-zero" | "delegation-in-place" | "restore";
};

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
    body: JSON.stringify({ runId, control }),
  });
}

export interface SandboxFixResult {
  applied: { kind: string; dn: string; result: string }[];
  verification: { status: string; run: ClientRun };
}

/** Applies a previewed fix to the run's sandbox directory: the same route as over LDAP, without a credential. */
export function applySandboxFix(
  runId: string,
  body: { stepId: string; planId: string; expectedVersion?: number },
): Promise<SandboxFixResult> {
  return call<SandboxFixResult>(`/api/runs/${encodeURIComponent(runId)}/directory/fix/apply`, {
    method: "POST",
    body: JSON.stringify(body),
  });
}
