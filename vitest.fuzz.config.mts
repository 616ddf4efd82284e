import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The fuzz suite (fuzz/*.fuzz.ts) runs against a production build, so `npm run test:all` runs it after
// `next build`: `npx vitest run --config vitest.fuzz.config.mts`.
export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      "server-only": fileURLToPath(new URL("./lib/testing/server-only-noop.ts", import.meta.url)),
    },
  },
  test: {
    environment: "node",
    include: ["fuzz/**/*.fuzz.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});
