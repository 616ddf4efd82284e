import { type SandboxControl, type SandboxControlBody, type SandboxView } from "@/lib/contract/sandbox";
import {
  type EndToEndBody,
  type EndToEndPreflightBody,
  type EndToEndPreflightResponse,
  type EndToEndResponse,
  type SignInConfig,
  type SignInResponse,
  type TestUser,
  type TestUserListResponse,
} from "@/lib/contract/tenant";
import { type StepId } from "@/lib/steps/ids";
import { call, json } from "./api";
import { graphAuthorization } from "./graph-token";

// Browser calls for the tenant panels: sandbox controls, the test-user search, the end-to-end test, sign-in.

/** The run's simulated tenant: one per run, so everyone working on the run sees the same one. */
export function fetchSandbox(runId: string): Promise<SandboxView> {
  return call<SandboxView>(`/api/sandbox/tenant?runId=${encodeURIComponent(runId)}`, { method: "GET" });
}

export function sandboxControl(runId: string, control: SandboxControl): Promise<SandboxView> {
  return call<SandboxView>("/api/sandbox/tenant", {
    method: "POST",
    body: json<SandboxControlBody>({ runId, control }),
  });
}

const STEP: StepId = "end-to-end-test";

export async function searchTestUsers(runId: string, search: string): Promise<TestUser[]> {
  const headers = await graphAuthorization(STEP);
  const query = new URLSearchParams({ runId, search });
  const result = await call<TestUserListResponse>(`/api/tenant/users?${query.toString()}`, {
    method: "GET",
    headers,
  });
  return result.users;
}

/** What the wizard knows about the chosen test user before anything is reset. */
export async function preflightEndToEndTest(
  runId: string,
  userId: string,
): Promise<EndToEndPreflightResponse> {
  const headers = await graphAuthorization(STEP);
  return call<EndToEndPreflightResponse>("/api/tenant/end-to-end-test/preflight", {
    method: "POST",
    headers,
    body: json<EndToEndPreflightBody>({ runId, userId }),
  });
}

export async function startEndToEndTest(runId: string, userId: string): Promise<EndToEndResponse> {
  const headers = await graphAuthorization(STEP);
  return call<EndToEndResponse>("/api/tenant/end-to-end-test", {
    method: "POST",
    headers,
    body: json<EndToEndBody>({ runId, userId, confirm: true }),
  });
}

export function fetchSignInConfig(): Promise<SignInConfig> {
  return call<SignInConfig>("/api/session", { method: "GET" });
}

export function postSession(token: string): Promise<SignInResponse> {
  return call<SignInResponse>("/api/session", {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: "{}",
  });
}
