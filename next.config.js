// @ts-check

const securityHeaders = [
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  // Runs, reports and share links are private: nothing here belongs in a search index.
  { key: "X-Robots-Tag", value: "noindex, nofollow" },
];

// Every path but MSAL's redirect bridge. MSAL Browser v5 requires the bridge page to be served WITHOUT
// Cross-Origin-Opener-Policy: it receives the response after the login host's redirect and posts it back to the
// page that started sign-in; a COOP header swaps it into a new browsing context group and cuts that channel
// (learn.microsoft.com/entra/msal/javascript/browser/redirect-bridge). The lookahead keeps the exclusion to that
// exact path, so /auth/redirect-something still gets the header.
const REDIRECT_BRIDGE_PATH = "/auth/redirect";
const crossOriginOpenerPolicy = {
  source: `/:path((?!${REDIRECT_BRIDGE_PATH.slice(1)}(?:/|$)).*)`,
  headers: [{ key: "Cross-Origin-Opener-Policy", value: "same-origin" }],
};

// Framing: nothing may frame the wizard (the CSP says frame-ancestors 'none'; X-Frame-Options for older browsers),
// except that the wizard's own pages may load the redirect bridge in a hidden iframe: MSAL renews tokens silently
// that way, and a DENY there breaks it. The CSP's frame-ancestors for that path is set to 'self' in proxy.ts.
const frameOptions = [
  {
    source: `/:path((?!${REDIRECT_BRIDGE_PATH.slice(1)}/?$).*)`,
    headers: [{ key: "X-Frame-Options", value: "DENY" }],
  },
  { source: REDIRECT_BRIDGE_PATH, headers: [{ key: "X-Frame-Options", value: "SAMEORIGIN" }] },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm run typecheck` checks the whole project in its own step; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Native and Node-only packages stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "ldapts", "kysely"],
  // The development server logs request paths; a share link's path is its token.
  logging: { incomingRequests: { ignore: [/^\/share\//] } },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }, crossOriginOpenerPolicy, ...frameOptions];
  },
};

module.exports = nextConfig;
