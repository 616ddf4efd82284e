import { expect, test } from "./fixtures";

test("pages carry a per-request nonce CSP and the security headers", async ({ page, request }) => {
  const first = await request.get("/");
  const second = await request.get("/");
  const csp = first.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  const otherNonce = /'nonce-([^']+)'/.exec(second.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(otherNonce).not.toBe(nonce);
  expect(first.headers()["referrer-policy"]).toBe("no-referrer");
  expect(first.headers()["x-content-type-options"]).toBe("nosniff");
  expect(first.headers()["x-frame-options"]).toBe("DENY");
  expect(first.headers()["x-powered-by"]).toBeUndefined();
  const setCookie = first.headers()["set-cookie"] ?? "";
  expect(setCookie).toMatch(/sspr_session=/);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=lax/i);

  // Every script the page runs carries this request's nonce (the CSP would block it otherwise, and the
  // console-error fixture would fail the test).
  await page.goto("/");
  const scripts = await page
    .locator("script")
    .evaluateAll((nodes) => nodes.map((n) => (n as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((n) => n.length > 0)).toBe(true);
});

test("pages are COOP-isolated, except MSAL's redirect bridge, which msal-browser v5 needs without COOP", async ({
  request,
}) => {
  const home = await request.get("/");
  expect(home.headers()["cross-origin-opener-policy"]).toBe("same-origin");
  const api = await request.get("/api/session");
  expect(api.headers()["cross-origin-opener-policy"]).toBe("same-origin");
  // The bridge posts the sign-in response back to the page that started it; COOP would cut that channel.
  const bridge = await request.get("/auth/redirect?code=dummy&state=dummy");
  expect(bridge.status()).toBe(200);
  expect(bridge.headers()["cross-origin-opener-policy"]).toBeUndefined();
  // Everything else still applies to it.
  // The wizard's own pages may frame it (MSAL's silent renewal uses a hidden iframe); nobody else may.
  expect(bridge.headers()["content-security-policy"]).toContain("frame-ancestors 'self'");
  expect(bridge.headers()["x-frame-options"]).toBe("SAMEORIGIN");
  expect(bridge.headers()["x-content-type-options"]).toBe("nosniff");
  expect(bridge.headers()["referrer-policy"]).toBe("no-referrer");
});

test("API errors are JSON with a request id and never a stack trace", async ({ page }) => {
  await page.goto("/");
  const response = await page.request.post("/api/runs", {
    data: { flow: 42 },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(response.status()).toBe(422);
  const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe("invalid-body");
  expect(body.error.message).toContain("body.flow");
  expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);

  const crossSite = await page.request.post("/api/runs", {
    data: { flow: "enable" },
    headers: { origin: "https://attacker.example" },
  });
  expect(crossSite.status()).toBe(403);
});
