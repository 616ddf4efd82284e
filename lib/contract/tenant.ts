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
