import { defineConfig, devices } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const dataDir = process.env.E2E_DATA_DIR ?? "./data/e2e";

// A second server for the directory journeys, connected to the Samba lab when one is provisioned (else
// those journeys skip). Kept apart so the other journeys see a wizard without LDAP, as before. The read-only
// account's password stays in its file.
const DIRECTORY_E2E_PORT = PORT + 1;
// Read directly (lab/settings.ts uses import.meta, which Playwright's config loader cannot run); same location rule.
const labFile = path.join(
  process.env.SSPR_LAB_DIR ? path.resolve(process.env.SSPR_LAB_DIR) : path.resolve(".lab"),
  "settings.json",
);
const lab = existsSync(labFile)
  ? (JSON.parse(readFileSync(labFile, "utf8")) as {
      url: string;
      caFile: string;
      serverName: string;
      baseDn: string;
      wizard: { dn: string; passwordFile: string };
    })
  : null;
const directoryEnv: Record<string, string> = lab
  ? {
      DIRECTORY_LDAP_URL: lab.url,
      DIRECTORY_CA_FILE: lab.caFile,
      DIRECTORY_TLS_SERVER_NAME: lab.serverName,
      DIRECTORY_BIND_DN: lab.wizard.dn,
      DIRECTORY_BIND_PASSWORD_FILE: lab.wizard.passwordFile,
      DIRECTORY_BASE_DN: lab.baseDn,
    }
  : {};

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.e2e.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: [
    {
      // The production build, as `npm start` serves it, on its own port and database.
      command: `rm -rf ${dataDir} && npx next start -p ${PORT}`,
      url: `http://localhost:${PORT}`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_FILE: `${dataDir}/wizard.db`,
        SESSION_SECRET_FILE: `${dataDir}/session-secret`,
        DATABASE_URL: "",
        // The journeys check right after each simulated action: audit records show at once.
        SANDBOX_AUDIT_DELAY_SECONDS: "0",
      },
    },
    ...(lab
      ? [
          {
            command: `rm -rf ${dataDir}-directory && npx next start -p ${DIRECTORY_E2E_PORT}`,
            url: `http://localhost:${DIRECTORY_E2E_PORT}`,
            reuseExistingServer: false,
            timeout: 120_000,
            env: {
              NEXT_TELEMETRY_DISABLED: "1",
              DATABASE_FILE: `${dataDir}-directory/wizard.db`,
              SESSION_SECRET_FILE: `${dataDir}-directory/session-secret`,
              DATABASE_URL: "",
              SANDBOX_AUDIT_DELAY_SECONDS: "0",
              ...directoryEnv,
            },
          },
        ]
      : []),
  ],
});
