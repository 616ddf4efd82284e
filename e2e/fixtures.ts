import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

// Every journey fails on a console error or an uncaught page error, and can run an axe scan in one line.

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

type Fixtures = {
  /** Console lines a test expects (e.g. the browser's own note about a 404 it navigated to on purpose). */
  expectedConsoleErrors: RegExp[];
  consoleErrors: string[];
  axe: (page: Page, label: string) => Promise<void>;
};

export const test = base.extend<Fixtures>({
  expectedConsoleErrors: [[], { option: true }],
  consoleErrors: [
    async ({ context, expectedConsoleErrors }, use) => {
      const errors: string[] = [];
      context.on("console", (message) => {
        if (message.type() === "error") errors.push(`${message.location().url}: ${message.text()}`);
      });
      context.on("weberror", (error) => errors.push(`page error: ${error.error().message}`));
      await use(errors);
      const unexpected = errors.filter(
        (line) => !expectedConsoleErrors.some((pattern) => pattern.test(line)),
      );
      expect(unexpected, "the browser logged errors").toEqual([]);
    },
    { auto: true },
  ],
  axe: async ({}, use) => {
    await use(async (page, label) => {
      const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
      const summary = results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
      expect(summary, `axe violations on ${label}`).toEqual([]);
    });
  },
});

export { expect };

export interface StoredStep {
  status: string;
  confidence: string | null;
  attestation: { by: string; note?: string; at: string } | null;
  skipReason: string | null;
  notes: string;
  assignee: string | null;
}

export interface StoredRun {
  id: string;
  flow: string;
  version: number;
  steps: Record<string, StoredStep>;
  events: { type: string; summary: string; actor: string; stepId?: string | null }[];
}

/** Reads the run as the server stores it, through the page's own session. */
export async function storedRun(page: Page, runId: string): Promise<StoredRun> {
  const response = await page.request.get(`/api/runs/${runId}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as StoredRun;
}

/** Waits until the page is on a run (after "Start …" was pressed) and returns its id. */
export async function runIdFrom(page: Page): Promise<string> {
  await page.waitForURL(/\/runs\/[^/]+/);
  const match = /\/runs\/([^/]+)/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`not on a run page: ${page.url()}`);
  return match[1];
}

// ---------------------------------------------------------------------------------------------------------
// The sandbox directory (the main server has no LDAP connection, so each run reads its own simulated copy of the
// lab's domain): the wizard's moves on the directory steps, shared by the sandbox journeys.

export const SANDBOX_LABEL = "Sandbox — simulated tenant and directory";

/** On a step page: presses "Check now" and waits for that step's verification to be answered and shown. */
export async function checkNow(page: Page, stepId: string): Promise<void> {
  const answered = page.waitForResponse(
    (r) => r.url().endsWith(`/api/verify/${stepId}`) && r.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Check now" }).click();
  expect((await answered).status()).toBe(200);
  await expect(page.getByText(/^Checked at /)).toBeVisible();
  await expect(page.getByRole("button", { name: "Check now" })).toBeEnabled();
}

/** Presses a "Simulate: …" button of a sandbox panel and waits for what it announces. */
export async function simulate(page: Page, button: string, expected: string | RegExp): Promise<void> {
  await page.getByRole("button", { name: button }).click();
  await expect(page.locator("[aria-live=polite]", { hasText: expected })).toBeVisible();
}

export async function expectStored(
  page: Page,
  runId: string,
  stepId: string,
  status: string,
  confidence: string | null,
): Promise<void> {
  const step = (await storedRun(page, runId)).steps[stepId];
  expect(step?.status, stepId).toBe(status);
  expect(step?.confidence, stepId).toBe(confidence);
}

/** The first check lists the sandbox's connector account (MSOL_…) as the candidate; confirms it. */
export async function confirmSandboxConnector(page: Page): Promise<void> {
  await page.getByRole("button", { name: /^Confirm CONTOSO\\MSOL_/ }).click();
  await expect(page.getByText("Connector confirmed. Check the step again.")).toBeVisible();
}

/**
 * Prepares the wizard's fix (or revocation) on a sandbox run, checks it asks for no credential and says why, applies
 * it and returns the status the step was re-checked to.
 */
export async function applySandboxFix(page: Page, expectChange: RegExp): Promise<string> {
  await page.getByRole("button", { name: /^Prepare the (fix|revocation)$/ }).click();
  const changes = page.getByRole("list", { name: "Changes to apply" });
  await expect(changes).toBeVisible();
  await expect(changes).toContainText(expectChange);
  await expect(page.getByRole("note")).toContainText("Sandbox: no credential needed.");
  await expect(page.getByLabel(/^Privileged account/)).toHaveCount(0);
  await expect(page.getByLabel(/^Its password/)).toHaveCount(0);
  await page.getByRole("button", { name: "Apply these changes" }).click();
  const done = page.getByText(/^Applied \d+ changes?\. The step was checked again: (\w+)\.$/);
  await expect(done).toBeVisible();
  return /checked again: (\w+)\./.exec((await done.textContent()) ?? "")?.[1] ?? "";
}

/** The run's stored findings of one step (code, target, severity). */
export async function storedFindings(
  page: Page,
  runId: string,
  stepId: string,
): Promise<{ code: string; target?: string; severity?: string }[]> {
  const response = await page.request.get(`/api/runs/${runId}`);
  const run = (await response.json()) as {
    steps: Record<string, { findings: { code: string; target?: string; severity?: string }[] }>;
  };
  return run.steps[stepId]?.findings ?? [];
}

/**
 * The directory steps of an enable run, verified against the run's sandbox directory: prerequisites (confirm the
 * connector, simulate the DC upgrade), connector-permissions (the wizard's two fixes: the delegation, then
 * inheritance on OU=Legacy) and password-policy (simulate a minimum age of 0 and read access to the fine-grained policies). Each ends passed, verified.
 */
export async function verifyDirectoryStepsInSandbox(page: Page, runId: string): Promise<void> {
  await page.goto(`/runs/${runId}/prerequisites`);
  await checkNow(page, "prerequisites");
  await confirmSandboxConnector(page);
  await simulate(
    page,
    "Simulate: the DCs offer the password-policy hints control",
    "upgraded to Windows Server 2022",
  );
  await checkNow(page, "prerequisites");
  await expectStored(page, runId, "prerequisites", "passed", "verified");

  await page.goto(`/runs/${runId}/connector-permissions`);
  await checkNow(page, "connector-permissions");
  await expectStored(page, runId, "connector-permissions", "failed", "verified");
  expect(await applySandboxFix(page, /Add the three writeback entries/)).toBe("failed");
  expect(await applySandboxFix(page, /Re-enable inheritance on OU=Legacy/)).toBe("passed");
  await expectStored(page, runId, "connector-permissions", "passed", "verified");

  await page.goto(`/runs/${runId}/password-policy`);
  await checkNow(page, "password-policy");
  await expectStored(page, runId, "password-policy", "failed", "verified");
  await simulate(
    page,
    "Simulate: the minimum password age is set to 0 in every password policy",
    "minimum password age is now 0",
  );
  // A fine-grained policy the wizard cannot read keeps the step from passing until read is granted.
  await simulate(
    page,
    "Simulate: the wizard's account is granted Read on the Password Settings Container",
    "may now read the Password Settings Container",
  );
  await checkNow(page, "password-policy");
  await expectStored(page, runId, "password-policy", "passed", "verified");
}
