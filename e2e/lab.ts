import { type Client } from "ldapts";
import { type Page } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { adminClient, captureObjects } from "../lab/scenarios";
import { type LabSettings } from "../lab/settings";
import { prerequisite } from "../lib/testing/integration";
import { expect, storedRun, type StoredStep, test } from "./fixtures";

// What the journeys against the Samba lab share (directory.e2e.ts, sharing-lab.e2e.ts): the lab's settings, the
// port of the web server playwright.config.ts connects to it, the lab restore around connector-permissions' fix,
// and the wizard's own moves on that step.

// lab/settings.ts uses import.meta (Playwright loads tests as CommonJS), so the settings file is read here directly.
const labFile = path.join(
  process.env.SSPR_LAB_DIR ? path.resolve(process.env.SSPR_LAB_DIR) : path.resolve(".lab"),
  "settings.json",
);

/** The provisioned lab, or null (the lab journeys then skip, or fail when REQUIRE_INTEGRATION=1). */
export const lab = existsSync(labFile) ? (JSON.parse(readFileSync(labFile, "utf8")) as LabSettings) : null;

export const LAB_SKIP_REASON = "no Samba lab provisioned (node cli/bin.mjs lab up)";

const labPresent = prerequisite(lab ? null : `${LAB_SKIP_REASON}: ${labFile} does not exist`);

/** The second web server (playwright.config.ts), connected to the lab. */
export const LAB_PORT = Number(process.env.E2E_PORT ?? 3100) + 1;
export const LAB_BASE_URL = `http://localhost:${LAB_PORT}`;

export const readLabPassword = (file: string): string => readFileSync(file, "utf8").replace(/\r?\n$/, "");

/**
 * Captures what connector-permissions' fix may touch in the shared lab: the domain root, Legacy and its users
 * (Samba keeps inherited entries on existing children when a parent is protected again, so they are restored one
 * by one), and the orphan. Returns the admin connection and the function that puts it all back and unbinds.
 */
export async function captureConnectorFixTargets(
  settings: LabSettings,
): Promise<{ admin: Client; restore: () => Promise<void> }> {
  const admin = await adminClient(settings);
  try {
    const { searchEntries } = await admin.search(settings.seed.ous.legacy, {
      scope: "one",
      filter: "(objectClass=user)",
      attributes: ["1.1"],
    });
    const putBack = await captureObjects(admin, settings, [
      settings.baseDn,
      settings.seed.ous.legacy,
      ...searchEntries.map((e) => e.dn),
      settings.seed.orphanedAdminDn,
    ]);
    return {
      admin,
      restore: async () => {
        try {
          await putBack();
        } finally {
          await admin.unbind();
        }
      },
    };
  } catch (error) {
    await admin.unbind();
    throw error;
  }
}

/** On the connector-permissions page: presses "Check now" and waits for the result. */
export async function checkNow(page: Page): Promise<void> {
  const answered = page.waitForResponse(
    (r) => r.url().includes("/api/verify/") && r.request().method() === "POST",
    { timeout: 120_000 },
  );
  await page.getByRole("button", { name: "Check now" }).click();
  await answered;
  // The check's own result (a status region); the step page's "Last action" line repeats it.
  await expect(
    page
      .getByRole("status")
      .getByText(/Checked at/)
      .first(),
  ).toBeVisible({ timeout: 120_000 });
}

/** The first check finds the lab's connector and asks for confirmation; confirms it. */
export async function confirmLabConnector(page: Page, settings: LabSettings): Promise<void> {
  await checkNow(page);
  await page
    .getByRole("button", {
      name: `Confirm ${settings.netbiosDomain}\\${settings.connector.sAMAccountName}`,
    })
    .click();
  await expect(page.getByText("Connector confirmed. Check the step again.")).toBeVisible();
}

/** Prepares the fix, checks it is the exact SDDL change for the seeded lab, and applies it as the lab admin. */
export async function applyLabFix(page: Page, settings: LabSettings): Promise<void> {
  await page.getByRole("button", { name: "Prepare the fix" }).click();
  const changes = page.getByRole("list", { name: "Changes to apply" });
  await expect(changes).toBeVisible({ timeout: 120_000 });
  await expect(changes).toContainText("Re-enable inheritance");
  await expect(changes).toContainText(settings.seed.ous.legacy);
  await expect(changes).toContainText("Clear adminCount");
  await expect(page.getByLabel(`SDDL change on ${settings.seed.ous.legacy}`)).toContainText("D:PAI");
  await expect(page.getByText(/protected account\(s\) stay as they are/)).toBeVisible();
  await page.getByLabel("Privileged account (DN, user@domain or DOMAIN\\name)").fill(settings.admin.dn);
  await page
    .getByLabel("Its password (used once, never stored)")
    .fill(readLabPassword(settings.admin.passwordFile));
  await page.getByRole("button", { name: "Apply these changes" }).click();
  await expect(page.getByText(/^Applied \d+ changes?\. The step was checked again/)).toBeVisible({
    timeout: 180_000,
  });
}

/**
 * connector-permissions as stored after the fix was applied. The fix re-checks the step itself; if that re-check
 * left it waiting (the directory had not settled yet), the step is checked once more from the page.
 */
export async function connectorStepAfterFix(page: Page, runId: string): Promise<StoredStep> {
  const step = (await storedRun(page, runId)).steps["connector-permissions"]!;
  if (step.status !== "waiting") return step;
  await checkNow(page);
  return (await storedRun(page, runId)).steps["connector-permissions"]!;
}

/**
 * Inside a describe: runs its tests on the lab-connected server (skipped without a lab, failed without one when
 * REQUIRE_INTEGRATION=1) and puts back whatever the connector-permissions fix changes in the shared lab. Returns
 * the lab settings for the tests.
 */
export function useLabWithFixRestore(): LabSettings {
  test.skip(labPresent.skip, LAB_SKIP_REASON);
  test.use({ baseURL: LAB_BASE_URL });
  test.setTimeout(300_000);
  let restore: (() => Promise<void>) | null = null;
  test.beforeAll(async () => {
    labPresent.assertPresent();
    ({ restore } = await captureConnectorFixTargets(lab as LabSettings));
  });
  test.afterAll(async () => {
    await restore?.();
  });
  return lab as LabSettings;
}
