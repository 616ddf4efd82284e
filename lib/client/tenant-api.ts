import { type StepId } from "@/lib/steps/ids";
import { call, type VerifyResponse } from "./api";
import { graphAuthorization } from "./graph-token";

// Browser calls for the tenant panels: sandbox controls, the test-user search, the end-to-end test, sign-in.

export interface SandboxView {
  switches: { connectWriteback: boolean; portalWriteback: boolean; unlock: boolean };
  auditRecords: number;
  message: string | null;
}

export type SandboxControl =
  | { action: "connect-writeback" | "portal-writeback" | "portal-unlock"; on: boolean }
  | { action: "self-service-reset" | "self-service-unlock" | "restore" };

/** The run's simulated tenant: one per run, so everyone working on the run sees the same one. */
export function fetchSandbox(runId: string): Promise<SandboxView> {
  return call<SandboxView>(`/api/sandbox/tenant?runId=${encodeURIComponent(runId)}`, { method: "GET" });
}

export function sandboxControl(runId: string, control: SandboxControl): Promise<SandboxView> {
  return call<SandboxView>("/api/sandbox/tenant", {
    method: "POST",
    body: JSON.stringify({ runId, control }),
  });
}

export interface TestUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  onPremisesSecurityIdentifier: string | null;
}

const STEP: StepId = "end-to-end-test";

export async function searchTestUsers(runId: string, search: string): Promise<TestUser[]> {
  const headers = await graphAuthorization(STEP);
  const query = new URLSearchParams({ runId, search });
  const result = await call<{ users: TestUser[] }>(`/api/tenant/users?${query.toString()}`, {
    method: "GET",
    headers,
  });
  return result.users;
}

export interface EndToEndResponse {
  password: string | null;
  record: { userPrincipalName: string; refusal: string | null; operation: { status: string } };
  verification: VerifyResponse;
}

export async function startEndToEndTest(runId: string, userId: string): Promise<EndToEndResponse> {
  const headers = await graphAuthorization(STEP);
  return call<EndToEndResponse>("/api/tenant/end-to-end-test", {
    method: "POST",
    headers,
    body: JSON.stringify({ runId, userId, confirm: true }),
  });
}

export interface SignInConfig {
  mode: "sandbox" | "live";
  clientId: string | null;
  authority: string;
  redirectUri: string | null;
  graphBaseUrl: string;
  signedIn: { upn: string } | null;
}

export function fetchSignInConfig(): Promise<SignInConfig> {
  return call<SignInConfig>("/api/session", { method: "GET" });
}

export function postSession(token: string): Promise<{ displayName: string; roles: string[]; upn: string }> {
  return call("/api/session", { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{}" });
}
