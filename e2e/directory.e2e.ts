import { type Client } from "ldapts";
import { adminClient, captureObjects } from "../lab/scenarios";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { type LabSettings } from "../lab/settings";
import { expect, runIdFrom, storedRun, test } from "./fixtures";

// The directory journey against the Samba lab (issue 5), on the second web server that playwright.config.ts connects
// to the lab: connector-permissions fails on the seeded lab (OU=Legacy has inheritance disabled, an orphaned
// adminCount=1 account), the fix is previewed as exact SDDL and applied from the wizard with the lab administrator
// typed for that one action, re-verification passes, and the protected account is still reported. Everything the
// fix changed in the shared lab is put back afterwards.

// lab/settings.ts uses import.meta (Playwright loads tests as CommonJS), so the settings file is read here directly.
const labFile = path.join(
  process.env.SSPR_LAB_DIR ? path.resolve(process.env.SSPR_LAB_DIR) : path.resolve(".lab"),
  "settings.json",
);
const lab = existsSync(labFile) ? (JSON.parse(readFileSync(labFile, "utf8")) as LabSettings) : null;
const readLabPassword = (file: string): string => readFileSync(file, "utf8").replace(/\r?\n$/, "");
const PORT = Number(process.env.E2E_PORT ?? 3100) + 1;

test.describe("on-premises directory against the lab", () => {
  test.skip(!lab, "no Samba lab provisioned (node cli/bin.mjs lab up)");
  test.use({ baseURL: `http://localhost:${PORT}` });
  test.setTimeout(300_000);

  let admin: Client;
  let restore: (() => Promise<void>) | null = null;
  let settings: LabSettings;

  test.beforeAll(async () => {
    settings = lab as LabSettings;
    admin = await adminClient(settings);
    // What the fix may touch: the domain root, Legacy and its users (Samba keeps inherited entries on existing
    // children when a parent is protected again, so they are restored one by one), and the orphan.
    const { searchEntries } = await admin.search(settings.seed.ous.legacy, {
      scope: "one",
      filter: "(objectClass=user)",
      attributes: ["1.1"],
    });
    restore = await captureObjects(admin, settings, [
      settings.baseDn,
      settings.seed.ous.legacy,
      ...searchEntries.map((e) => e.dn),
      settings.seed.orphanedAdminDn,
    ]);
  });

  test.afterAll(async () => {
    await restore?.();
    await admin?.unbind();
  });

  test("connector-permissions: fails on the seeded lab, fixed from the wizard, passes, protected account still reported", async ({
    page,
    axe,
  }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "Start enabling writeback" }).click();
    const runId = await runIdFrom(page);
    await page.goto(`/runs/${runId}/connector-permissions`);
    await expect(page.getByRole("heading", { name: "On-premises directory" })).toBeVisible();

    await test.step("the first check finds the connector and asks for confirmation", async () => {
      await page.getByRole("button", { name: "Check now" }).click();
      await expect(page.getByText(/Checked at/)).toBeVisible({ timeout: 120_000 });
      await page
        .getByRole("button", {
          name: `Confirm ${settings.netbiosDomain}\\${settings.connector.sAMAccountName}`,
        })
        .click();
      await expect(page.getByText("Connector confirmed. Check the step again.")).toBeVisible();
    });

    await test.step("connector-permissions fails: inheritance disabled at OU=Legacy, an orphan, a protected account", async () => {
      await page.getByRole("button", { name: "Check now" }).click();
      await expect(page.getByText(/Checked at/)).toBeVisible({ timeout: 120_000 });
      const step = (await storedRun(page, runId)).steps["connector-permissions"]!;
      expect(step.status).toBe("failed");
      expect(step.confidence).toBe("verified");
      const findings = page.getByRole("list", { name: "Findings", exact: true });
      await expect(findings).toContainText("inheritance-disabled");
      await expect(findings).toContainText("orphaned-admincount");
      await expect(findings).toContainText("Priya Admin");
      await expect(
        page
          .getByLabel("Evidence")
          .getByText(/users ready; \d+ blocked: .*inheritance disabled at OU=Legacy/),
      ).toBeVisible();
      // The full list is searchable.
      await page.getByLabel("Search by name, OU or reason").fill("Legacy");
      await expect(page.getByText(/^\d+ matching findings?/)).toBeVisible();
      await axe(page, "connector-permissions with directory results");
    });

    await test.step("the fix is shown as exact SDDL, then applied with a privileged account typed once", async () => {
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
    });

    await test.step("re-verification passes; the protected account is still reported", async () => {
      let step = (await storedRun(page, runId)).steps["connector-permissions"]!;
      if (step.status === "waiting") {
        await page.getByRole("button", { name: "Check now" }).click();
        await expect(page.getByText(/Checked at/)).toBeVisible({ timeout: 120_000 });
        step = (await storedRun(page, runId)).steps["connector-permissions"]!;
      }
      expect(step.status).toBe("passed");
      expect(step.confidence).toBe("verified");
      const stored = (await (await page.request.get(`/api/runs/${runId}`)).json()) as {
        steps: Record<string, { findings: { code: string; target?: string }[] }>;
      };
      const findings = stored.steps["connector-permissions"]!.findings;
      expect(
        findings.some((f) => f.code === "protected-account" && f.target === settings.seed.protectedAdminDn),
      ).toBe(true);
      expect(
        findings.some((f) => f.code === "inheritance-disabled" || f.code === "orphaned-admincount"),
      ).toBe(false);
      const run = await storedRun(page, runId);
      expect(run.events.map((e) => e.type)).toContain("verified");
    });
  });
});
