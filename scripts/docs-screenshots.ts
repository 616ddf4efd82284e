// `npm run docs:screenshots` (after `npx next build`): the README's screenshots, from a sandbox run whose steps the
// wizard established itself — checked against the simulated directory and tenant, the directory fixes applied by
// the wizard, nothing attested. Not a test: it serves the build on its own port and database, drives the run
// through the API from inside the page (same origin, the session cookie of a real browser), and photographs it.
// Look at the images before committing them.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";

const PORT = Number(process.env.DOCS_PORT ?? 3190);
const BASE = `http://localhost:${PORT}`;
const OUT = "docs/images";

async function waitForServer(server: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}`);
    try {
      if ((await fetch(BASE)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The server did not answer on ${BASE}.`);
}

/** One API call from inside the page: same origin, the browser's cookies. Fails on anything but 2xx. */
async function api<T = Record<string, unknown>>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const answer = await page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    },
    { method, path, body },
  );
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text}`);
  return JSON.parse(answer.text) as T;
}

interface Verified {
  status: string;
  confidence: string | null;
}

async function check(page: Page, runId: string, stepId: string, expected: string): Promise<void> {
  const result = await api<Verified>(page, "POST", `/api/verify/${stepId}`, { runId });
  if (result.status !== expected)
    throw new Error(`${stepId}: ${result.status} (${result.confidence}), expected ${expected}`);
  console.log(`${stepId}: ${result.status} (${result.confidence})`);
}

const directory = (page: Page, runId: string, action: string) =>
  api(page, "POST", "/api/sandbox/directory", { runId, control: { action } });
const tenant = (page: Page, runId: string, action: string, on?: boolean) =>
  api(page, "POST", "/api/sandbox/tenant", {
    runId,
    control: on === undefined ? { action } : { action, on },
  });

async function fix(page: Page, runId: string, stepId: string): Promise<void> {
  const plan = await api<{ planId: string }>(page, "POST", `/api/runs/${runId}/directory/fix/preview`, {
    stepId,
  });
  await api(page, "POST", `/api/runs/${runId}/directory/fix/apply`, { stepId, planId: plan.planId });
}

async function main(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), "wizard-docs-"));
  // Its own process group, so stopping it stops next's workers too.
  const server = spawn(join("node_modules", ".bin", "next"), ["start", "-p", String(PORT)], {
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: "",
      DATABASE_FILE: join(data, "wizard.db"),
      SESSION_SECRET_FILE: join(data, "session-secret"),
      ENTRA_CLIENT_ID: "",
      DIRECTORY_LDAP_URL: "",
      SANDBOX_AUDIT_DELAY_SECONDS: "0",
    },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
  try {
    await waitForServer(server);
    const page = await browser.newPage({ baseURL: BASE, viewport: { width: 1280, height: 900 } });
    await page.goto("/");
    const run = await api<{ id: string }>(page, "POST", "/api/runs", { flow: "enable" });
    const runId = run.id;

    // Prerequisites: the DCs upgraded (the Samba DC lacks the policy-hints control), the connector confirmed.
    await directory(page, runId, "upgrade-domain-controllers");
    await check(page, runId, "prerequisites", "failed");
    const state = await api<{ scans: Record<string, { candidates: { dn: string }[] }> }>(
      page,
      "GET",
      `/api/runs/${runId}/directory`,
    );
    const connector = state.scans.prerequisites?.candidates[0]?.dn;
    if (!connector) throw new Error("The sandbox directory offered no connector account.");
    await api(page, "PATCH", `/api/runs/${runId}/directory`, { confirmedConnectorDn: connector });
    await check(page, runId, "prerequisites", "passed");

    // The connector's permissions: the wizard's own two fixes (the delegation, then inheritance on OU=Legacy).
    await check(page, runId, "connector-permissions", "failed");
    await fix(page, runId, "connector-permissions");
    await fix(page, runId, "connector-permissions");
    await check(page, runId, "connector-permissions", "passed");

    // The password policy: a minimum age of 0, and the fine-grained policies readable.
    await directory(page, runId, "minimum-password-age-zero");
    await directory(page, runId, "password-settings-readable");
    await check(page, runId, "password-policy", "passed");

    // The cloud steps: the admin's part simulated, the wizard reading the audit records it leaves.
    await tenant(page, runId, "connect-writeback", true);
    await check(page, runId, "connect-writeback", "passed");
    await tenant(page, runId, "portal-writeback", true);
    await tenant(page, runId, "self-service-reset");
    await check(page, runId, "sspr-writeback", "passed");
    await tenant(page, runId, "portal-unlock", true);
    await tenant(page, runId, "self-service-unlock");
    await check(page, runId, "sspr-unlock", "passed");

    // The end-to-end test: an admin reset of a synchronised test user through Graph, found on-premises.
    const found = await api<{ users: { id: string }[] }>(
      page,
      "GET",
      `/api/tenant/users?runId=${encodeURIComponent(runId)}&search=terry`,
    );
    const userId = found.users[0]?.id;
    if (!userId) throw new Error("The sandbox tenant has no test user “terry”.");
    const e2e = await api<{ verification: Verified }>(page, "POST", "/api/tenant/end-to-end-test", {
      runId,
      userId,
      confirm: true,
    });
    console.log(`end-to-end-test: ${e2e.verification.status} (${e2e.verification.confidence})`);

    mkdirSync(OUT, { recursive: true });
    await page.goto(`/runs/${runId}`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.screenshot({ path: join(OUT, "run-page.png"), fullPage: true });
    console.log(`Wrote ${join(OUT, "run-page.png")} from run ${runId}. Look at it before committing.`);
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid, "SIGTERM");
    rmSync(data, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
