#!/usr/bin/env node
// Entry point of `npx sspr-writeback`. The CLI is TypeScript; tsx compiles it on the fly so no build step is
// needed. The package is CommonJS by default, so .ts files load through tsx's CommonJS hooks as well as its
// ESM ones.
import { register as registerCjs } from "tsx/cjs/api";
import { register as registerEsm } from "tsx/esm/api";

registerCjs();
registerEsm();
const entry = await import("./main.ts");
// Loaded as CommonJS, the module's exports arrive under `default`.
const main = entry.main ?? entry.default.main;
process.exitCode = await main(process.argv.slice(2));
