import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, expectStored, storedRun, test } from "./fixtures";
import { startRun } from "./share";

// The cloud sync provisioning agents' files on the prerequisites step (issue 13, item 5): the collector as a
// download, an agent server's file uploaded and summarised as text, an agent older than Microsoft's minimum failing
// the step at evidence level, a bad file refused with the field named beside the control, and the file removed.

test.describe.configure({ timeout: 150_000 });
// The refused bad file is a 422 the browser notes.
test.use({ expectedConsoleErrors: [/status of 422/] });

const SAMPLE = path.join(__dirname, "../docs/samples/sspr-writeback-cloud-sync.sample.json");

function agentFile(change: (o: Record<string, unknown>) => void): Buffer {
  const o = JSON.parse(readFileSync(SAMPLE, "utf8")) as Record<string, unknown>;
  o.collectedAt = new Date().toISOString();
  change(o);
  return Buffer.from(JSON.stringify(o));
}

test("cloud sync: an old agent's file fails prerequisites at evidence level; a bad file is refused; removal works", async ({
  page,
  axe,
}) => {
  const runId = await startRun(page);
  await page.goto(`/runs/${runId}/prerequisites`);
  const panel = page.getByRole("region", { name: "Using cloud sync instead of Connect?" });
  await panel.getByText("Using cloud sync instead of Connect?").click();
  await expect(panel).toContainText("No provisioning agent file has been uploaded for this run.");
  await axe(page, "prerequisites with the cloud sync section open");

  const download = page.waitForEvent("download");
  await panel.getByRole("link", { name: "Download the provisioning agent collector (PowerShell)" }).click();
  expect((await download).suggestedFilename()).toBe("Collect-SsprWritebackCloudSync.ps1");

  const input = panel.getByLabel(/Upload an agent server's file/);
  await test.step("an agent older than 1.1.977.0: shown as text, and the step fails at evidence level", async () => {
    await input.setInputFiles({
      name: "sspr-writeback-cloud-sync.json",
      mimeType: "application/json",
      buffer: agentFile((o) => {
        o.computerName = "OLD-AGENT";
        const agent = o.agent as { fileVersion: string; productVersion: string };
        agent.fileVersion = "1.1.818.0";
        agent.productVersion = "1.1.818.0";
        // A string from the file that looks like markup is shown as text, never as HTML.
        (o.service as { account: string }).account = "CONTOSO\\<b id=injected>gmsa$</b>";
      }),
    });
    await expect(panel.getByRole("heading", { name: "Agent server OLD-AGENT" })).toBeVisible();
    await expect(panel).toContainText("1.1.818.0: older than 1.1.977.0, the minimum for password writeback");
    await expect(panel).toContainText("CONTOSO\\<b id=injected>gmsa$</b>");
    await expect(page.locator("#injected")).toHaveCount(0);
    await expect
      .poll(async () => (await storedRun(page, runId)).steps.prerequisites?.status, { timeout: 15_000 })
      .toBe("failed");
    await expectStored(page, runId, "prerequisites", "failed", "evidence");
    const events = (await storedRun(page, runId)).events;
    expect(events.map((e) => e.summary)).toContainEqual(
      expect.stringMatching(/^Uploaded the provisioning agent file of OLD-AGENT/),
    );
    await axe(page, "prerequisites with an agent file");
  });

  await test.step("a bad file is refused beside the control, naming the field; nothing changes", async () => {
    const before = (await storedRun(page, runId)).version;
    await input.setInputFiles({
      name: "bad.json",
      mimeType: "application/json",
      buffer: agentFile((o) => ((o.agent as { installed: unknown }).installed = "yes")),
    });
    await expect(panel.getByRole("alert")).toContainText("agent.installed must be true or false");
    expect((await storedRun(page, runId)).version).toBe(before);
    await expect(panel.getByRole("heading", { name: "Agent server OLD-AGENT" })).toBeVisible();
  });

  await test.step("the file is removed", async () => {
    await panel.getByRole("button", { name: "Remove the file of OLD-AGENT" }).click();
    await expect(panel).toContainText("No provisioning agent file has been uploaded for this run.");
    await expect(panel.getByRole("status")).toContainText("The file of OLD-AGENT was removed");
  });
});
