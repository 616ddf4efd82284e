import { type StepId } from "@/lib/steps/ids";

// Where the browser gets a Graph token for a step's check. The sign-in panel (live mode, MSAL loaded on demand)
// registers a provider; until then — and always in the sandbox — calls go out without one.

type TokenProvider = (stepId: StepId) => Promise<string | null>;

let provider: TokenProvider | null = null;

export function setGraphTokenProvider(next: TokenProvider | null): void {
  provider = next;
}

export async function graphAuthorization(stepId: StepId): Promise<Record<string, string>> {
  const token = provider ? await provider(stepId) : null;
  return token ? { authorization: `Bearer ${token}` } : {};
}
