import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Suites that start the production build (`next build` first): several `next start` instances on one PostgreSQL.
// Kept out of the default run (their files end in .instances.ts); scripts/test-all.sh runs them after the build.
export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      "server-only": fileURLToPath(new URL("./lib/testing/server-only-noop.ts", import.meta.url)),
    },
  },
  test: {
    environment: "node",
    include: ["instances/**/*.instances.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: false,
  },
});
