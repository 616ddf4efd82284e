import { gzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-snapshot-upload-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.DIRECTORY_SNAPSHOT_MAX_BYTES = String(64 * 1024 * 1024);
  // A DC that is not there (as in directory-routes.test.ts): the step falls back to the uploaded snapshot.
  process.env.DIRECTORY_LDAP_URL = "ldaps://127.0.0.1:1";
  process.env.DIRECTORY_BIND_DN = "CN=svc-wizard,CN=Users,DC=contoso,DC=com";
  process.env.DIRECTORY_BIND_PASSWORD = "not-used";
  process.env.DIRECTORY_CONNECT_TIMEOUT_MS = "2000";
});

import * as runsRoute from "@/app/api/runs/route";
import * as directoryRoute from "@/app/api/runs/[id]/directory/route";
import * as snapshotRoute from "@/app/api/runs/[id]/directory/snapshot/route";
import * as permissionsRoute from "@/app/api/verify/connector-permissions/route";
import { parseSnapshot, SNAPSHOT_FORMAT_COMPACT } from "@/lib/directory/snapshot";
import { toCompact } from "@/lib/directory/snapshot-stream";
import { fixtureSnapshot } from "@/lib/directory/testing/fixture";
import { largeSnapshot } from "@/lib/directory/testing/large-snapshot";
import { call, makeSession } from "@/lib/testing/route-harness";

// The snapshot upload streams: plain or gzip, format /1 or the compact /2, far over the 10 MB a proxied body gets.

const owner = makeSession("Ada Admin");

async function createRun() {
  const res = await call(
    runsRoute.POST,
    "/api/runs",
    {},
    { method: "POST", body: { flow: "enable" }, session: owner },
  );
  expect(res.status).toBe(201);
  return (res.json as { id: string }).id;
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const gzip = (text: string) => new Uint8Array(gzipSync(text));

function upload(id: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string>) {
  return call(
    snapshotRoute.POST,
    `/api/runs/${id}/directory/snapshot`,
    { id },
    { method: "POST", rawBody: body, headers, session: owner },
  );
}

async function state(id: string) {
  return (await call(directoryRoute.GET, `/api/runs/${id}/directory`, { id }, { session: owner })).json as {
    snapshot: { users: number; domains: string[] } | null;
  };
}

describe("snapshot upload", () => {
  it("accepts the compact format gzipped, as a .json.gz file and as Content-Encoding: gzip, and checks from it", async () => {
    const id = await createRun();
    const text = JSON.stringify(toCompact(parseSnapshot(fixtureSnapshot())));
    expect(text).toContain(SNAPSHOT_FORMAT_COMPACT);
    const asFile = await upload(id, gzip(text), { "content-type": "application/gzip" });
    expect(asFile.status).toBe(201);
    expect(asFile.json.snapshot).toMatchObject({ domains: ["contoso.com"], users: 8 });
    const encoded = await upload(id, gzip(text), {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(encoded.status).toBe(201);
    const res = await call(
      permissionsRoute.POST,
      "/api/verify/connector-permissions",
      {},
      { method: "POST", body: { runId: id }, session: owner },
    );
    expect(res.json).toMatchObject({ status: "failed", confidence: "evidence" });
    expect(JSON.stringify(res.json)).toMatch(/2 of 8 users ready/);
  });

  it("accepts a 30 MB snapshot of 11,000 users (format /1, plain) and counts them", async () => {
    const id = await createRun();
    const text = largeSnapshot(11_000);
    expect(text.length).toBeGreaterThan(28 * 1024 * 1024);
    const res = await upload(id, bytes(text), { "content-type": "application/json" });
    expect(res.status).toBe(201);
    expect(res.json.snapshot).toMatchObject({ users: 11_000 });
    expect((await state(id)).snapshot).toMatchObject({ users: 11_000 });
    const check = await call(
      permissionsRoute.POST,
      "/api/verify/connector-permissions",
      {},
      { method: "POST", body: { runId: id }, session: owner },
    );
    // Every 500th generated user is denied Reset Password.
    expect(JSON.stringify(check.json)).toMatch(/10,978 of 11,000 users ready/);
  }, 60_000);

  it("refuses bad gzip, gzip declared but not sent, and a bad record, naming it, and keeps the previous snapshot", async () => {
    const id = await createRun();
    const good = JSON.stringify(fixtureSnapshot());
    expect((await upload(id, bytes(good), { "content-type": "application/json" })).status).toBe(201);

    const zipped = gzip(largeSnapshot(300));
    const cut = await upload(id, zipped.slice(0, zipped.length / 2), { "content-type": "application/gzip" });
    expect(cut.status).toBe(422);
    expect(JSON.stringify(cut.json)).toMatch(/not valid gzip/);

    const plainAsGzip = await upload(id, bytes(good), {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(plainAsGzip.status).toBe(422);
    expect(JSON.stringify(plainAsGzip.json)).toMatch(/sent as gzip but is not gzip/);

    const compact = toCompact(parseSnapshot(fixtureSnapshot())) as {
      domains: { users: { sd: unknown }[] }[];
    };
    compact.domains[0]!.users[5]!.sd = 77;
    const badRef = await upload(id, gzip(JSON.stringify(compact)), { "content-type": "application/gzip" });
    expect(badRef.status).toBe(422);
    expect(JSON.stringify(badRef.json)).toMatch(/domains\[0\]\.users\[5\]\.sd refers to sds\[77\]/);

    const late = largeSnapshot(2_000).replace('"sid":"S-1-5-21-1000-2000-3000-101999"', '"sid":"oops"');
    const badLate = await upload(id, gzip(late), { "content-type": "application/gzip" });
    expect(badLate.status).toBe(422);
    expect(JSON.stringify(badLate.json)).toMatch(/domains\[0\]\.users\[1999\]\.sid is not a SID/);

    // Found by the fuzz suite: 60,000 nested brackets held the server's thread for over two minutes. Refused at
    // the 65th level, by name.
    for (const deep of [
      "[".repeat(60_000) + "]".repeat(60_000),
      '{"a":'.repeat(60_000) + "1" + "}".repeat(60_000),
    ]) {
      const nested = await upload(id, bytes(deep), { "content-type": "application/json" });
      expect(nested.status).toBe(422);
      expect(JSON.stringify(nested.json)).toMatch(
        /The snapshot cannot be read: arrays and objects are nested more than 64 levels deep \(at byte \d+\)/,
      );
    }

    // 16 kB of gzip that unpacks to 5.6 million empty containers: parsed whole, the header took the process past its
    // heap and ended it. Refused as it streams, at the 4,000,001st value.
    const swarm = gzip(
      '{"format":"sspr-writeback-snapshot/1","domains":[{"containers":[' + "{},".repeat(5_600_000) + "{}]}]}",
    );
    expect(swarm.byteLength).toBeLessThan(64 * 1024);
    const swarmed = await upload(id, swarm, { "content-type": "application/gzip" });
    expect(swarmed.status).toBe(422);
    expect(JSON.stringify(swarmed.json)).toMatch(
      /The snapshot cannot be read: the file apart from its users holds more than 4,000,000 values/,
    );

    expect((await upload(id, bytes(good), { "content-type": "text/plain" })).status).toBe(415);
    expect(
      (await upload(id, bytes(good), { "content-type": "application/json", "content-encoding": "br" }))
        .status,
    ).toBe(415);
    expect((await state(id)).snapshot).toMatchObject({ users: 8 });
  }, 60_000);
});
