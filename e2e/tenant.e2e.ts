import { type Page } from "@playwright/test";
import {
  expect,
  expectStored,
  runIdFrom,
  simulate,
  storedRun,
  test,
  verifyDirectoryStepsInSandbox,
} from "./fixtures";

// The sandbox tenant end to end: the admin plays the real systems' part with the sandbox controls, the wizard
// checks each cloud step against the simulated tenant over the same Graph client it uses for a real one. The
// directory steps are verified against the run's sandbox directory (sandbox.e2e.ts walks them in detail).

// The enable journey walks the directory steps first (verifyDirectoryStepsInSandbox), so it needs longer than the
// default minute, as sandbox.e2e.ts does.
test.setTimeout(180_000);

/** Presses "Check now" and waits for this check's answer (an earlier "Checked at" line may still be on the page). */
async function checkNow(page: Page) {
  const answered = page.waitForResponse(
    (r) => r.url().includes("/api/verify/") && r.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Check now" }).click();
  expect((await answered).status()).toBe(200);
  await expect(page.getByText(/^Checked at /)).toBeVisible();
  await expect(page.getByRole("button", { name: "Check now" })).toBeEnabled();
}

test("enable flow in the sandbox: cloud checks, sandbox controls and the end-to-end test", async ({
  page,
  axe,
}) => {
  await page.goto("/");
  await expect(page.getByText("Sandbox — simulated tenant and directory")).toBeVisible();
  await page.getByRole("button", { name: "Start enabling writeback" }).click();
  const runId = await runIdFrom(page);

  await test.step("prerequisites: the cloud part is read from the simulated tenant", async () => {
    await page.goto(`/runs/${runId}/prerequisites`);
    await checkNow(page);
    await expect(page.getByRole("list", { name: "Findings", exact: true })).toContainText(
      "synchronised users can use SSPR right now",
    );
  });

  await test.step("the directory steps: verified against the run's sandbox directory, fixes included", async () => {
    await verifyDirectoryStepsInSandbox(page, runId);
  });

  await test.step("connect-writeback: no record until Connect onboards, then evidence", async () => {
    await page.goto(`/runs/${runId}/connect-writeback`);
    await axe(page, "connect-writeback with sandbox controls");
    await checkNow(page);
    await expect(page.getByRole("list", { name: "Findings" })).toContainText("no-writeback-audit-record");
    await expectStored(page, runId, "connect-writeback", "in-progress", null);
    await simulate(
      page,
      "Simulate: tick Password writeback in Connect",
      "Simulated: Password writeback ticked",
    );
    await checkNow(page);
    await expectStored(page, runId, "connect-writeback", "passed", "evidence");
  });

  await test.step("sspr-writeback: no API, so the evidence is a reset that was written back", async () => {
    await page.goto(`/runs/${runId}/sspr-writeback`);
    await expect(page.getByText("No API for this switch.")).toBeVisible();
    await axe(page, "sspr-writeback");
    await simulate(page, "Simulate: the portal writeback switch is on", "writeback switch is on");
    await simulate(
      page,
      "Simulate: a synced user resets their password",
      "OnPremisesAgent Microsoft Entra Connect",
    );
    await checkNow(page);
    await expectStored(page, runId, "sspr-writeback", "passed", "evidence");
  });

  await test.step("sspr-unlock: evidence from an unlock record", async () => {
    await page.goto(`/runs/${runId}/sspr-unlock`);
    await simulate(page, "Simulate: the unlock switch is on", "unlock without reset is on");
    await simulate(page, "Simulate: a synced user unlocks their account", "unlocked their account");
    await checkNow(page);
    await expectStored(page, runId, "sspr-unlock", "passed", "evidence");
  });

  await test.step("end-to-end-test: pick a synced user, confirm, reset through Graph, verify on-premises", async () => {
    await page.goto(`/runs/${runId}/end-to-end-test`);
    await axe(page, "end-to-end-test");
    await page.getByLabel("Find a synchronised test user (start of name or UPN)").fill("casey");
    await page.getByRole("button", { name: "Find users" }).click();
    await expect(page.getByText("No synchronised user starts with that.")).toBeVisible();
    await page.getByLabel("Find a synchronised test user (start of name or UPN)").fill("terry");
    await page.getByRole("button", { name: "Find users" }).click();
    await expect(page.getByLabel("Terry Test (terry.test@contoso.com)")).toBeChecked();
    await page.getByRole("button", { name: "Reset the password and test writeback" }).click();
    await expect(page.getByText("Confirm that this user's password may be replaced.")).toBeVisible();
    await page.getByLabel(/I understand that this user's password is replaced now/).check();
    await page.getByRole("button", { name: "Reset the password and test writeback" }).click();
    await expect(page.getByText("Test result: passed")).toBeVisible({ timeout: 20_000 });
    const password = await page.getByLabel("New password").textContent();
    expect(password?.length).toBe(20);
    await expectStored(page, runId, "end-to-end-test", "passed", "verified");
    const run = await storedRun(page, runId);
    // The password is shown once and stored nowhere in the run.
    expect(JSON.stringify(run)).not.toContain(password!);
    expect(run.events.map((e) => e.type)).toContain("end-to-end-reset");
    await axe(page, "end-to-end-test after the test");
  });

  await page.goto(`/runs/${runId}/review`);
  await expect(page.getByText("Every required step is done.")).toBeVisible();
});

test("clean-up flow in the sandbox: leaks are found, then everything is confirmed off", async ({
  page,
  axe,
}) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Start clean-up" }).click();
  const runId = await runIdFrom(page);

  await test.step("before the clean-up: writeback is on in the simulated tenant", async () => {
    await page.goto(`/runs/${runId}/disable-connect-writeback`);
    await simulate(
      page,
      "Simulate: tick Password writeback in Connect",
      "Simulated: Password writeback ticked",
    );
  });

  await test.step("disable-sspr-options: a reset still written back fails the step; once off it passes", async () => {
    await page.goto(`/runs/${runId}/disable-sspr-options`);
    await axe(page, "disable-sspr-options");
    await simulate(page, "Simulate: the portal writeback switch is on", "writeback switch is on");
    await simulate(
      page,
      "Simulate: a synced user resets their password",
      "OnPremisesAgent Microsoft Entra Connect",
    );
    await checkNow(page);
    await expect(page.getByRole("list", { name: "Findings" })).toContainText("still-written-back");
    await expectStored(page, runId, "disable-sspr-options", "failed", "evidence");
    await simulate(page, "Simulate: the portal writeback switch is off", "writeback switch is off");
    await simulate(page, "Simulate: a synced user resets their password", "OnPremisesAgent None");
    await checkNow(page);
    await expectStored(page, runId, "disable-sspr-options", "passed", "evidence");
  });

  await test.step("disable-connect-writeback: evidence from the Disable record", async () => {
    await page.goto(`/runs/${runId}/disable-connect-writeback`);
    await simulate(
      page,
      "Simulate: clear Password writeback in Connect",
      "Simulated: Password writeback cleared",
    );
    await checkNow(page);
    await expectStored(page, runId, "disable-connect-writeback", "passed", "evidence");
  });

  await test.step("revoke-connector-permissions: nothing was delegated in this run's directory, verified", async () => {
    await page.goto(`/runs/${runId}/revoke-connector-permissions`);
    await checkNow(page);
    await expectStored(page, runId, "revoke-connector-permissions", "passed", "verified");
  });

  await test.step("confirm-disabled: the Disable record and no written-back reset since", async () => {
    await page.goto(`/runs/${runId}/confirm-disabled`);
    await axe(page, "confirm-disabled");
    await checkNow(page);
    await expectStored(page, runId, "confirm-disabled", "passed", "evidence");
  });

  await page.goto(`/runs/${runId}/review`);
  await expect(page.getByText("Every required step is done.")).toBeVisible();
});
