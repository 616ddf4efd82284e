import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import { BROWSER, LAYERS, LIB_FOLDERS } from "./eslint.layers.mjs";

const TESTS = ["**/*.test.ts", "**/*.test.tsx"];

/** `@/lib/<folder>` and anything below it. */
const libGroup = (folder) => [`@/lib/${folder}`, `@/lib/${folder}/**`];

/**
 * One rule per layer of eslint.layers.mjs: imports of lib/ folders the layer may not use are errors, and a relative
 * import may not climb out of its layer (cross-layer imports go through `@/lib/...`, where the table sees them).
 * Tests and lib/testing may import across layers.
 */
function layerRules() {
  const blocks = [];
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    const own = layer.startsWith("lib/") ? layer.slice(4) : null;
    const forbidden = LIB_FOLDERS.filter(
      (f) => f !== own && !allowed.lib.includes(f) && !(allowed.typeOnly ?? []).includes(f),
    );
    const patterns = [
      {
        group: forbidden.flatMap(libGroup),
        message: `${layer} may not import this layer (ARCHITECTURE.md, "Layers and import rules"; eslint.layers.mjs).`,
      },
      ...(allowed.typeOnly ?? []).map((f) => ({
        group: libGroup(f),
        allowTypeImports: true,
        message: `${layer} may import only types from lib/${f}.`,
      })),
      { group: ["@/app", "@/app/**"], message: "Nothing imports the routes in app/." },
    ];
    if (!allowed.components)
      patterns.push({
        group: ["@/components", "@/components/**"],
        message: `${layer} may not import the UI.`,
      });
    if (BROWSER.has(layer))
      patterns.push(
        { group: ["server-only"], message: "Browser code may not import server modules." },
        {
          group: ["@/lib/steps/schema"],
          message: "The zod schemas are server-only: import the types instead.",
        },
      );
    const paths = BROWSER.has(layer)
      ? [{ name: "zod", message: "zod stays on the server: use the types of lib/contract." }]
      : [];
    const base = layer === "lib/format" ? "lib/format" : layer;
    const depths =
      layer === "lib/format"
        ? [[`${base}.ts`, null]]
        : [
            [`${base}/*.{ts,tsx}`, "../*"],
            [`${base}/*/*.{ts,tsx}`, "../../*"],
            [`${base}/*/*/*.{ts,tsx}`, "../../../*"],
          ];
    for (const [files, escape] of depths) {
      blocks.push({
        files: [files],
        ignores: TESTS,
        rules: {
          "@typescript-eslint/no-restricted-imports": [
            "error",
            {
              paths,
              patterns: escape
                ? [
                    ...patterns,
                    { group: [escape], message: `A relative import may not leave ${layer}: use @/lib/....` },
                  ]
                : patterns,
            },
          ],
        },
      });
    }
  }
  return blocks;
}

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...layerRules(),
  {
    // No module of lib/ may reach itself again through its runtime imports (type-only imports are erased).
    files: ["lib/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: { "import/no-cycle": ["error", { ignoreExternal: true }] },
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
