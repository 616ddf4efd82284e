// The Content-Security-Policy for pages. Scripts run only with the per-request nonce (plus what they load,
// via 'strict-dynamic'); nothing may frame the wizard. Kept free of `server-only` so the proxy can use it.

export function contentSecurityPolicy(
  nonce: string,
  options: { dev: boolean; connectSources?: readonly string[] },
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
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

/** The authority origin MSAL talks to from the browser, in live mode only (a valid https origin or nothing). */
export function signInConnectSources(source: Record<string, string | undefined>): string[] {
  if (!source.ENTRA_CLIENT_ID?.trim()) return [];
  const host = source.ENTRA_AUTHORITY_HOST?.trim() || "https://login.microsoftonline.com";
  return /^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(host) ? [host] : [];
}
