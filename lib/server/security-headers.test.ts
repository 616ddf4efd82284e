import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The response headers next.config.js declares, matched the way `next build` compiles them (Next's own
// buildCustomRoute), so that a source pattern that does not mean what it says fails here, not in a browser.

interface HeaderRoute {
  source: string;
  headers: { key: string; value: string }[];
}
interface NextConfigModule {
  headers(): Promise<HeaderRoute[]>;
}
type BuildCustomRoute = (type: "header", route: HeaderRoute) => HeaderRoute & { regex: string };

const require = createRequire(join(process.cwd(), "package.json"));
const config = require("./next.config.js") as NextConfigModule;
const { buildCustomRoute } = require("next/dist/lib/build-custom-route") as {
  buildCustomRoute: BuildCustomRoute;
};

async function headersFor(path: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const route of await config.headers()) {
    // Later routes override earlier ones for the same key, as in Next.
    if (new RegExp(buildCustomRoute("header", route).regex).test(path)) {
      for (const { key, value } of route.headers) found.set(key.toLowerCase(), value);
    }
  }
  return found;
}

describe("security headers", () => {
  it.each(["/", "/runs/abc/end-to-end-test", "/api/session", "/share/token", "/auth", "/auth/redirect-old"])(
    "%s is isolated: COOP same-origin and the rest",
    async (path) => {
      const headers = await headersFor(path);
      expect(headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(headers.get("x-frame-options")).toBe("DENY");
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("referrer-policy")).toBe("no-referrer");
    },
  );

  it.each(["/auth/redirect", "/auth/redirect/"])(
    "MSAL's redirect bridge %s has no COOP (msal-browser v5 requires it) but keeps the other headers",
    async (path) => {
      const headers = await headersFor(path);
      expect(headers.has("cross-origin-opener-policy")).toBe(false);
      // The wizard's own pages load it in a hidden iframe to renew tokens silently; nobody else may frame it.
      expect(headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("referrer-policy")).toBe("no-referrer");
    },
  );

  it("only the bridge itself may be framed (by the wizard), not paths below or beside it", async () => {
    for (const path of ["/auth/redirect/x", "/auth/redirect-old", "/runs/abc"])
      expect((await headersFor(path)).get("x-frame-options")).toBe("DENY");
  });
});
