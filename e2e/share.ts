import { type BrowserContext, type Page } from "@playwright/test";
import { expect, runIdFrom } from "./fixtures";

// What the sharing journeys share (sharing.e2e.ts, sharing-lab.e2e.ts): starting a run, creating a link, and the
// console watch for the second person's browser.

export const CONNECTOR_STEP = "Delegate permissions to the connector account";

/** The fixture watches the test's own context; a second person's browser gets the same strictness here. */
export function watchConsole(context: BrowserContext, expected: RegExp[] = []): () => void {
  const errors: string[] = [];
  context.on("console", (message) => {
    if (message.type() === "error") errors.push(`${message.location().url}: ${message.text()}`);
  });
  context.on("weberror", (error) => errors.push(`page error: ${error.error().message}`));
  return () =>
    expect(
      errors.filter((line) => !expected.some((pattern) => pattern.test(line))),
      "the second browser logged errors",
    ).toEqual([]);
}

export async function startRun(page: Page): Promise<string> {
  await page.goto("/");
  await page.getByRole("button", { name: "Start enabling writeback" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enable password writeback");
  return runIdFrom(page);
}

export async function createLink(
  page: Page,
  label: string,
  options: { view?: boolean; handOver?: string[] } = {},
): Promise<string> {
  await page.getByLabel("Who is the link for?").fill(label);
  if (options.view) await page.getByRole("radio", { name: /Only look/ }).check();
  for (const step of options.handOver ?? []) await page.getByRole("checkbox", { name: step }).check();
  await page.getByRole("button", { name: "Create link" }).click();
  const field = page.getByLabel(`Link for “${label}”`);
  await expect(field).toHaveValue(/\/share\/[A-Za-z0-9_-]{43}$/);
  return field.inputValue();
}
