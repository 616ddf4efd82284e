import { applySandboxFix, checkNow, expect, storedRun, test } from "./fixtures";
import { CONNECTOR_STEP, createLink, startRun, watchConsole } from "./share";

// Sharing a run: two browser contexts, two people. The owner hands a step to the domain admin through an edit
// link, watches it being done without reloading, revokes the link, and the domain admin is locked out. These run on
// the server without an LDAP connection, where each run reads its sandbox directory; the hand-off against the Samba
// lab is sharing-lab.e2e.ts.

test("hand-off: an edit link for the domain admin, live progress, then revocation", async ({
  browser,
  page,
  axe,
}) => {
  const runId = await startRun(page);
  const url = await test.step("the owner creates an edit link and hands a step over", async () => {
    const link = await createLink(page, "domain admin", { handOver: [CONNECTOR_STEP] });
    const links = page.getByRole("region", { name: "Share this run" }).getByRole("listitem");
    await expect(links.filter({ hasText: "domain admin" })).toContainText("Active");
    const run = await storedRun(page, runId);
    expect(run.steps["connector-permissions"]?.assignee).toBe("domain admin");
    expect(run.events.map((e) => e.type)).toContain("share-link-created");
    await axe(page, "run page with the share panel");
    return link;
  });

  const adminContext = await browser.newContext();
  const checkAdminConsole = watchConsole(adminContext, [/Failed to load resource: .* 404/]);
  const admin = await adminContext.newPage();

  await test.step("the domain admin opens the link and lands on the clean URL, their step first", async () => {
    await admin.goto(url);
    await expect(admin).toHaveURL(new RegExp(`/runs/${runId}$`));
    expect(admin.url()).not.toContain("/share/");
    await expect(admin.getByRole("heading", { name: "This run was shared with you" })).toBeVisible();
    const mine = admin.getByRole("region", { name: "Your steps" });
    await expect(mine.getByRole("link", { name: CONNECTOR_STEP })).toBeVisible();
    // The scripts are there, ready to copy; nothing has settled the connector yet, so they show its placeholder.
    await expect(mine.getByRole("button", { name: /^Copy / }).first()).toBeVisible();
    await expect(mine).toContainText("<ACCOUNT>");
    // The owner-only share panel is not.
    await expect(admin.getByRole("heading", { name: "Share this run" })).toHaveCount(0);
    await axe(admin, "shared run page (edit link)");
    const run = await storedRun(admin, runId);
    // Opening the link is counted on the link; the run's timeline (and version) stay as they were.
    expect(run.events.map((e) => e.type)).not.toContain("link-opened");
  });

  await test.step("the domain admin completes connector-permissions with the wizard's fixes", async () => {
    await admin
      .getByRole("region", { name: "Your steps" })
      .getByRole("link", { name: CONNECTOR_STEP })
      .click();
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText(CONNECTOR_STEP);
    // This server has no LDAP connection: the run's sandbox directory is checked, fails, and is fixed from the
    // wizard (no credential in the sandbox). The same hand-off against the Samba lab is sharing-lab.e2e.ts.
    await checkNow(admin, "connector-permissions");
    expect((await storedRun(admin, runId)).steps["connector-permissions"]).toMatchObject({
      status: "failed",
      confidence: "verified",
    });
    expect(await applySandboxFix(admin, /Add the three writeback entries/)).toBe("failed");
    expect(await applySandboxFix(admin, /Re-enable inheritance on OU=Legacy/)).toBe("passed");
    const run = await storedRun(admin, runId);
    expect(run.steps["connector-permissions"]).toMatchObject({ status: "passed", confidence: "verified" });
    expect(run.events.filter((e) => e.stepId === "connector-permissions").at(-1)?.actor).toBe(
      "domain admin (via link)",
    );
  });

  await test.step("once the connector is confirmed, the admin's scripts carry it on the run page too", async () => {
    const answer = await admin.evaluate(async (id) => {
      const state = (await (await fetch(`/api/runs/${id}/directory`)).json()) as {
        scans: Record<string, { candidates: { dn: string; name: string }[] } | undefined>;
      };
      const candidate = state.scans["connector-permissions"]?.candidates[0];
      const res = await fetch(`/api/runs/${id}/directory`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ confirmedConnectorDn: candidate?.dn }),
      });
      return { status: res.status, name: candidate?.name ?? "" };
    }, runId);
    expect(answer.status).toBeLessThan(300);
    const account = answer.name.split("\\").at(-1) ?? "";
    expect(account).toMatch(/^MSOL_/);
    await admin.goto(`/runs/${runId}`);
    const mine = admin.getByRole("region", { name: "Your steps" });
    await expect(mine).toContainText(`-ADConnectorAccountName '${account}'`);
    await expect(mine).not.toContainText("<ACCOUNT>");
  });

  await test.step("the owner sees it without reloading", async () => {
    const row = page
      .getByRole("listitem")
      .filter({ has: page.getByRole("link", { name: /Delegate permissions/ }) });
    await expect(row.getByText("Passed", { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(
      page.getByRole("region", { name: "Timeline" }).getByText("domain admin (via link)").first(),
    ).toBeVisible();
  });

  await test.step("the owner revokes the link; the domain admin gets the 404", async () => {
    await page.getByRole("button", { name: "Revoke the link “domain admin”" }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke the link “domain admin”?" });
    await confirm.getByRole("button", { name: "Revoke the link", exact: true }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "The link “domain admin” no longer works." }),
    ).toBeVisible();
    // The run's pages now say why: the link was revoked (the API still answers 404).
    await admin.goto(`/runs/${runId}`);
    await expect(admin.getByRole("heading", { name: "This link was revoked by its owner" })).toBeVisible();
    const again = await admin.goto(url);
    expect(again?.status()).toBe(404);
    expect(admin.url()).not.toContain(url.split("/share/")[1] ?? "unreachable");
    await expect(admin.getByRole("heading", { name: "This link does not work" })).toBeVisible();
    await axe(admin, "dead share link page");
    const run = await storedRun(page, runId);
    expect(run.events.map((e) => e.type)).toContain("share-link-revoked");
    const links = (await (await page.request.get(`/api/runs/${runId}/share-links`)).json()) as {
      links: { label: string; refusedAttempts: number }[];
    };
    expect(links.links.find((l) => l.label === "domain admin")?.refusedAttempts).toBeGreaterThan(0);
  });

  await adminContext.close();
  checkAdminConsole();
});

test("a view link reads but cannot change; the report prints and downloads", async ({
  browser,
  page,
  axe,
}) => {
  const runId = await startRun(page);
  await page.goto(`/runs/${runId}/prerequisites`);
  await page.getByLabel("Your name").fill("Olivia Owner");
  await page.getByRole("button", { name: "Confirm this step is done" }).click();
  await expect(page.getByRole("status")).toContainText("Recorded: Olivia Owner confirmed this step.");
  await page.goto(`/runs/${runId}`);
  const url = await createLink(page, "auditor", { view: true });

  const viewerContext = await browser.newContext({
    viewport: { width: 360, height: 740 },
    colorScheme: "dark",
  });
  const checkViewerConsole = watchConsole(viewerContext);
  const viewer = await viewerContext.newPage();
  await viewer.goto(url);
  await expect(viewer.getByRole("heading", { name: "This run was shared with you to read" })).toBeVisible();
  await axe(viewer, "shared run page (view link, dark, 360 px)");

  await viewer.goto(`/runs/${runId}/connector-permissions`);
  await expect(viewer.getByText("Your link lets you read this step, not change it.")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Check now" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Confirm this step is done" })).toHaveCount(0);
  // The sandbox directory could be fixed from here, but not through a view link.
  await expect(viewer.getByText("This is a view-only link: the owner of the run")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Prepare the fix" })).toHaveCount(0);
  // The server refuses even a hand-made write.
  const refused = await viewer.request.post("/api/verify/connector-permissions", {
    data: { runId, attestation: { by: "Eve" } },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain("look at the run, not change it");

  await viewer.goto(`/runs/${runId}/report`);
  await expect(viewer.getByRole("heading", { level: 1 })).toHaveText("Enable password writeback");
  await expect(viewer.getByText("Olivia Owner,").first()).toBeVisible();
  const overflow = await viewer.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "horizontal scroll on the report").toBeLessThanOrEqual(0);
  await axe(viewer, "report page (dark, 360 px)");
  const markdown = await viewer.request.get(`/api/runs/${runId}/report?format=md`);
  expect(markdown.status()).toBe(200);
  const text = await markdown.text();
  expect(text).toContain("# Enable password writeback");
  expect(text).not.toContain(url.split("/share/")[1] ?? "unreachable");
  await expect(viewer.getByRole("link", { name: "Download JSON" })).toBeVisible();

  // Printing hides the wizard's chrome and prints black on white.
  await viewer.emulateMedia({ media: "print" });
  await expect(viewer.getByRole("button", { name: "Print or save as PDF" })).toBeHidden();
  await expect(viewer.getByRole("heading", { name: "This run was shared with you to read" })).toBeHidden();
  const color = await viewer.getByRole("heading", { level: 1 }).evaluate((el) => getComputedStyle(el).color);
  expect(color).toBe("rgb(0, 0, 0)");
  await viewerContext.close();
  checkViewerConsole();

  await page.goto(`/runs/${runId}/review`);
  await page.getByRole("button", { name: "Re-verify every step" }).click();
  // Which steps can be checked depends on the sources available (sandbox tenant today, directory later).
  const drift = page.getByRole("region", { name: "Check for drift" });
  await expect(
    drift.getByText(/No step could be checked automatically|Nothing changed|step\(s\) changed since/),
  ).toBeVisible({ timeout: 30_000 });
  await expect(
    drift.getByText("Delegate permissions to the connector account", { exact: false }),
  ).toBeVisible();
  await axe(page, "review page with the drift check");
  await page.goto(`/runs/${runId}/report`);
  await expect(page.getByRole("heading", { name: "Last re-verification" })).toBeVisible();
  await axe(page, "report page");
});
