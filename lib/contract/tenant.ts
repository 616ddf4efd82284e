import { type RunMode, type VerifyResponse } from "./runs";

// The tenant API as it travels: /api/session, /api/tenant/users, /api/tenant/end-to-end-test. Types only.

/** GET /api/session: what the browser needs to start MSAL (public values only). */
export interface SignInConfig {
  mode: RunMode;
  clientId: string | null;
  authority: string;
  redirectUri: string;
  graphBaseUrl: string;
  signedIn: { upn: string } | null;
}

/** POST /api/session (the Graph token in Authorization: Bearer). */
export interface SignInResponse {
  name: string | null;
  displayName: string;
  roles: string[];
  upn: string | undefined;
}

/** GET /api/tenant/users?runId=&search= */
export interface TestUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  onPremisesSyncEnabled: boolean;
  onPremisesSecurityIdentifier: string | null;
}

export interface TestUserListResponse {
  users: TestUser[];
}

/** POST /api/tenant/end-to-end-test/preflight: the chosen user, looked at before anything is reset. */
export interface EndToEndPreflightBody {
  runId: string;
  userId: string;
}

/** ok: fine; note: allowed, worth knowing; refuse: the reset would prove nothing; unknown: could not be checked. */
export type PreflightOutcome = "ok" | "note" | "refuse" | "unknown";

export interface PreflightCheck {
  code: string;
  outcome: PreflightOutcome;
  /** One sentence for the admin. */
  message: string;
}

export interface EndToEndPreflightResponse {
  userPrincipalName: string;
  /** False when a check refuses: POST /api/tenant/end-to-end-test then answers 422 with the same sentences. */
  canReset: boolean;
  checks: PreflightCheck[];
}

/** POST /api/tenant/end-to-end-test */
export interface EndToEndBody {
  runId: string;
  userId: string;
  /** The person confirmed that the test user's password may be replaced. */
  confirm: true;
}

export interface EndToEndResponse {
  /** The temporary password set on the test user; null when Graph refused the reset. */
  password: string | null;
  record: { userPrincipalName: string; refusal: string | null; operation: { status: string } };
  verification: VerifyResponse;
}
