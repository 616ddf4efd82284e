import { gzipSync } from "node:zlib";
import { SNAPSHOT_FORMAT_COMPACT } from "../lib/directory/snapshot";
import { largeSnapshot } from "../lib/directory/testing/large-snapshot";
import { expect, runIdFrom, test } from "./fixtures";

// Large snapshots through the real server (`next start`): a 10,000-user file in format /1 is 32 MB, over the 10 MB
// that Next.js buffers for a request passing through proxy.ts (issue 15, hole 1), and the collector's gzipped compact
// form of 100,000 users. Both are uploaded from the step page as a person would.

test("a 32 MB snapshot and a 100,000-user .json.gz are accepted from the step page", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/");
  await page.getByRole("button", { name: "Start enabling writeback" }).click();
  const runId = await runIdFrom(page);
  await page.goto(`/runs/${runId}/connector-permissions`);
  await page.getByText("No connection from this server? Use the evidence collector").click();
  const input = page.getByLabel("Upload a snapshot (.json.gz or .json)");

  const plain = Buffer.from(largeSnapshot(10_000), "utf8");
  expect(plain.byteLength).toBeGreaterThan(28 * 1024 * 1024);
  await input.setInputFiles({
    name: "sspr-writeback-snapshot.json",
    mimeType: "application/json",
    buffer: plain,
  });
  await expect(page.getByText(/Snapshot accepted: 10,000 users from contoso\.com/)).toBeVisible({
    timeout: 120_000,
  });

  const zipped = gzipSync(largeSnapshot(100_000, { format: SNAPSHOT_FORMAT_COMPACT }));
  await input.setInputFiles({
    name: "sspr-writeback-snapshot.json.gz",
    mimeType: "application/gzip",
    buffer: zipped,
  });
  await expect(page.getByText(/Snapshot accepted: 100,000 users from contoso\.com/)).toBeVisible({
    timeout: 120_000,
  });
});
