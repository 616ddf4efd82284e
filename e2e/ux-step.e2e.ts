import { type Locator, type Page } from "@playwright/test";
import { expect, runIdFrom, test } from "./fixtures";

// The step page as a new admin meets it, on a sandbox run: every action ("Check now", "Apply", "Simulate",
// "Confirm", "Revoke") answers beside the control that asked, in a live region that takes keyboard focus; findings
// and evidence read as sentences, the raw JSON only behind "Technical details"; scripts carry the run's own connector
// and domain; the fix preview says what it adds before the SDDL. Axe (WCAG 2.2 AA) in light and dark.

// Axe in two schemes on a machine shared with other builds: generous.
test.setTimeout(420_000);

/**
 * Clicks a control and checks its answer: the ActionResult named `label` is inside the viewport after the click,
 * holds keyboard focus (never <body>), and says `text`. Returns the answer's box.
 */
async function act(page: Page, control: Locator, label: string, text: string | RegExp): Promise<Locator> {
  await control.scrollIntoViewIfNeeded();
  await control.click();
  const answer = page.locator(`[data-action-result="${label}"] > [tabindex="-1"]`);
  await expect(answer).toBeVisible({ timeout: 30_000 });
  await expect(answer).toContainText(text);
  await expect
    .poll(() =>
      page.evaluate((l) => {
        const region = document.querySelector(`[data-action-result="${l}"]`);
        const active = document.activeElement;
        return Boolean(region && active && active !== document.body && region.contains(active));
      }, label),
    )
    .toBe(true);
  const box = await answer.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport).toBeTruthy();
  // The whole answer is on screen: nothing to scroll to find what the click did.
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport!.height + 1);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport!.width + 1);
  // And beside the control, when the control is still there (a confirmed connector's button is replaced).
  if ((await control.count()) === 1 && (await control.isVisible())) {
    const at = await control.boundingBox();
    if (at) expect(Math.abs(at.y - box!.y)).toBeLessThan(viewport!.height);
  }
  return answer;
}

/** Text a person sees (closed disclosures are not rendered, so their content is not in innerText). */
const visibleText = (page: Page) => page.evaluate(() => document.body.innerText);
const RAW_JSON = /\{\s*"|"\s*:\s*[{["\d]/;

async function axeBothSchemes(page: Page, axe: (page: Page, label: string) => Promise<void>, label: string) {
  await page.emulateMedia({ colorScheme: "light" });
  await axe(page, `${label} (light)`);
  await page.emulateMedia({ colorScheme: "dark" });
  await axe(page, `${label} (dark)`);
  await page.emulateMedia({ colorScheme: "light" });
}

test("enable flow: answers beside the action, findings and evidence for people, the run's values in scripts", async ({
  page,
  axe,
}) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Start enabling writeback" }).click();
  const runId = await runIdFrom(page);
  // The order of the steps is advice: nothing says a step "cannot start".
  await expect(page.getByText("Cannot start yet")).toHaveCount(0);
  await expect(page.getByText(/Usually done after/).first()).toBeVisible();

  await test.step("prerequisites: the sandbox names its admin; check, confirm, simulate, check", async () => {
    await page.goto(`/runs/${runId}/prerequisites`);
    await expect(page.getByText(/sign in to this wizard/i)).toHaveCount(0);
    await expect(
      page.getByText(/simulated admin Ada Admin \(ada\.admin@contoso\.onmicrosoft\.com\)/),
    ).toBeVisible();
    // "On this page" takes the admin straight to the check, past the directory panel and the instructions.
    const contents = page.getByRole("navigation", { name: "On this page" });
    await expect(contents.getByRole("link")).toHaveText([
      "What to do",
      "Checks and findings",
      "Scripts",
      "What can go wrong",
      "Record that it is done",
      "Notes and hand-off",
    ]);
    await expect(page.getByRole("button", { name: "Check now" })).not.toBeInViewport();
    await contents.getByRole("link", { name: "Checks and findings" }).click();
    await expect(page).toHaveURL(/#checks-heading$/);
    await expect(page.getByRole("button", { name: "Check now" })).toBeInViewport();

    await act(page, page.getByRole("button", { name: "Check now" }), "check", /Failed/);
    await expect(page.locator('[data-action-result="check"]')).toContainText(/Checked at .*blocking finding/);
    // The top-of-page summary stays too.
    await expect(page.getByText(/^Last action:/).first()).toBeVisible();

    const findings = page.getByRole("list", { name: "Findings", exact: true });
    const policyHints = findings.getByRole("listitem").filter({ hasText: "dc-policy-hints-unsupported" });
    await expect(policyHints).toContainText("Blocking");
    await expect(policyHints).toContainText("Domain controller lacks the password-policy hints control");
    await expect(policyHints).toContainText("For writeback:");
    const note = findings.getByRole("listitem").filter({ hasText: "samserver-read" });
    await expect(note).toContainText("Information");

    // Evidence: sentences; the JSON only once "Technical details" is opened.
    const evidence = page.getByRole("region", { name: "Evidence" });
    await expect(evidence).toContainText(/Directory: Read the sandbox directory .*connector CONTOSO\\MSOL_/);
    expect(await visibleText(page)).not.toMatch(RAW_JSON);
    await axeBothSchemes(page, axe, "prerequisites with findings");
    await evidence.getByText("Technical details").click();
    expect(await visibleText(page)).toMatch(RAW_JSON);
    await evidence.getByText("Technical details").click();

    await act(
      page,
      page.getByRole("button", { name: /^Confirm CONTOSO\\MSOL_/ }),
      "connector",
      "Connector confirmed. Check the step again.",
    );
    await act(
      page,
      page.getByRole("button", { name: "Simulate: the DCs offer the password-policy hints control" }),
      "sandbox",
      "upgraded to Windows Server 2022",
    );
    await act(page, page.getByRole("button", { name: "Check now" }), "check", /Passed/);
    await expect(page.getByText("Cannot start yet")).toHaveCount(0);
    // The script of this step now names the run's domain.
    await expect(
      page.getByText(/Get-ADDomainController -Filter \* -Server 'contoso\.test'/).first(),
    ).toBeVisible();
  });

  await test.step("connector-permissions: grouped findings, the run's values, the fix in plain words", async () => {
    await page.goto(`/runs/${runId}/connector-permissions`);
    await act(page, page.getByRole("button", { name: "Check now" }), "check", /Failed/);
    const findings = page.getByRole("list", { name: "Findings", exact: true });
    await expect(findings).toContainText("Connector lacks the writeback permissions");
    await expect(findings).toContainText("missing-delegation");
    // Two protected accounts under CN=Users: one line, the list behind a disclosure, searchable.
    const group = findings
      .getByRole("listitem")
      .filter({ hasText: "3 users under DC=contoso: protected admin accounts" });
    await expect(group).toBeVisible();
    await group.getByText(/^Show the 3 objects/).click();
    await group.getByLabel("Filter by name or OU").fill("krbtgt");
    await expect(group.getByText("1 of 3 objects match.")).toBeVisible();
    const download = page.waitForEvent("download");
    await group.getByRole("button", { name: /Download as CSV/ }).click();
    expect((await download).suggestedFilename()).toBe("connector-permissions-protected-account.csv");

    // Scripts, dsacls and the attestation sentence carry the confirmed connector and its domain.
    const scripts = page.getByRole("region", { name: "Scripts" });
    await expect(scripts).toContainText(
      /-ADConnectorAccountName 'MSOL_[0-9a-f]+' -ADConnectorAccountDomain 'contoso\.test'/,
    );
    await expect(scripts).not.toContainText("<ACCOUNT>");
    await expect(scripts).not.toContainText("<DOMAIN_FQDN>");
    await expect(page.getByText(/^I granted CONTOSO\\MSOL_[0-9a-f]+ Reset password/)).toBeVisible();
    expect(await visibleText(page)).not.toMatch(RAW_JSON);

    // The finding's own button prepares the wizard's fix: a sentence first, the SDDL behind a disclosure.
    await findings.getByRole("button", { name: "Fix this with the wizard" }).first().click();
    const changes = page.getByRole("list", { name: "Changes to apply" });
    await expect(changes).toContainText(
      /Adds 3 permissions for CONTOSO\\MSOL_[0-9a-f]+: Reset password, Write lockoutTime, Write pwdLastSet on descendant user objects of DC=contoso,DC=test\./,
    );
    const sddl = changes.getByLabel(/^SDDL change on DC=contoso,DC=test/).first();
    await expect(sddl).toBeHidden();
    await changes
      .getByText(/^Exact permission change \(SDDL\): 3 added, 0 removed/)
      .first()
      .click();
    await expect(sddl).toBeVisible();
    // Wrapped, never cut: the block is no wider than its box.
    expect(await sddl.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expect(sddl).toContainText("Added: (OA;CIIO;CR;00299570");
    await expect(sddl).not.toContainText("Removed: O:");
    await axeBothSchemes(page, axe, "connector-permissions with the fix preview");

    await act(
      page,
      page.getByRole("button", { name: "Apply these changes" }),
      "fix",
      /Applied \d+ changes?\. The step was checked again: failed\./,
    );
    await page.getByRole("button", { name: "Prepare the fix" }).click();
    await expect(page.getByRole("list", { name: "Changes to apply" })).toContainText(
      /Turns permission inheritance back on for OU=Legacy/,
    );
    await act(
      page,
      page.getByRole("button", { name: "Apply these changes" }),
      "fix",
      "The step was checked again: passed.",
    );
  });

  await test.step("connect-writeback: simulate, then check", async () => {
    await page.goto(`/runs/${runId}/connect-writeback`);
    await act(
      page,
      page.getByRole("button", { name: "Simulate: tick Password writeback in Connect" }),
      "sandbox",
      /./,
    );
    await act(page, page.getByRole("button", { name: "Check now" }), "check", /Passed/);
    await expect(page.getByText("Cannot start yet")).toHaveCount(0);
    await axeBothSchemes(page, axe, "connect-writeback passed");
  });

  await test.step("sspr-unlock: an error and a confirmation both answer beside the button", async () => {
    await page.goto(`/runs/${runId}/sspr-unlock`);
    const confirm = page.getByRole("button", { name: "Confirm this step is done" });
    const error = await act(page, confirm, "attest", "Enter the name of the person who did this step.");
    await expect(error).toHaveAttribute("role", "alert");
    await page.getByLabel("Your name").fill("Ada Admin");
    await act(page, confirm, "attest", "Recorded: Ada Admin confirmed this step.");
    await expect(page.getByText("Cannot start yet")).toHaveCount(0);
  });

  await test.step("the review page links to the report", async () => {
    await page.goto(`/runs/${runId}/review`);
    await page.getByRole("link", { name: "Open the report" }).click();
    await expect(page).toHaveURL(new RegExp(`/runs/${runId}/report$`));
  });
});

test("clean-up flow: the revocation answers beside its button", async ({ page, axe }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Start clean-up" }).click();
  const runId = await runIdFrom(page);
  await page.goto(`/runs/${runId}/revoke-connector-permissions`);
  await act(
    page,
    page.getByRole("button", {
      name: "Simulate: the connector still holds the writeback delegation from the enable flow",
    }),
    "sandbox",
    /./,
  );
  await act(page, page.getByRole("button", { name: "Check now" }), "check", /Failed/);
  const findings = page.getByRole("list", { name: "Findings", exact: true });
  await expect(findings).toContainText("Writeback permissions are still delegated");
  const connector = page.getByRole("button", { name: /^Confirm CONTOSO\\MSOL_/ });
  if ((await connector.count()) > 0) await act(page, connector, "connector", "Connector confirmed.");
  await findings.getByRole("button", { name: "Remove them with the wizard" }).first().click();
  const changes = page.getByRole("list", { name: "Changes to apply" });
  await expect(changes).toContainText(
    /Removes 3 permissions of CONTOSO\\MSOL_[0-9a-f]+: Reset password, Write lockoutTime, Write pwdLastSet on descendant user objects of DC=contoso,DC=test\./,
  );
  await axeBothSchemes(page, axe, "revoke preview");
  await act(page, page.getByRole("button", { name: "Apply these changes" }), "fix", /Revoked/);
  await expect(page.locator('[data-action-result="fix"]')).toContainText(
    "The step was checked again: passed.",
  );
});
