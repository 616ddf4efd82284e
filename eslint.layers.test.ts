import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { LAYERS, LIB_FOLDERS } from "./eslint.layers.mjs";

// The layer rules bite: each fixture is linted as if it were a file at that path, with the project's own config.

// import/no-cycle reads the files it follows from disk, and a fixture exists only as text: it is checked by the
// project's own lint run instead.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: { rules: { "import/no-cycle": "off" } } });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = [x];\n`, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports")
    .map((m) => m.message);
}

describe("the layer rules of ARCHITECTURE.md", () => {
  it("report an import from lib/directory into lib/steps", async () => {
    const messages = await restricted(
      "lib/steps/fixture.ts",
      'import { DirectoryScanner as x } from "@/lib/directory/scan";',
    );
    expect(messages).toEqual([expect.stringContaining("lib/steps may not import this layer")]);
  });

  it.each([
    ["lib/directory/fixture.ts", 'import { getStep as x } from "@/lib/steps/catalogue";'],
    ["lib/tenant/fixture.ts", 'import { VERIFIERS as x } from "@/lib/verify/run-verifier";'],
    ["lib/ad/fixture.ts", 'import { parseSnapshot as x } from "@/lib/directory/snapshot";'],
    ["lib/steps/catalogue/fixture.ts", 'import { AUDIT_ACTIVITIES as x } from "@/lib/tenant/graph-facts";'],
    ["lib/verify/fixture.ts", 'import { env as x } from "@/lib/server/env";'],
    ["lib/verify/fixture.ts", 'import { sandboxTenant as x } from "@/lib/sandbox/tenant-model";'],
    ["lib/client/fixture.ts", 'import { loadRun as x } from "@/lib/server/runs-service";'],
    ["lib/client/fixture.ts", 'import { z as x } from "zod";'],
    ["components/fixture.tsx", 'import { VERIFIERS as x } from "@/lib/verify/run-verifier";'],
    ["components/fixture.tsx", 'import { GraphTenant as x } from "@/lib/tenant/graph-adapter";'],
    ["app/fixture.ts", 'import { sandboxTenant as x } from "@/lib/sandbox/tenant-model";'],
    ["lib/server/fixture.ts", 'import { Button as x } from "@/components/ui/button";'],
    ["lib/steps/fixture.ts", 'import { DirectoryScanner as x } from "../directory/scan";'],
    ["lib/directory/checks/fixture.ts", 'import { getStep as x } from "../../steps/catalogue";'],
  ])("report %s importing across the table: %s", async (file, code) => {
    expect(await restricted(file, code)).toHaveLength(1);
  });

  it.each([
    ["lib/verify/fixture.ts", 'import { DirectoryScanner as x } from "@/lib/directory/scan";'],
    ["lib/verify/fixture.ts", 'import { type SandboxDirectory as x } from "@/lib/sandbox/directory";'],
    ["lib/sandbox/fixture.ts", 'import { parseSnapshot as x } from "@/lib/directory/snapshot";'],
    ["lib/steps/catalogue/fixture.ts", 'import { STEP_IDS as x } from "../ids";'],
    ["lib/server/fixture.ts", 'import { VERIFIERS as x } from "@/lib/verify/run-verifier";'],
    ["components/fixture.tsx", 'import { getStep as x } from "@/lib/steps/catalogue";'],
    ["app/fixture.ts", 'import { loadRun as x } from "@/lib/server/runs-service";'],
    ["lib/directory/fixture.test.ts", 'import { getStep as x } from "@/lib/steps/catalogue";'],
  ])("allow %s: %s", async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });

  it("name every folder of lib/ (a new folder must take its place in the table)", () => {
    const folders = readdirSync("lib").filter((name) => statSync(path.join("lib", name)).isDirectory());
    expect([...folders].sort()).toEqual([...LIB_FOLDERS.filter((f) => f !== "format")].sort());
    for (const folder of LIB_FOLDERS.filter((f) => f !== "testing"))
      expect(LAYERS).toHaveProperty([`lib/${folder}`]);
  });
});
