// The layers of ARCHITECTURE.md ("Layers and import rules") as data: which folders of lib/ (and the top-level
// code folders) each folder may import, besides itself and npm packages. eslint.config.mjs turns the table into
// import rules, so a wrong arrow fails `npm run lint`; eslint.layers.test.ts proves the rules bite.

/** Every layer the table names, by folder. */
export const LIB_FOLDERS = [
  "steps",
  "ad",
  "format",
  "verify",
  "directory",
  "tenant",
  "connect",
  "sandbox",
  "contract",
  "report",
  "server",
  "client",
  "testing",
];

/**
 * folder -> what it may import. `lib` lists lib/ folders; `typeOnly` lib/ folders it may import types from only;
 * `components` whether it may import @/components.
 */
export const LAYERS = {
  "lib/steps": { lib: [] },
  "lib/ad": { lib: [] },
  "lib/format": { lib: [] },
  "lib/tenant": { lib: [] },
  "lib/connect": { lib: [] },
  "lib/directory": { lib: ["ad"] },
  "lib/sandbox": { lib: ["ad", "directory", "tenant", "connect"] },
  "lib/verify": { lib: ["steps", "ad", "directory", "tenant", "connect"], typeOnly: ["sandbox"] },
  "lib/contract": { lib: [], typeOnly: ["steps"] },
  "lib/report": { lib: ["steps", "contract", "format"] },
  "lib/server": {
    lib: [
      "steps",
      "ad",
      "format",
      "verify",
      "directory",
      "tenant",
      "connect",
      "sandbox",
      "contract",
      "report",
    ],
  },
  "lib/client": { lib: ["steps", "contract", "format"] },
  components: { lib: ["steps", "contract", "format", "client"], components: true },
  app: { lib: ["server", "client", "contract", "steps", "format"], components: true },
};

/** Folders whose code runs in the browser: no zod, nothing server-only. */
export const BROWSER = new Set(["lib/client", "components", "lib/contract"]);
