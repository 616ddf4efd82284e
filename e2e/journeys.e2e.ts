import { type Page } from "@playwright/test";
import { expect, runIdFrom, storedRun, test } from "./fixtures";

const ENABLE_STEPS = [
  ["prerequisites", "passed"],
  ["connector-permissions", "passed"],
  ["password-policy", "passed"],
  ["connect-writeback", "passed"],
  ["sspr-writeback", "passed"],
  ["sspr-unlock", "skipped"],
  ["end-to-end-test", "passed"],
] as const;

const CLEANUP_STEPS = [
  "disable-sspr-options",
  "disable-connect-writeback",
  "revoke-connector-permissions",
  "confirm-disabled",
];

// These journeys establish steps by attestation on purpose: a named person's word remains a legitimate path where
// the admin cannot or will not let the wizard check. The same flows verified by the wizard's own checks — the
// sandbox directory's failures fixed from the wizard included — are sandbox.e2e.ts.

async function attest(page: Page, name: string, note: string) {
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Note (optional)").fill(note);
  await page.getByRole("button", { name: "Confirm this step is done" }).click();
  await expect(page.getByRole("status")).toContainText(`Recorded: ${name} confirmed this step.`);
}

test("the enable flow, by attestation, survives a reload in the middle", async ({ page, axe }) => {
  await page.goto("/");
  await axe(page, "landing page");
  await page.getByRole("button", { name: "Start enabling writeback" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enable password writeback");
  const runId = await runIdFrom(page);
  await expect(page.getByText(/Usually done after/).first()).toBeVisible();
  await axe(page, "run page");

  for (const [index, [stepId, expected]] of ENABLE_STEPS.entries()) {
    await test.step(stepId, async () => {
      await page.goto(`/runs/${runId}/${stepId}`);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      if (index === 0) await axe(page, "step page");
      if (expected === "skipped") {
        await page.getByLabel("Reason for skipping").fill("Unlock without reset is not wanted here");
        await page.getByRole("button", { name: "Skip this step" }).click();
        await expect(page.getByRole("status")).toContainText("Step skipped.");
      } else {
        await attest(page, "Ada Admin", `did ${stepId}`);
      }
      const run = await storedRun(page, runId);
      const step = run.steps[stepId]!;
      expect(step.status).toBe(expected);
      if (expected === "passed") {
        expect(step.confidence).toBe("attested");
        expect(step.attestation?.by).toBe("Ada Admin");
        expect(step.attestation?.note).toBe(`did ${stepId}`);
      } else {
        expect(step.skipReason).toBe("Unlock without reset is not wanted here");
      }
      if (stepId === "password-policy") {
        // Leave and come back: a reload shows exactly what was recorded.
        await page.reload();
        await expect(page.getByText("Confirmed by")).toBeVisible();
        await expect(page.getByText("Ada Admin,")).toBeVisible();
        await page.goto(`/runs/${runId}`);
        await expect(page.getByRole("link", { name: /3\. / })).toBeVisible();
        const rows = page.getByRole("listitem").filter({ hasText: "Passed" });
        await expect(rows).toHaveCount(3);
      }
    });
  }

  await page.goto(`/runs/${runId}/review`);
  await expect(page.getByRole("heading", { name: "Check your answers" })).toBeVisible();
  await expect(page.getByText("Every required step is done.")).toBeVisible();
  await axe(page, "review page");
  await page.goto(`/runs/${runId}`);
  await expect(page.getByText("Ada Admin confirmed")).toHaveCount(6);

  const run = await storedRun(page, runId);
  expect(run.events.map((e) => e.type)).toEqual(
    expect.arrayContaining(["run-created", "attested", "skipped"]),
  );
});

test("the clean-up flow, by attestation, end to end", async ({ page, axe }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Start clean-up" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Clean up password writeback");
  const runId = await runIdFrom(page);
  for (const stepId of CLEANUP_STEPS) {
    await test.step(stepId, async () => {
      await page
        .getByRole("link", { name: new RegExp(`^\\d\\. `) })
        .first()
        .waitFor();
      await page.goto(`/runs/${runId}/${stepId}`);
      await axe(page, `clean-up step ${stepId}`);
      await attest(page, "Grace Domainadmin", "done");
      expect((await storedRun(page, runId)).steps[stepId]?.status).toBe("passed");
      await page.goto(`/runs/${runId}`);
    });
  }
  await page.goto(`/runs/${runId}/review`);
  await expect(page.getByText("Every required step is done.")).toBeVisible();
});

test("two windows on one run: the stale one sees the conflict and loses nothing", async ({
  browser,
  page,
}) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Start enabling writeback" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const runId = await runIdFrom(page);

  // A second browser context with the same session: the same admin in another window.
  const other = await browser.newContext({ storageState: await page.context().storageState() });
  const second = await other.newPage();
  await page.goto(`/runs/${runId}/prerequisites`);
  await second.goto(`/runs/${runId}/prerequisites`);

  // Window one saves a note; window two, still on the old version, then saves its own.
  await page.getByLabel("Notes", { exact: true }).fill("Licence checked in the portal");
  await page.getByRole("button", { name: "Save notes" }).click();
  await expect(page.getByRole("status")).toContainText("Saved.");

  await second.getByLabel("Notes", { exact: true }).fill("Licence P2 confirmed by procurement");
  await second.getByRole("button", { name: "Save notes" }).click();
  await expect(second.getByRole("alert").filter({ hasText: "This run changed elsewhere" })).toBeVisible();
  // The unsaved input is still there, on top of the fresh state.
  await expect(second.getByLabel("Notes", { exact: true })).toHaveValue(
    "Licence P2 confirmed by procurement",
  );
  expect((await storedRun(second, runId)).steps.prerequisites?.notes).toBe("Licence checked in the portal");

  // Saving again now applies on top of the current version.
  await second.getByRole("button", { name: "Save notes" }).click();
  await expect(second.getByRole("status")).toContainText("Saved.");
  const run = await storedRun(second, runId);
  expect(run.steps.prerequisites?.notes).toBe("Licence P2 confirmed by procurement");
  expect(run.events.filter((e) => e.type === "note")).toHaveLength(2);
  await other.close();
});

test("keyboard only: start a run, open a step and attest it", async ({ page }) => {
  await page.goto("/");
  // The skip link is the first stop.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
  const start = page.getByRole("button", { name: "Start enabling writeback" });
  for (let i = 0; i < 15 && !(await start.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(start).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enable password writeback");
  const firstStep = page.getByRole("link", { name: /^1\. / });
  await firstStep.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Enable password writeback");
  await page.getByLabel("Your name").focus();
  await page.keyboard.type("Kim Keyboard");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Recorded: Kim Keyboard confirmed this step.");
});

test("works at 360 px wide and in dark mode", async ({ browser, axe }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto("/");
  await axe(page, "landing (dark, 360 px)");
  await page.getByRole("button", { name: "Start clean-up" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const runId = await runIdFrom(page);
  for (const path of [`/runs/${runId}`, `/runs/${runId}/disable-sspr-options`, `/runs/${runId}/review`]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal scroll on ${path}`).toBeLessThanOrEqual(0);
    await axe(page, `${path} (dark, 360 px)`);
  }
  await context.close();
});

test.describe("not found", () => {
  test.use({ expectedConsoleErrors: [/does-not-exist: Failed to load resource: .* 404/] });
  test("unknown pages and runs answer with a helpful 404", async ({ page, axe }) => {
    const response = await page.goto("/runs/does-not-exist");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await axe(page, "not-found page");
  });
});
