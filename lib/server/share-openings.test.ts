import { afterEach, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-share-openings-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
});

import * as runRoute from "@/app/api/runs/[id]/route";
import * as shareLinksRoute from "@/app/api/runs/[id]/share-links/route";
import { RunsRepository } from "@/lib/server/runs-repository";
import { shareGuessLimiter } from "@/lib/server/rate-limit";
import { type Session } from "@/lib/server/session";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createLink, createRunAs, expireLink, openLink } from "@/lib/testing/share-harness";

// Opening a share link is nobody's change to the run: it must not move the run's version (the owner's ETag), nor
// grow what GET /api/runs/<id> returns. Openings are counted on the link, and one link is rate-limited.

const owner = makeSession("Olivia Owner");

afterEach(() => {
  shareGuessLimiter().clear();
});

async function getRun(runId: string, session: Session, query = "", headers: Record<string, string> = {}) {
  return call(runRoute.GET, `/api/runs/${runId}${query}`, { id: runId }, { session, headers });
}

async function listLinks(runId: string) {
  const res = await call(
    shareLinksRoute.GET,
    `/api/runs/${runId}/share-links`,
    { id: runId },
    { session: owner },
  );
  return res.json.links as { id: string; uses: number; lastUsedAt: string | null; refusedAttempts: number }[];
}

describe("opening a share link", () => {
  it("25 openings leave the version and the timeline alone; the owner's edit with the old ETag succeeds", async () => {
    const runId = await createRunAs(owner);
    const link = await createLink(owner, runId, { role: "view", label: "auditor" });
    const before = await getRun(runId, owner);
    const etag = before.headers.get("etag") ?? "";
    const eventCount = (before.json.events as unknown[]).length;
    for (let i = 0; i < 25; i++) {
      const opened = await openLink(link.token, makeSession(), { ip: `198.51.100.${i}` });
      expect(opened.status).toBe(303);
    }
    const after = await getRun(runId, owner);
    expect(after.headers.get("etag")).toBe(etag);
    expect((after.json.events as unknown[]).length).toBe(eventCount);
    const unchanged = await getRun(runId, owner, "", { "if-none-match": etag });
    expect(unchanged.status).toBe(304);

    const patched = await call(
      runRoute.PATCH,
      `/api/runs/${runId}`,
      { id: runId },
      {
        method: "PATCH",
        session: owner,
        headers: { "if-match": etag },
        body: { changes: [{ op: "rename", title: "Writeback at Contoso" }] },
      },
    );
    expect(patched.status).toBe(200);

    const [listed] = await listLinks(runId);
    expect(listed).toMatchObject({ id: link.id, uses: 25, refusedAttempts: 0 });
    expect(Date.parse(listed?.lastUsedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("counts a dead link's refusals on the link, not in the run", async () => {
    const runId = await createRunAs(owner);
    const link = await createLink(owner, runId, { role: "edit", label: "temp" });
    await expireLink(link.id);
    const version = (await getRun(runId, owner)).json.version;
    expect((await openLink(link.token, makeSession())).location).toBe("/share/invalid");
    expect((await getRun(runId, owner)).json.version).toBe(version);
    expect((await listLinks(runId))[0]).toMatchObject({ uses: 0, refusedAttempts: 1 });
  });

  it("rate-limits one link: past its burst, even a valid opening waits (429 with Retry-After)", async () => {
    const runId = await createRunAs(owner);
    const link = await createLink(owner, runId, { role: "view", label: "auditor" });
    const other = await createLink(owner, runId, { role: "view", label: "other" });
    let limited: Awaited<ReturnType<typeof openLink>> | undefined;
    for (let i = 0; i < 200 && !limited; i++) {
      const opened = await openLink(link.token, makeSession(), { ip: `203.0.113.${i % 250}` });
      if (opened.status === 429) limited = opened;
      else expect(opened.status).toBe(303);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another link of the same run is not held back.
    expect((await openLink(other.token, makeSession())).status).toBe(303);
  });
});

describe("GET /api/runs/<id>", () => {
  it("answers a matching If-None-Match with 304 from the version alone, without reading the timeline", async () => {
    const runId = await createRunAs(owner);
    const etag = (await getRun(runId, owner)).headers.get("etag") ?? "";
    const events = vi.spyOn(RunsRepository.prototype, "events");
    try {
      const res = await getRun(runId, owner, "", { "if-none-match": etag });
      expect(res.status).toBe(304);
      expect(events).not.toHaveBeenCalled();
    } finally {
      events.mockRestore();
    }
  });

  it("pages the timeline: the latest `limit` events, and `before` to page back", async () => {
    const runId = await createRunAs(owner);
    for (let i = 0; i < 4; i++) {
      const version = Number((await getRun(runId, owner)).json.version);
      const res = await call(
        runRoute.PATCH,
        `/api/runs/${runId}`,
        { id: runId },
        {
          method: "PATCH",
          session: owner,
          headers: { "if-match": `"v${version}"` },
          body: { changes: [{ op: "rename", title: `Title ${i}` }] },
        },
      );
      expect(res.status).toBe(200);
    }
    const all = (await getRun(runId, owner)).json.events as { id: number }[];
    expect(all).toHaveLength(5);
    const latest = await getRun(runId, owner, "?limit=2");
    const page = latest.json.events as { id: number }[];
    expect(page.map((e) => e.id)).toEqual(all.slice(-2).map((e) => e.id));
    expect(latest.json.olderEventsBefore).toBe(page[0]?.id);
    const older = await getRun(runId, owner, `?limit=2&before=${page[0]?.id}`);
    expect((older.json.events as { id: number }[]).map((e) => e.id)).toEqual(
      all.slice(1, 3).map((e) => e.id),
    );
    const oldest = await getRun(runId, owner, `?limit=2&before=${all[1]?.id}`);
    expect((oldest.json.events as { id: number }[]).map((e) => e.id)).toEqual([all[0]?.id]);
    expect(oldest.json.olderEventsBefore).toBeUndefined();
  });

  it.each([
    ["?limit=0", "query.limit"],
    ["?limit=501", "query.limit"],
    ["?limit=abc", "query.limit"],
    ["?before=-1", "query.before"],
    ["?before=1e3", "query.before"],
  ])("refuses %s naming %s", async (query, field) => {
    const runId = await createRunAs(owner);
    const res = await getRun(runId, owner, query);
    expect(res.status).toBe(422);
    expect(res.json.fields).toContain(field);
  });
});
