import { type Page } from "@playwright/test";
import {
  applySandboxFix,
  checkNow,
  confirmSandboxConnector,
  expect,
  expectStored,
  runIdFrom,
  SANDBOX_LABEL,
  simulate,
  storedFindings,
  storedRun,
  test,
} from "./fixtures";

// What a newcomer gets from `npm start` on a fresh machine: the sandbox, a simulated tenant and a simulated
// directory (the lab's domain, exported and committed as a fixture; each run changes its own copy). Both flows from
// start to finish, failures and fixes included, every step established by the wizard's own checks — no attestation.
// Every page is labelled as the sandbox and scanned with axe (WCAG 2.2 AA).

test.setTimeout(180_000);

/** Opens a page of the wizard: the sandbox label is there, and axe finds nothing. */
async function visit(page: Page, path: string, axe: (page: Page, label: string) => Promise<void>) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText(SANDBOX_LABEL)).toBeVisible();
  await axe(page, path);
}

test("enable flow in the sandbox, start to finish: every failure found, fixed and verified", async ({
  page,
  axe,
}) => {
  await visit(page, "/", axe);
  await page.getByRole("button", { name: "Start enabling writeback" }).click();
  const runId = await runIdFrom(page);
  await expect(page.getByText(SANDBOX_LABEL)).toBeVisible();
  await axe(page, "run page");

  await test.step("prerequisites: the Samba DC lacks policy hints; the DCs are upgraded; verified", async () => {
    await visit(page, `/runs/${runId}/prerequisites`, axe);
    await expect(
      page.getByText(/Sandbox: reads the sandbox directory \(contoso\.test, simulated\)/),
    ).toBeVisible();
    await checkNow(page, "prerequisites");
    const findings = page.getByRole("list", { name: "Findings", exact: true });
    await expect(findings).toContainText("dc-policy-hints-unsupported");
    await expect(findings).toContainText("connector-unconfirmed");
    await expectStored(page, runId, "prerequisites", "failed", "verified");
    await axe(page, "prerequisites with findings");
    await confirmSandboxConnector(page);
    const sandbox = page.getByRole("region", { name: "Sandbox directory" });
    await expect(sandbox).toContainText("password-policy hints not supported");
    await simulate(
      page,
      "Simulate: the DCs offer the password-policy hints control",
      "upgraded to Windows Server 2022",
    );
    await expect(sandbox).toContainText("password-policy hints supported");
    await checkNow(page, "prerequisites");
    await expect(findings).not.toContainText("dc-policy-hints-unsupported");
    await expectStored(page, runId, "prerequisites", "passed", "verified");
  });

  await test.step("connector-permissions: fails, the delegation fix, then inheritance on OU=Legacy, passes", async () => {
    await visit(page, `/runs/${runId}/connector-permissions`, axe);
    await checkNow(page, "connector-permissions");
    await expectStored(page, runId, "connector-permissions", "failed", "verified");
    const findings = page.getByRole("list", { name: "Findings", exact: true });
    await expect(findings).toContainText("missing-delegation");
    await expect(findings).toContainText("orphaned-admincount");
    await expect(findings).toContainText("Pat Protected");
    // The fix form says why it asks for no account, before anything is prepared.
    await expect(page.getByText("No account or password is asked for")).toBeVisible();
    await axe(page, "connector-permissions with findings");

    await page.getByRole("button", { name: "Prepare the fix" }).click();
    await expect(page.getByRole("list", { name: "Changes to apply" })).toBeVisible();
    await axe(page, "connector-permissions with the fix preview");
    // Two changes on the domain root: the delegation, and last the connector's own Unexpire Password entry, which
    // is optional (the right already comes through Authenticated Users) and not applied unless ticked.
    const rootChanges = page.getByLabel("SDDL change on DC=contoso,DC=test");
    await expect(rootChanges).toHaveCount(2);
    await expect(rootChanges.first()).toContainText("+");
    await expect(page.getByRole("list", { name: "Changes to apply" })).toContainText(
      "Optional: Grant Unexpire Password on the domain object",
    );
    await expect(page.getByLabel(/^Also apply the optional change/)).not.toBeChecked();
    await expect(page.getByText(/protected account\(s\) stay as they are/)).toBeVisible();
    // applySandboxFix prepares again (same plan) and applies it.
    expect(await applySandboxFix(page, /Add the three writeback entries/)).toBe("failed");
    // The delegation reaches every user but those below OU=Legacy, where inheritance is disabled.
    expect((await storedFindings(page, runId, "connector-permissions")).map((f) => f.code)).toContain(
      "inheritance-disabled",
    );
    // The page shows the fix's own re-check at once, without "Check now": the earlier findings are replaced.
    await expect(findings).toContainText("inheritance-disabled");
    await expect(findings).not.toContainText("missing-delegation");
    await checkNow(page, "connector-permissions");
    await expect(findings).toContainText("inheritance-disabled");
    await expect(findings).toContainText("OU=Legacy,DC=contoso,DC=test");
    // No waiting for replication in the sandbox: the change took effect at once, so the step says what is left.
    await expectStored(page, runId, "connector-permissions", "failed", "verified");
    await expect(page.getByText("may still be replicating")).toHaveCount(0);

    expect(await applySandboxFix(page, /Re-enable inheritance on OU=Legacy,DC=contoso,DC=test/)).toBe(
      "passed",
    );
    await expectStored(page, runId, "connector-permissions", "passed", "verified");
    const stored = await storedFindings(page, runId, "connector-permissions");
    expect(stored.filter((f) => f.severity === "error")).toEqual([]);
    // The protected account is still reported: AdminSDHolder manages it on purpose.
    expect(stored.some((f) => f.code === "protected-account" && /Pat Protected/.test(f.target ?? ""))).toBe(
      true,
    );
    await axe(page, "connector-permissions after the fixes");
  });

  await test.step("password-policy: a 1-day minimum age and an unreadable policy fail; set to 0, read granted; verified", async () => {
    await visit(page, `/runs/${runId}/password-policy`, axe);
    await checkNow(page, "password-policy");
    const findings = page.getByRole("list", { name: "Findings", exact: true });
    await expect(findings).toContainText("min-password-age");
    await expect(findings).toContainText("fgpp-unreadable");
    await expectStored(page, runId, "password-policy", "failed", "verified");
    await simulate(
      page,
      "Simulate: the minimum password age is set to 0 in every password policy",
      "minimum password age is now 0",
    );
    // The policy the wizard cannot read is not called clean: the step still fails and names it.
    await checkNow(page, "password-policy");
    await expect(findings).not.toContainText("min-password-age");
    await expect(findings).toContainText("CN=Lab Sales PSO");
    await expectStored(page, runId, "password-policy", "failed", "verified");
    await simulate(
      page,
      "Simulate: the wizard's account is granted Read on the Password Settings Container",
      "may now read the Password Settings Container",
    );
    await checkNow(page, "password-policy");
    await expect(page.getByText("fgpp-unreadable")).toHaveCount(0);
    await expectStored(page, runId, "password-policy", "passed", "verified");
    await axe(page, "password-policy after the change");
  });

  await test.step("connect-writeback: no record until Connect onboards, then evidence", async () => {
    await visit(page, `/runs/${runId}/connect-writeback`, axe);
    await checkNow(page, "connect-writeback");
    await expectStored(page, runId, "connect-writeback", "in-progress", null);
    await simulate(
      page,
      "Simulate: tick Password writeback in Connect",
      "Simulated: Password writeback ticked",
    );
    await checkNow(page, "connect-writeback");
    await expectStored(page, runId, "connect-writeback", "passed", "evidence");
  });

  await test.step("sspr-writeback: a reset written back is the evidence", async () => {
    await visit(page, `/runs/${runId}/sspr-writeback`, axe);
    await simulate(page, "Simulate: the portal writeback switch is on", "writeback switch is on");
    await simulate(
      page,
      "Simulate: a synced user resets their password",
      "OnPremisesAgent Microsoft Entra Connect",
    );
    await checkNow(page, "sspr-writeback");
    await expectStored(page, runId, "sspr-writeback", "passed", "evidence");
  });

  await test.step("sspr-unlock: an unlock record is the evidence", async () => {
    await visit(page, `/runs/${runId}/sspr-unlock`, axe);
    await simulate(page, "Simulate: the unlock switch is on", "unlock without reset is on");
    await simulate(page, "Simulate: a synced user unlocks their account", "unlocked their account");
    await checkNow(page, "sspr-unlock");
    await expectStored(page, runId, "sspr-unlock", "passed", "evidence");
  });

  await test.step("end-to-end-test: pre-flight, then a reset through Graph lands in the sandbox directory", async () => {
    await visit(page, `/runs/${runId}/end-to-end-test`, axe);
    // A protected account is refused before anything is reset, with the reason.
    await page.getByLabel("Find a synchronised test user (start of name or UPN)").fill("adm-pat");
    await page.getByRole("button", { name: "Find users" }).click();
    await expect(page.getByText("Stops the test:")).toBeVisible();
    await expect(page.getByText(/Writeback never resets protected accounts, by design/)).toBeVisible();
    await expect(page.getByRole("button", { name: "Reset the password and test writeback" })).toBeDisabled();
    await page.getByLabel("Find a synchronised test user (start of name or UPN)").fill("terry");
    await page.getByRole("button", { name: "Find users" }).click();
    await expect(page.getByLabel("Terry Test (terry.test@contoso.com)")).toBeChecked();
    await expect(
      page.getByRole("heading", { name: "Before the reset: terry.test@contoso.com" }),
    ).toBeVisible();
    await expect(page.getByText("The account is not a protected (admin) account.")).toBeVisible();
    await page.getByRole("button", { name: "Reset the password and test writeback" }).click();
    await page.getByLabel(/I understand that this user's password is replaced now/).check();
    await page.getByRole("button", { name: "Reset the password and test writeback" }).click();
    // An admin reset asks for a new password at the next sign-in; the wizard says so in plain words.
    await expect(
      page.getByText(
        /^Test result: passed — The new password reached Active Directory at \d\d:\d\d UTC on \d{4}-\d\d-\d\d; the user must change it at next sign-in, as Microsoft documents for admin resets\.$/,
      ),
    ).toBeVisible({ timeout: 20_000 });
    await expectStored(page, runId, "end-to-end-test", "passed", "verified");
    await axe(page, "end-to-end-test after the test");
  });

  await test.step("review and report: every step done, none by attestation", async () => {
    await visit(page, `/runs/${runId}/review`, axe);
    await expect(page.getByText("Every required step is done.")).toBeVisible();
    const run = await storedRun(page, runId);
    for (const [stepId, step] of Object.entries(run.steps)) {
      expect(step.status, stepId).toBe("passed");
      expect(step.confidence, stepId).not.toBe("attested");
    }
    expect(run.events.map((e) => e.type)).not.toContain("attested");
    await visit(page, `/runs/${runId}/report`, axe);
    await visit(page, `/runs/${runId}`, axe);
  });
});

test("clean-up flow in the sandbox, start to finish: the leftover delegation is found and revoked", async ({
  page,
  axe,
}) => {
  await visit(page, "/", axe);
  await page.getByRole("button", { name: "Start clean-up" }).click();
  const runId = await runIdFrom(page);
  await expect(page.getByText(SANDBOX_LABEL)).toBeVisible();
  await axe(page, "clean-up run page");

  await test.step("before the clean-up: the simulated tenant has writeback on, as a real one would", async () => {
    await visit(page, `/runs/${runId}/disable-connect-writeback`, axe);
    await expect(
      page.locator("p", { hasText: "Connect option: on · Writeback switch: on · Unlock: on" }),
    ).toBeVisible();
  });

  await test.step("disable-sspr-options: a reset still written back fails; once off it passes", async () => {
    await visit(page, `/runs/${runId}/disable-sspr-options`, axe);
    await simulate(
      page,
      "Simulate: a synced user resets their password",
      "OnPremisesAgent Microsoft Entra Connect",
    );
    await checkNow(page, "disable-sspr-options");
    await expectStored(page, runId, "disable-sspr-options", "failed", "evidence");
    await simulate(page, "Simulate: the portal writeback switch is off", "writeback switch is off");
    await simulate(page, "Simulate: a synced user resets their password", "OnPremisesAgent None");
    await checkNow(page, "disable-sspr-options");
    await expectStored(page, runId, "disable-sspr-options", "passed", "evidence");
  });

  await test.step("disable-connect-writeback: the first clear of the option is the evidence", async () => {
    await visit(page, `/runs/${runId}/disable-connect-writeback`, axe);
    await simulate(
      page,
      "Simulate: clear Password writeback in Connect",
      "Simulated: Password writeback cleared",
    );
    await checkNow(page, "disable-connect-writeback");
    await expectStored(page, runId, "disable-connect-writeback", "passed", "evidence");
  });

  await test.step("revoke-connector-permissions: the delegation is found, revoked from the wizard, verified", async () => {
    await visit(page, `/runs/${runId}/revoke-connector-permissions`, axe);
    await simulate(
      page,
      "Simulate: the connector still holds the writeback delegation from the enable flow",
      "holds the writeback delegation",
    );
    await checkNow(page, "revoke-connector-permissions");
    await expect(page.getByRole("list", { name: "Findings", exact: true })).toContainText(
      "delegation-still-present",
    );
    await expectStored(page, runId, "revoke-connector-permissions", "failed", "verified");
    await axe(page, "revoke-connector-permissions with findings");
    expect(await applySandboxFix(page, /Remove the three writeback entries/)).toBe("passed");
    await expectStored(page, runId, "revoke-connector-permissions", "passed", "verified");
    await axe(page, "revoke-connector-permissions after the revocation");
  });

  await test.step("confirm-disabled: the Disable record and no written-back reset since", async () => {
    await visit(page, `/runs/${runId}/confirm-disabled`, axe);
    await checkNow(page, "confirm-disabled");
    await expectStored(page, runId, "confirm-disabled", "passed", "evidence");
  });

  await test.step("review: every step done, none by attestation", async () => {
    await visit(page, `/runs/${runId}/review`, axe);
    await expect(page.getByText("Every required step is done.")).toBeVisible();
    const run = await storedRun(page, runId);
    for (const [stepId, step] of Object.entries(run.steps)) {
      expect(step.status, stepId).toBe("passed");
      expect(step.confidence, stepId).not.toBe("attested");
    }
    await visit(page, `/runs/${runId}/report`, axe);
  });
});

test("a check pressed the moment a simulation says Done meets no conflict, even when the run reads back slowly", async ({
  page,
}) => {
  // A simulation adds to the run's timeline, which moves the run's version on. The panel must adopt that version
  // before it says "Done": a "Check now" pressed on reading it carries the version on screen, and a stale one is a
  // 412 (CI once caught this race). Slowing the run's read-back makes the race certain.
  await page.goto("/");
  await page.getByRole("button", { name: "Start clean-up" }).click();
  const runId = await runIdFrom(page);
  await page.goto(`/runs/${runId}/revoke-connector-permissions`);
  await expect(page.getByText(SANDBOX_LABEL)).toBeVisible();
  await page.route(`**/api/runs/${runId}`, async (route) => {
    if (route.request().method() === "GET") await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await simulate(
    page,
    "Simulate: the connector still holds the writeback delegation from the enable flow",
    "holds the writeback delegation",
  );
  await checkNow(page, "revoke-connector-permissions");
  await expect(page.getByText(/changed elsewhere/)).toHaveCount(0);
  await page.unroute(`**/api/runs/${runId}`);
  await expectStored(page, runId, "revoke-connector-permissions", "failed", "verified");
});
