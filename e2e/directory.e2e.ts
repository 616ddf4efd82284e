import { expect, runIdFrom, storedRun, test } from "./fixtures";
import {
  applyLabFix,
  checkNow,
  confirmLabConnector,
  connectorStepAfterFix,
  useLabWithFixRestore,
} from "./lab";

// The directory journey against the Samba lab, on the second web server that playwright.config.ts connects
// to the lab: connector-permissions fails on the seeded lab (OU=Legacy has inheritance disabled, an orphaned
// adminCount=1 account), the fix is previewed as exact SDDL and applied from the wizard with the lab administrator
// typed for that one action, re-verification passes, and the protected account is still reported. Everything the
// fix changed in the shared lab is put back afterwards (e2e/lab.ts).

test.describe("on-premises directory against the lab", () => {
  const settings = useLabWithFixRestore();

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
      await confirmLabConnector(page, settings);
    });

    await test.step("connector-permissions fails: inheritance disabled at OU=Legacy, an orphan, a protected account", async () => {
      await checkNow(page);
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
          // The readable summary (the raw JSON under "Technical details" says it too).
          .getByRole("listitem")
          .filter({ hasText: /users ready; \d+ blocked: .*inheritance disabled at OU=Legacy/ }),
      ).toBeVisible();
      // The full list is searchable.
      await page.getByLabel("Search by name, OU or reason").fill("Legacy");
      await expect(page.getByText(/^\d+ matching findings?/)).toBeVisible();
      await axe(page, "connector-permissions with directory results");
    });

    await test.step("the fix is shown as exact SDDL, then applied with a privileged account typed once", async () => {
      await applyLabFix(page, settings);
    });

    await test.step("re-verification passes; the protected account is still reported", async () => {
      const step = await connectorStepAfterFix(page, runId);
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
