import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-share-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
});

import * as meRoute from "@/app/api/me/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as reportRoute from "@/app/api/runs/[id]/report/route";
import * as shareLinksRoute from "@/app/api/runs/[id]/share-links/route";
import * as attestRoute from "@/app/api/verify/connector-permissions/route";
import * as openRoute from "@/app/share/[token]/route";
import { getDatabase } from "@/lib/server/db";
import { encodeGrants, LINK_GRANTS_COOKIE } from "@/lib/server/link-grants";
import { PEER_ADDRESS_HEADER } from "@/lib/server/client-address";
import {
  createGuessLimiter,
  MemoryRateLimitStore,
  shareGuessLimiter,
  TokenBucketLimiter,
} from "@/lib/server/rate-limit";
import { type Session } from "@/lib/server/session";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createLink, createRunAs, expireLink, openLink, revokeLink } from "@/lib/testing/share-harness";

// The life of a share link — create, use, expire, revoke — plus the guarantees around the token: only its hash
// is stored, it never reaches a log line, an export or a later URL, and guessing is rate-limited.

const owner = makeSession("Olivia Owner");
/** Every token handed out in this file; none may appear in the database, a log line or an export. */
const tokens: string[] = [];
/** Tokens a person pasted into a note on purpose: stored as text they typed, but never exported. */
const pasted: string[] = [];
const consoleSpies: MockInstance[] = [];

async function newLink(runId: string, body: Record<string, unknown>) {
  const link = await createLink(owner, runId, body);
  tokens.push(link.token);
  return link;
}

function as(session: Session, grants: string | null) {
  return { session, cookies: grants ? { [LINK_GRANTS_COOKIE]: grants } : undefined };
}

async function getRun(runId: string, session: Session, grants: string | null = null) {
  return call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, as(session, grants));
}

beforeAll(async () => {
  await shareGuessLimiter().clear();
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    consoleSpies.push(vi.spyOn(console, method));
  }
});

afterAll(() => {
  for (const spy of consoleSpies) spy.mockRestore();
});

describe("creating a link", () => {
  it("answers 201 with a 256-bit base64url token once, a 7-day default expiry and no hash", async () => {
    const runId = await createRunAs(owner);
    const before = Date.now();
    const link = await newLink(runId, { role: "edit", label: "domain admin" });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(link.token, "base64url")).toHaveLength(32);
    const view = link.json.link as Record<string, unknown>;
    expect(view).toMatchObject({ label: "domain admin", role: "edit", status: "active", revokedAt: null });
    expect(Object.keys(view)).not.toContain("tokenHash");
    const expires = Date.parse(String(view.expiresAt));
    expect(expires - before).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(7 * 86_400_000 + 60_000);
    const run = await getRun(runId, owner);
    const created = (run.json.events as { type: string; summary: string }[]).find(
      (e) => e.type === "share-link-created",
    );
    expect(created?.summary).toContain("domain admin");
    expect(JSON.stringify(run.json)).not.toContain(link.token);
  });

  it.each([
    [{ role: "edit", label: "x", expiresInDays: 91 }, "body.expiresInDays"],
    [{ role: "edit", label: "x", expiresInDays: 0 }, "body.expiresInDays"],
    [{ role: "edit", label: "x", expiresInDays: 2.5 }, "body.expiresInDays"],
    [{ role: "edit", label: "   " }, "body.label"],
    [{ role: "admin", label: "x" }, "body.role"],
    [{ role: "view", label: "x", assignSteps: ["reboot-dc"] }, "body.assignSteps.0"],
    [{ role: "view", label: "x", token: "mine" }, "body"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const runId = await createRunAs(owner);
    const res = await call(
      shareLinksRoute.POST,
      `/api/runs/${runId}/share-links`,
      { id: runId },
      { method: "POST", body, session: owner },
    );
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain(field);
  });

  it("accepts up to 90 days and hands the chosen steps to the label in the same change", async () => {
    const runId = await createRunAs(owner);
    const link = await newLink(runId, {
      role: "edit",
      label: "domain admin",
      expiresInDays: 90,
      assignSteps: ["connector-permissions", "password-policy"],
    });
    const view = link.json.link as { expiresAt: string };
    expect(Date.parse(view.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    const run = await getRun(runId, owner);
    const steps = run.json.steps as Record<string, { assignee: string | null }>;
    expect(steps["connector-permissions"]?.assignee).toBe("domain admin");
    expect(steps["password-policy"]?.assignee).toBe("domain admin");
    expect(steps.prerequisites?.assignee).toBeNull();
    expect(run.json.version).toBe(2);
  });
});

describe("using a link", () => {
  it("swaps the token for a scoped httpOnly cookie and redirects to the clean run URL", async () => {
    const runId = await createRunAs(owner);
    const link = await newLink(runId, { role: "edit", label: "domain admin" });
    const admin = makeSession();
    const opened = await openLink(link.token, admin);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(`/runs/${runId}`);
    expect(opened.location).not.toContain(link.token);
    expect(opened.headers.get("referrer-policy")).toBe("no-referrer");
    expect(opened.headers.get("x-robots-tag")).toContain("noindex");
    expect(opened.headers.get("cache-control")).toBe("no-store");
    const cookie = opened.headers.getSetCookie().find((line) => line.startsWith(`${LINK_GRANTS_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toContain(link.token);

    const res = await getRun(runId, admin, opened.grants);
    expect(res.status).toBe(200);
    // The opening is counted on the link, not added to the run (whose version it would move).
    const events = res.json.events as { type: string; actor: string }[];
    expect(events.map((e) => e.type)).not.toContain("link-opened");
    const list = await call(
      shareLinksRoute.GET,
      `/api/runs/${runId}/share-links`,
      { id: runId },
      { session: owner },
    );
    expect((list.json.links as { uses: number }[])[0]).toMatchObject({ uses: 1 });
  });

  it("names the person by the link label, or by the name they set", async () => {
    const runId = await createRunAs(owner);
    const link = await newLink(runId, { role: "edit", label: "domain admin" });
    const admin = makeSession();
    const { grants } = await openLink(link.token, admin);
    const attest = async (session: Session) =>
      call(
        attestRoute.POST,
        "/api/verify/connector-permissions",
        {},
        { ...as(session, grants), method: "POST", body: { runId, attestation: { by: "Dana" } } },
      );
    expect((await attest(admin)).status).toBe(200);
    const named = await call(
      meRoute.PUT,
      "/api/me",
      {},
      { ...as(admin, grants), method: "PUT", body: { name: "Dana" } },
    );
    expect(named.status).toBe(200);
    expect((await attest({ ...admin, name: "Dana" })).status).toBe(200);
    const events = (await getRun(runId, owner)).json.events as { type: string; actor: string }[];
    const attested = events.filter((e) => e.type === "attested").map((e) => e.actor);
    expect(attested).toEqual(["domain admin (via link)", "Dana (via link “domain admin”)"]);
  });

  it("grants only the link's own run, keeps grants for several runs, and ignores a forged cookie", async () => {
    const runA = await createRunAs(owner);
    const runB = await createRunAs(owner);
    const runC = await createRunAs(owner);
    const linkA = await newLink(runA, { role: "view", label: "auditor" });
    const linkB = await newLink(runB, { role: "edit", label: "helper" });
    const person = makeSession();
    const first = await openLink(linkA.token, person);
    const second = await openLink(linkB.token, person, { grants: first.grants });
    expect((await getRun(runA, person, second.grants)).status).toBe(200);
    expect((await getRun(runB, person, second.grants)).status).toBe(200);
    expect((await getRun(runC, person, second.grants)).status).toBe(404);
    // A grant for run C, signed with another key, is worthless.
    const forged = await encodeGrants(
      [{ linkId: linkB.id, runId: runC }],
      Buffer.from("not-the-key-not-the-key-not-the-key"),
    );
    expect((await getRun(runC, person, forged)).status).toBe(404);
    // A correctly signed grant that pairs a link with another run grants nothing either.
    const mismatched = await encodeGrants([{ linkId: linkB.id, runId: runC }]);
    expect((await getRun(runC, person, mismatched)).status).toBe(404);
  });

  it("answers GET with 304 while the run is unchanged, and 200 once it moved", async () => {
    const runId = await createRunAs(owner);
    const first = await getRun(runId, owner);
    const etag = first.headers.get("etag") ?? "";
    const same = await call(
      runRoute.GET,
      `/api/runs/${runId}`,
      { id: runId },
      { session: owner, headers: { "if-none-match": etag } },
    );
    expect(same.status).toBe(304);
    expect(same.text).toBe("");
    await newLink(runId, { role: "view", label: "auditor" });
    const moved = await call(
      runRoute.GET,
      `/api/runs/${runId}`,
      { id: runId },
      { session: owner, headers: { "if-none-match": etag } },
    );
    expect(moved.status).toBe(200);
    expect(moved.headers.get("etag")).not.toBe(etag);
  });
});

describe("expiry and revocation", () => {
  it("an expired link stops working at once, even for a browser that already holds its grant", async () => {
    const runId = await createRunAs(owner);
    const link = await newLink(runId, { role: "edit", label: "temp", expiresInDays: 1 });
    const person = makeSession();
    const { grants } = await openLink(link.token, person);
    expect((await getRun(runId, person, grants)).status).toBe(200);
    await expireLink(link.id);
    expect((await getRun(runId, person, grants)).status).toBe(404);
    const again = await openLink(link.token, person);
    expect(again.status).toBe(303);
    expect(again.location).toBe("/share/invalid");
    expect(again.grants).toBeNull();
    const list = await call(
      shareLinksRoute.GET,
      `/api/runs/${runId}/share-links`,
      { id: runId },
      { session: owner },
    );
    expect((list.json.links as { refusedAttempts: number; status: string }[])[0]).toMatchObject({
      status: "expired",
      refusedAttempts: 1,
    });
  });

  it("a revoked link stops working at once; revoking is owner-only, idempotent and scoped to the run", async () => {
    const runId = await createRunAs(owner);
    const otherRun = await createRunAs(owner);
    const link = await newLink(runId, { role: "edit", label: "domain admin" });
    const person = makeSession();
    const { grants } = await openLink(link.token, person);
    expect((await getRun(runId, person, grants)).status).toBe(200);

    expect((await revokeLink(owner, otherRun, link.id)).status).toBe(404);
    const revoked = await revokeLink(owner, runId, link.id);
    expect(revoked.status).toBe(200);
    expect(revoked.json.link).toMatchObject({ status: "revoked" });
    expect((await getRun(runId, person, grants)).status).toBe(404);
    expect((await openLink(link.token, person)).location).toBe("/share/invalid");

    const versionAfter = Number((await getRun(runId, owner)).json.version);
    expect((await revokeLink(owner, runId, link.id)).status).toBe(200);
    expect(Number((await getRun(runId, owner)).json.version)).toBe(versionAfter);
    expect((await revokeLink(owner, runId, "no-such-link")).status).toBe(404);

    const list = await call(
      shareLinksRoute.GET,
      `/api/runs/${runId}/share-links`,
      { id: runId },
      { session: owner },
    );
    const links = list.json.links as { id: string; status: string; uses: number }[];
    expect(links.find((l) => l.id === link.id)).toMatchObject({ status: "revoked", uses: 1 });
  });
});

describe("rate limiting failed guesses", () => {
  it("allows 10 failures per client, then answers 429 even for a valid token; other clients are unaffected", async () => {
    await shareGuessLimiter().clear();
    const runId = await createRunAs(owner);
    const link = await newLink(runId, { role: "view", label: "auditor" });
    const guesser = makeSession();
    for (let i = 0; i < 10; i++) {
      const guess = await openLink(`${"A".repeat(42)}${i}`, guesser, { ip: "203.0.113.9" });
      expect(guess.status).toBe(303);
      expect(guess.location).toBe("/share/invalid");
    }
    const limited = await openLink("garbage", guesser, { ip: "203.0.113.9" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.text).toContain("Too many attempts");
    expect((await openLink(link.token, guesser, { ip: "203.0.113.9" })).status).toBe(429);
    expect((await openLink(link.token, makeSession(), { ip: "198.51.100.7" })).status).toBe(303);
    await shareGuessLimiter().clear();
  });

  it("refills over time, per client: a client that used up its attempts blocks nobody else", async () => {
    let now = 0;
    const limiter = createGuessLimiter(new MemoryRateLimitStore(() => now), {
      guess: { name: "guess", capacity: 3, refillPerMinute: 3 },
      open: { name: "open", capacity: 3, refillPerMinute: 3 },
    });
    const from = (ip: string) => new Request("http://x/share/t", { headers: { [PEER_ADDRESS_HEADER]: ip } });
    for (let i = 0; i < 3; i++) await limiter.fail(from("10.0.0.1"));
    expect(await limiter.retryAfter(from("10.0.0.1"))).toBe(20);
    now += 20_000;
    expect(await limiter.retryAfter(from("10.0.0.1"))).toBe(0);
    // Hundreds of failures from other addresses leave a fresh client untouched (there is no instance-wide bucket
    // for one client to drain).
    for (let i = 0; i < 300; i++) await limiter.fail(from(`10.0.1.${i % 250}`));
    expect(await limiter.retryAfter(from("10.0.9.9"))).toBe(0);
  });

  it("limits openings per link: replaying one link slows that link only, and a spoofed X-Forwarded-For buys nothing", async () => {
    await shareGuessLimiter().clear();
    const runId = await createRunAs(owner);
    const replayed = await newLink(runId, { role: "view", label: "replayed" });
    const other = await newLink(runId, { role: "view", label: "other" });
    for (let i = 0; i < 30; i++) {
      expect((await openLink(replayed.token, makeSession(), { ip: `198.51.100.${i}` })).status).toBe(303);
    }
    const limited = await openLink(replayed.token, makeSession(), { ip: "198.51.100.200" });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain("opened too many times");
    expect((await openLink(other.token, makeSession(), { ip: "198.51.100.201" })).status).toBe(303);
    // Without a trusted proxy, the forwarded address is the client's own claim: ten failures from one socket
    // block that socket whatever it wrote there.
    const spoofed = (i: number) =>
      call(
        openRoute.GET,
        "/share/x",
        { token: "x" },
        {
          headers: { [PEER_ADDRESS_HEADER]: "203.0.113.50", "x-forwarded-for": `10.9.9.${i}` },
        },
      );
    for (let i = 0; i < 10; i++) expect((await spoofed(i)).status).toBe(303);
    expect((await spoofed(99)).status).toBe(429);
    await shareGuessLimiter().clear();
  });

  it("forgets the least recently used keys beyond its bound", () => {
    const bucket = new TokenBucketLimiter({ capacity: 1, refillPerMinute: 1, maxKeys: 2 }, () => 0);
    bucket.consume("a");
    bucket.consume("b");
    bucket.consume("c");
    expect(bucket.retryAfter("a")).toBe(0);
    expect(bucket.retryAfter("c")).toBe(60);
  });
});

describe("no plaintext token anywhere", () => {
  it("exports (Markdown and JSON) hold no token, hash or pasted password", async () => {
    const runId = await createRunAs(owner);
    const link = await createLink(owner, runId, { role: "edit", label: "domain admin" });
    pasted.push(link.token);
    const person = makeSession();
    const { grants } = await openLink(link.token, person);
    const version = Number((await getRun(runId, owner)).json.version);
    const patched = await call(
      runRoute.PATCH,
      `/api/runs/${runId}`,
      { id: runId },
      {
        ...as(person, grants),
        method: "PATCH",
        headers: { "if-match": `"v${version}"` },
        body: {
          changes: [
            {
              op: "note",
              stepId: "prerequisites",
              text: `link: http://localhost:3000${link.path} password: Hunter2!`,
            },
          ],
        },
      },
    );
    expect(patched.status).toBe(200);
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
    const attested = await call(
      attestRoute.POST,
      "/api/verify/connector-permissions",
      {},
      {
        ...as(person, grants),
        method: "POST",
        body: { runId, attestation: { by: "Dana", note: `token=${jwt}` } },
      },
    );
    expect(attested.status).toBe(200);

    for (const format of ["md", "json"]) {
      const res = await call(
        reportRoute.GET,
        `/api/runs/${runId}/report?format=${format}`,
        { id: runId },
        as(person, grants),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toContain(`.${format}"`);
      const all = [...tokens, ...pasted];
      for (const secret of [...all, ...all.map(sha256), "Hunter2", jwt, owner.id, person.id]) {
        expect(res.text, `${format} export leaks ${secret.slice(0, 8)}…`).not.toContain(secret);
      }
      expect(res.text).toContain("Dana");
      expect(res.text).toContain("domain admin (via link)");
    }
    const json = JSON.parse(
      (await call(reportRoute.GET, `/api/runs/${runId}/report`, { id: runId }, { session: owner })).text,
    ) as { format: string; steps: unknown[]; timeline: unknown[] };
    expect(json.format).toBe("sspr-writeback-report/1");
    expect(json.steps).toHaveLength(7);
    expect(json.timeline.length).toBeGreaterThan(3);
    const badFormat = await call(
      reportRoute.GET,
      `/api/runs/${runId}/report?format=pdf`,
      { id: runId },
      { session: owner },
    );
    expect(badFormat.status).toBe(422);
    expect(JSON.stringify(badFormat.json)).toContain("query.format");
  });

  it("the database holds only hashes: no table, no row, no column contains a token", async () => {
    expect(tokens.length).toBeGreaterThan(5);
    const { db } = await getDatabase();
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
      db,
    );
    let cells = 0;
    for (const { name } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      for (const row of rows.rows) {
        const text = JSON.stringify(row);
        cells += Object.keys(row).length;
        for (const token of tokens) expect(text, `table ${name}`).not.toContain(token);
      }
    }
    expect(cells).toBeGreaterThan(100);
    const hashes = await db.selectFrom("share_links").select("token_hash").execute();
    const stored = new Set(hashes.map((h) => h.token_hash));
    for (const token of [...tokens, ...pasted]) expect(stored.has(sha256(token))).toBe(true);
  });

  it("no console line carried a token", () => {
    const lines = consoleSpies.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(" ")));
    for (const line of lines) {
      for (const token of [...tokens, ...pasted]) expect(line).not.toContain(token);
    }
  });
});

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
