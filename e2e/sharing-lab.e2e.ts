import { expect, storedRun, test } from "./fixtures";
import {
  applyLabFix,
  checkNow,
  confirmLabConnector,
  connectorStepAfterFix,
  LAB_BASE_URL,
  useLabWithFixRestore,
} from "./lab";
import { CONNECTOR_STEP, createLink, startRun, watchConsole } from "./share";

// Issue 7's hand-off against the Samba lab, on the lab-connected web server (playwright.config.ts): with two browser
// contexts, the owner creates an edit link for the domain admin, the domain admin completes connector-permissions
// against the lab (the check fails on the seeded lab, the fix is applied from the wizard with the lab administrator
// typed in, the re-check passes verified), the owner sees it without reloading, revokes the link, and the domain
// admin gets the 404. Everything the fix changed in the shared lab is put back afterwards (e2e/lab.ts).

test.describe("sharing against the lab", () => {
  const settings = useLabWithFixRestore();

  test("hand-off: the domain admin fixes connector-permissions against the lab through an edit link, then revocation", async ({
    browser,
    page,
    axe,
  }) => {
    const runId = await startRun(page);
    const url =
      await test.step("the owner creates an edit link and hands connector-permissions over", async () => {
        const link = await createLink(page, "domain admin", { handOver: [CONNECTOR_STEP] });
        expect(new URL(link).origin).toBe(LAB_BASE_URL);
        const links = page.getByRole("region", { name: "Share this run" }).getByRole("listitem");
        await expect(links.filter({ hasText: "domain admin" })).toContainText("Active");
        const run = await storedRun(page, runId);
        expect(run.steps["connector-permissions"]?.assignee).toBe("domain admin");
        expect(run.events.map((e) => e.type)).toContain("share-link-created");
        return link;
      });

    const adminContext = await browser.newContext({ baseURL: LAB_BASE_URL });
    const checkAdminConsole = watchConsole(adminContext, [/Failed to load resource: .* 404/]);
    const admin = await adminContext.newPage();

    await test.step("the domain admin opens the link and lands on the clean URL, their step first", async () => {
      await admin.goto(url);
      await expect(admin).toHaveURL(`${LAB_BASE_URL}/runs/${runId}`);
      expect(admin.url()).not.toContain("/share/");
      await expect(admin.getByRole("heading", { name: "This run was shared with you" })).toBeVisible();
      const mine = admin.getByRole("region", { name: "Your steps" });
      await expect(mine.getByRole("link", { name: CONNECTOR_STEP })).toBeVisible();
      await expect(admin.getByRole("heading", { name: "Share this run" })).toHaveCount(0);
      await axe(admin, "shared run page (edit link, lab)");
      const run = await storedRun(admin, runId);
      // Opening the link is counted on the link; the run's timeline (and version) stay as they were.
      expect(run.events.map((e) => e.type)).not.toContain("link-opened");
    });

    await test.step("the domain admin checks connector-permissions: it fails on the seeded lab", async () => {
      await admin
        .getByRole("region", { name: "Your steps" })
        .getByRole("link", { name: CONNECTOR_STEP })
        .click();
      await expect(admin.getByRole("heading", { level: 1 })).toHaveText(CONNECTOR_STEP);
      await expect(admin.getByRole("heading", { name: "On-premises directory" })).toBeVisible();
      await confirmLabConnector(admin, settings);
      await checkNow(admin);
      const step = (await storedRun(admin, runId)).steps["connector-permissions"]!;
      expect(step.status).toBe("failed");
      expect(step.confidence).toBe("verified");
      const findings = admin.getByRole("list", { name: "Findings", exact: true });
      await expect(findings).toContainText("inheritance-disabled");
      await expect(findings).toContainText("orphaned-admincount");
      await axe(admin, "shared connector-permissions with directory results (edit link, lab)");
    });

    await test.step("the domain admin applies the fix from the wizard; the re-check passes, verified", async () => {
      await applyLabFix(admin, settings);
      const step = await connectorStepAfterFix(admin, runId);
      expect(step.status).toBe("passed");
      expect(step.confidence).toBe("verified");
      expect(step.attestation).toBeNull();
      const stored = (await (await admin.request.get(`/api/runs/${runId}`)).json()) as {
        steps: Record<string, { findings: { code: string; target?: string }[] }>;
      };
      const findings = stored.steps["connector-permissions"]!.findings;
      expect(
        findings.some((f) => f.code === "inheritance-disabled" || f.code === "orphaned-admincount"),
      ).toBe(false);
      const run = await storedRun(admin, runId);
      const stepEvents = run.events.filter((e) => e.stepId === "connector-permissions");
      expect(stepEvents.map((e) => e.type)).toContain("verified");
      expect(stepEvents.at(-1)?.actor).toBe("domain admin (via link)");
      await axe(admin, "shared connector-permissions after the fix (edit link, lab)");
    });

    await test.step("the owner sees it passed without reloading", async () => {
      const row = page
        .getByRole("listitem")
        .filter({ has: page.getByRole("link", { name: /Delegate permissions/ }) });
      await expect(row.getByText("Passed", { exact: true })).toBeVisible({ timeout: 15_000 });
      await expect(
        page.getByRole("region", { name: "Timeline" }).getByText("domain admin (via link)").first(),
      ).toBeVisible();
      const step = (await storedRun(page, runId)).steps["connector-permissions"]!;
      expect(step.status).toBe("passed");
      expect(step.confidence).toBe("verified");
    });

    await test.step("the owner revokes the link; the domain admin gets the 404 and the API refuses", async () => {
      await page.getByRole("button", { name: "Revoke the link “domain admin”" }).click();
      const confirm = page.getByRole("dialog", { name: "Revoke the link “domain admin”?" });
      await confirm.getByRole("button", { name: "Revoke the link", exact: true }).click();
      await expect(
        page.getByRole("status").filter({ hasText: "The link “domain admin” no longer works." }),
      ).toBeVisible();
      // The run's pages now say why: the link was revoked (the API still answers 404).
      await admin.goto(`/runs/${runId}/connector-permissions`);
      await expect(admin.getByRole("heading", { name: "This link was revoked by its owner" })).toBeVisible();
      const refused = await admin.request.get(`/api/runs/${runId}`);
      expect(refused.status()).toBe(404);
      const again = await admin.goto(url);
      expect(again?.status()).toBe(404);
      await expect(admin.getByRole("heading", { name: "This link does not work" })).toBeVisible();
      await expect(admin.getByText(/may have expired/)).toBeVisible();
      const run = await storedRun(page, runId);
      expect(run.events.map((e) => e.type)).toContain("share-link-revoked");
      const links = (await (await page.request.get(`/api/runs/${runId}/share-links`)).json()) as {
        links: { label: string; refusedAttempts: number }[];
      };
      expect(links.links.find((l) => l.label === "domain admin")?.refusedAttempts).toBeGreaterThan(0);
      expect(run.steps["connector-permissions"]?.status).toBe("passed");
    });

    await adminContext.close();
    checkAdminConsole();
  });
});
