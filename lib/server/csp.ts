// The Content-Security-Policy for pages. Scripts run only with the per-request nonce (plus what they load,
// via 'strict-dynamic'); nothing may frame the wizard, except that the wizard itself may frame MSAL's redirect
// page (silent token renewal loads it in a hidden iframe). Kept free of `server-only` so the proxy can use it.

/** The sign-in redirect page (the registered redirect URI). */
export const REDIRECT_BRIDGE_PATH = "/auth/redirect";

export function contentSecurityPolicy(
  nonce: string,
  options: { dev: boolean; connectSources?: readonly string[]; frameAncestors?: "'none'" | "'self'" },
): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // Live sign-in: MSAL fetches metadata and redeems the code at the Entra authority (never Graph: the
    // server calls Graph).
    `connect-src 'self'${(options.connectSources ?? []).map((source) => ` ${source}`).join("")}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${options.frameAncestors ?? "'none'"}`,
  ];
  return directives.join("; ");
}

/** The authority origin MSAL talks to from the browser, in live mode only (a valid https origin or nothing). */
export function signInConnectSources(source: Record<string, string | undefined>): string[] {
  if (!source.ENTRA_CLIENT_ID?.trim()) return [];
  const host = source.ENTRA_AUTHORITY_HOST?.trim() || "https://login.microsoftonline.com";
  return /^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(host) ? [host] : [];
}

/**
 * Who may frame a path: nobody, except MSAL's redirect page, which the wizard's own pages load in a hidden iframe
 * when they renew a token silently (learn.microsoft.com/entra/identity-platform/msal-js-avoid-page-reloads).
 */
export function frameAncestorsFor(pathname: string): "'none'" | "'self'" {
  return pathname === REDIRECT_BRIDGE_PATH || pathname === `${REDIRECT_BRIDGE_PATH}/` ? "'self'" : "'none'";
}
