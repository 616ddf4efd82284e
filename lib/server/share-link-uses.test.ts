import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "@/lib/server/db";
import { migrateToLatest } from "@/lib/server/db/migrations";
import { type Backend, postgresBackend, sqliteBackend } from "@/lib/testing/database-backends";
import { RunsRepository } from "./runs-repository";
import { ShareLinksRepository } from "./share-links-repository";

// Openings of a share link are counted on one row per link (0004_holes_share_link_uses), on both databases; the
// migration carries over the openings and refusals that earlier versions wrote into the run's timeline.

const BACKENDS: Backend[] = [sqliteBackend("share-link-uses"), postgresBackend()];

describe.each(BACKENDS)("share link uses on $name", (backend) => {
  describe.skipIf(backend.skip !== undefined)(
    backend.skip ? `skipped: ${backend.skip}` : "integration",
    () => {
      const handles: DatabaseHandle[] = [];
      afterAll(async () => {
        for (const handle of handles) await handle.close();
        await backend.cleanup();
      });

      async function fresh() {
        if (backend.missing) throw new Error(backend.missing);
        const handle = await createDatabase(await backend.freshStore());
        handles.push(handle);
        const runs = new RunsRepository(handle.db);
        const links = new ShareLinksRepository(handle.db);
        const run = await runs.create({
          flow: "enable",
          mode: "sandbox",
          ownerId: "owner",
          title: "t",
          steps: {},
          actor: "Owner",
        });
        const link = {
          id: `link-${run.id.slice(0, 8)}`,
          runId: run.id,
          tokenHash: `hash-${run.id}`,
          role: "view" as const,
          label: "auditor",
          createdAt: "2030-01-01T00:00:00.000Z",
          expiresAt: "2030-01-08T00:00:00.000Z",
          createdBy: "Owner",
        };
        await handle.db.transaction().execute((trx) => links.insert(trx, link));
        return { handle, runs, links, run, link };
      }

      it("counts openings and refusals on the link's row without touching the run", async () => {
        const { runs, links, run, link } = await fresh();
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            links.recordUse(link, "opened", `2030-01-02T00:00:${String(i).padStart(2, "0")}.000Z`),
          ),
        );
        await links.recordUse(link, "refused", "2030-01-09T00:00:00.000Z");
        const uses = (await links.usesByRun(run.id)).get(link.id);
        expect(uses).toMatchObject({
          uses: 20,
          refusedAttempts: 1,
          lastRefusedAt: "2030-01-09T00:00:00.000Z",
        });
        expect(uses?.lastUsedAt).toMatch(/^2030-01-02T00:00:/);
        expect((await runs.get(run.id))?.version).toBe(1);
        expect(await runs.events(run.id)).toHaveLength(1);
      });

      it("the migration carries over the openings and refusals already in the timeline", async () => {
        const { handle, runs, links, run, link } = await fresh();
        // Back to the schema before 0004 (this migration and those after it), with the events an earlier version wrote.
        await sql`drop table share_link_uses`.execute(handle.db);
        await sql`drop table rate_limits`.execute(handle.db);
        await sql`drop table sandbox_state`.execute(handle.db);
        await sql`delete from kysely_migration where name >= '0004_holes_share_link_uses'`.execute(handle.db);
        const event = (type: string, at: string) => ({
          run_id: run.id,
          at,
          actor: "someone",
          type,
          step_id: null,
          summary: type,
          detail: JSON.stringify({ linkId: link.id }),
        });
        await handle.db
          .insertInto("events")
          .values([
            event("link-opened", "2030-01-02T00:00:00.000Z"),
            event("link-opened", "2030-01-03T00:00:00.000Z"),
            event("link-refused", "2030-01-09T00:00:00.000Z"),
            { ...event("link-opened", "2030-01-04T00:00:00.000Z"), detail: "{not json" },
            {
              ...event("link-opened", "2030-01-04T00:00:00.000Z"),
              detail: JSON.stringify({ linkId: "gone" }),
            },
          ])
          .execute();
        await migrateToLatest(handle.db, handle.dialect);
        expect((await links.usesByRun(run.id)).get(link.id)).toEqual({
          uses: 2,
          lastUsedAt: "2030-01-03T00:00:00.000Z",
          refusedAttempts: 1,
          lastRefusedAt: "2030-01-09T00:00:00.000Z",
        });
        // The history stays where it was.
        const kept = await handle.db
          .selectFrom("events")
          .select("type")
          .where("run_id", "=", run.id)
          .where("type", "like", "link-%")
          .execute();
        expect(kept).toHaveLength(5);
        expect((await runs.get(run.id))?.version).toBe(1);
      });
    },
  );
});
