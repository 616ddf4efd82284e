import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Browser code: zod stays on the server (it was ~42 kB gzip of the run page), and so does everything server-only.
    // lib/contract/client-graph.test.ts checks the whole import graph; this catches the direct imports early.
    files: ["lib/client/**", "components/**", "lib/contract/**"],
    ignores: ["**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "zod", message: "zod stays on the server: use the types of lib/contract." }],
          patterns: [
            {
              group: ["@/lib/server/*", "server-only"],
              message: "Browser code may not import server modules.",
            },
            {
              group: ["@/lib/steps/schema"],
              message: "The zod schemas are server-only: import the types instead.",
            },
          ],
        },
      ],
    },
  },
  {
    // Playwright fixtures call a parameter named `use`; that is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "data/**",
      ".lab/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
];

export default config;
