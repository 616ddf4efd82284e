import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import { SNAPSHOT_FORMAT_COMPACT } from "@/lib/directory/snapshot";
import { largeSnapshot } from "@/lib/directory/testing/large-snapshot";
import { type Backend, postgresBackend, sqliteBackend } from "@/lib/testing/database-backends";
import { makeSession } from "@/lib/testing/route-harness";

// The packed snapshot and its header are stored together, on both databases: an upload is read back whole, counted
// from the header, and a refused upload leaves the stored one as it was.

const BACKENDS: Backend[] = [sqliteBackend("snapshot-store"), postgresBackend()];

describe.each(BACKENDS)("the stored snapshot on $name", (backend) => {
  afterAll(() => backend.cleanup());
  it.skipIf(backend.skip !== undefined)(
    "is kept packed with its header, and a refused upload changes nothing",
    async () => {
      const store = await backend.freshStore();
      process.env.DATABASE_URL = store.url ?? "";
      if (store.file) process.env.DATABASE_FILE = store.file;
      else delete process.env.DATABASE_FILE;
      process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
      vi.resetModules();
      const { call } = await import("@/lib/testing/route-harness");
      const runsRoute = await import("@/app/api/runs/route");
      const snapshotRoute = await import("@/app/api/runs/[id]/directory/snapshot/route");
      const { readStoredSnapshot, readSnapshotHeader } = await import("./artifacts");
      const { readSnapshotStream } = await import("@/lib/directory/snapshot-stream");
      const owner = makeSession("Ada Admin");
      const created = await call(
        runsRoute.POST,
        "/api/runs",
        {},
        { method: "POST", body: { flow: "enable" }, session: owner },
      );
      const id = (created.json as { id: string }).id;
      const upload = (text: string) =>
        call(
          snapshotRoute.POST,
          `/api/runs/${id}/directory/snapshot`,
          { id },
          {
            method: "POST",
            rawBody: new Uint8Array(gzipSync(text)),
            headers: { "content-type": "application/gzip" },
            session: owner,
          },
        );

      expect((await upload(largeSnapshot(3_000, { format: SNAPSHOT_FORMAT_COMPACT }))).status).toBe(201);
      const stored = await readStoredSnapshot(id);
      expect(stored?.header.userCounts).toEqual([3_000]);
      expect((await readSnapshotHeader(id))?.snapshot.domains[0]?.dnsName).toBe("contoso.com");
      let users = 0;
      await readSnapshotStream(stored!.open(), (batch) => void (users += batch.length));
      expect(users).toBe(3_000);

      const bad = largeSnapshot(5_000).replace('"sid":"S-1-5-21-1000-2000-3000-104999"', '"sid":7');
      expect((await upload(bad)).status).toBe(422);
      expect((await readSnapshotHeader(id))?.userCounts).toEqual([3_000]);
    },
    120_000,
  );
});
