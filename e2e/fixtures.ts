import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

// Every journey fails on a console error or an uncaught page error, and can run an axe scan in one line.

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

type Fixtures = {
  /** Console lines a test expects (e.g. the browser's own note about a 404 it navigated to on purpose). */
  expectedConsoleErrors: RegExp[];
  consoleErrors: string[];
  axe: (page: Page, label: string) => Promise<void>;
};

export const test = base.extend<Fixtures>({
  expectedConsoleErrors: [[], { option: true }],
  consoleErrors: [
    async ({ context, expectedConsoleErrors }, use) => {
      const errors: string[] = [];
      context.on("console", (message) => {
        if (message.type() === "error") errors.push(`${message.location().url}: ${message.text()}`);
      });
      context.on("weberror", (error) => errors.push(`page error: ${error.error().message}`));
      await use(errors);
      const unexpected = errors.filter(
        (line) => !expectedConsoleErrors.some((pattern) => pattern.test(line)),
      );
      expect(unexpected, "the browser logged errors").toEqual([]);
    },
    { auto: true },
  ],
  axe: async ({}, use) => {
    await use(async (page, label) => {
      const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
      const summary = results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
      expect(summary, `axe violations on ${label}`).toEqual([]);
    });
  },
});

export { expect };

export interface StoredStep {
  status: string;
  confidence: string | null;
  attestation: { by: string; note?: string; at: string } | null;
  skipReason: string | null;
  notes: string;
  assignee: string | null;
}

export interface StoredRun {
  id: string;
  flow: string;
  version: number;
  steps: Record<string, StoredStep>;
  events: { type: string; summary: string; actor: string; stepId?: string | null }[];
}

/** Reads the run as the server stores it, through the page's own session. */
export async function storedRun(page: Page, runId: string): Promise<StoredRun> {
  const response = await page.request.get(`/api/runs/${runId}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as StoredRun;
}

/** Waits until the page is on a run (after "Start …" was pressed) and returns its id. */
export async function runIdFrom(page: Page): Promise<string> {
  await page.waitForURL(/\/runs\/[^/]+/);
  const match = /\/runs\/([^/]+)/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`not on a run page: ${page.url()}`);
  return match[1];
}
