import { readFileSync } from "node:fs";
import path from "node:path";
import { type Page } from "@playwright/test";
import { expect, expectStored, simulate, storedRun, test } from "./fixtures";
import { startRun, watchConsole } from "./share";

// The Connect server checked at evidence level (issue 13): the sandbox's simulated Connect server uploads its
// collector's file and connect-writeback passes on it; a stopped ADSync service fails the step with the fix on
// screen; and the Connect server's administrator, through an edit link, uploads a real collector file that the
// owner's open page shows without a reload.

const CONNECT_STEP = "Turn on password writeback in Entra Connect";

// Each journey checks the step several times and scans every state with axe; the shared machine is slow.
test.describe.configure({ timeout: 150_000 });

async function stepSettles(page: Page, runId: string, status: string): Promise<void> {
  await expect
    .poll(async () => (await storedRun(page, runId)).steps["connect-writeback"]?.status, { timeout: 15_000 })
    .toBe(status);
  await expectStored(page, runId, "connect-writeback", status, "evidence");
}

test("sandbox: the Connect server's evidence passes connect-writeback; a stopped ADSync service fails it with the fix", async ({
  page,
  axe,
}) => {
  const runId = await startRun(page);
  await page.goto(`/runs/${runId}/connect-writeback`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CONNECT_STEP);
  const panel = page.getByRole("region", { name: "The Connect server's own state" });
  await expect(panel).toContainText("No Connect server evidence has been uploaded for this run yet.");

  await test.step("writeback ticked in Connect, the collector's file uploaded: passed at evidence level", async () => {
    await simulate(
      page,
      "Simulate: tick Password writeback in Connect",
      "Simulated: Password writeback ticked",
    );
    await simulate(
      page,
      "Simulate: the Connect server's evidence is uploaded",
      "Simulated: the collector ran on the Connect server",
    );
    await stepSettles(page, runId, "passed");
    await expect(panel.getByRole("heading", { name: "What the collector found on SYNC01" })).toBeVisible();
    await expect(panel).toContainText("On (connector “contoso.onmicrosoft.com - AAD”)");
    await expect(panel).toContainText("CONTOSO\\MSOL_d351318b693c");
    const run = await storedRun(page, runId);
    expect(run.events.map((e) => e.type)).toContain("connect-evidence-uploaded");
    await axe(page, "connect-writeback with the Connect server's evidence");
  });

  await test.step("the ADSync service stops: the step fails, with what to do", async () => {
    await simulate(page, "Simulate: the ADSync service stops", "the ADSync service stopped");
    await stepSettles(page, runId, "failed");
    await expect(panel).toContainText("Stopped (start type Automatic)");
    await expect(
      page.getByText(/Start it \(services\.msc or Start-Service ADSync\) and check again/),
    ).toBeVisible();
    await axe(page, "connect-writeback failed on the Connect server's evidence");
  });

  await test.step("repaired: passed again", async () => {
    await simulate(page, "Simulate: the Connect server is repaired", "the Connect server is healthy again");
    await stepSettles(page, runId, "passed");
  });
});

test("hand-off: the Connect server's administrator uploads the collector's file through an edit link; the owner sees it without reloading", async ({
  browser,
  page,
  axe,
}) => {
  const runId = await startRun(page);
  const url = await test.step("the owner hands the Connect server's steps over", async () => {
    await page
      .getByRole("button", { name: "Hand the Connect server's steps to whoever administers it" })
      .click();
    await expect(page.getByLabel("Who is the link for?")).toHaveValue("Connect server admin");
    await expect(page.getByRole("checkbox", { name: CONNECT_STEP })).toBeChecked();
    await page.getByRole("button", { name: "Create link" }).click();
    const field = page.getByLabel("Link for “Connect server admin”");
    await expect(field).toHaveValue(/\/share\/[A-Za-z0-9_-]{43}$/);
    expect((await storedRun(page, runId)).steps["connect-writeback"]?.assignee).toBe("Connect server admin");
    return field.inputValue();
  });
  await page.goto(`/runs/${runId}/connect-writeback`);
  const ownerPanel = page.getByRole("region", { name: "The Connect server's own state" });
  await expect(ownerPanel).toContainText("No Connect server evidence has been uploaded for this run yet.");

  const adminContext = await browser.newContext();
  // The refused bad file is a 422 the browser notes.
  const checkAdminConsole = watchConsole(adminContext, [/status of 422/]);
  const admin = await adminContext.newPage();
  await test.step("the admin opens the link, downloads the collector and uploads its file", async () => {
    await admin.goto(url);
    await expect(admin).toHaveURL(new RegExp(`/runs/${runId}$`));
    await admin.goto(`/runs/${runId}/connect-writeback`);
    const panel = admin.getByRole("region", { name: "The Connect server's own state" });
    const download = admin.waitForEvent("download");
    await panel.getByRole("link", { name: "Download the Connect server collector (PowerShell)" }).click();
    expect((await download).suggestedFilename()).toBe("Collect-SsprWritebackConnect.ps1");
    const sample = JSON.parse(
      readFileSync(path.join(__dirname, "../lib/connect/samples/connect-evidence.sample.json"), "utf8"),
    ) as {
      collectedAt: string;
      ComputerName: string;
      Events: { Summary: { Id: number; LastTime: string }[] };
    };
    sample.collectedAt = new Date().toISOString();
    sample.ComputerName = "SYNC-HANDOFF";
    // A message from the file that looks like markup is shown as text, never as HTML.
    (
      sample as unknown as { Events: { RecentErrors: { Message: string }[] } }
    ).Events.RecentErrors[0]!.Message =
      "Reset failed for <b id=injected>CN=Megan Bowen</b>: ADPermissionsError.";
    for (const e of sample.Events.Summary)
      if (e.Id === 31019) e.LastTime = new Date(Date.now() - 60_000).toISOString();
    await admin.getByLabel("Upload the Connect server's evidence (.json)").setInputFiles({
      name: "sspr-writeback-connect.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(sample)),
    });
    await expect(
      panel.getByRole("heading", { name: "What the collector found on SYNC-HANDOFF" }),
    ).toBeVisible();
    await axe(admin, "connect-writeback through an edit link, after the upload");
  });

  await test.step("the owner's open page shows the file and the verdict without a reload", async () => {
    await expect(
      ownerPanel.getByRole("heading", { name: "What the collector found on SYNC-HANDOFF" }),
    ).toBeVisible({
      timeout: 15_000,
    });
    await expect(ownerPanel).toContainText("PasswordResetService 33004 ADPermissionsError");
    await expect(ownerPanel).toContainText("Reset failed for <b id=injected>CN=Megan Bowen</b>");
    await expect(page.locator("#injected")).toHaveCount(0);
    await stepSettles(page, runId, "passed");
    const event = (await storedRun(page, runId)).events.find((e) => e.type === "connect-evidence-uploaded");
    expect(event?.actor).toMatch(/Connect server admin/);
  });

  await test.step("a bad file is refused with the field named, and nothing changes", async () => {
    const before = (await storedRun(admin, runId)).version;
    await admin.getByLabel("Upload the Connect server's evidence (.json)").setInputFiles({
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({ format: "sspr-writeback-connect/2" })),
    });
    await expect(
      admin.getByRole("region", { name: "The Connect server's own state" }).getByRole("alert"),
    ).toContainText('format is "sspr-writeback-connect/2"');
    expect((await storedRun(admin, runId)).version).toBe(before);
  });
  checkAdminConsole();
  await adminContext.close();
});
