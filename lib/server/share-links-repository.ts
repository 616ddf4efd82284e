import "server-only";

import { type Kysely, type Selectable, type Transaction } from "kysely";
import { z } from "zod";
import { type Database, type ShareLinksTable, type ShareRole } from "@/lib/server/db/schema";

// Rows of `share_links`. Only the SHA-256 of a token is ever written or compared; the token itself never
// reaches this module.

export interface ShareLinkRecord {
  id: string;
  runId: string;
  role: ShareRole;
  label: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  createdBy: string;
}

export interface ShareLinkUses {
  uses: number;
  lastUsedAt: string | null;
  refusedAttempts: number;
  lastRefusedAt: string | null;
}

export interface NewShareLink extends Omit<ShareLinkRecord, "revokedAt"> {
  tokenHash: string;
}

const roleSchema = z.enum(["view", "edit"]);

export class ShareLinksRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts inside the caller's transaction, so the link and its timeline event land together. */
  async insert(trx: Transaction<Database>, link: NewShareLink): Promise<void> {
    await trx
      .insertInto("share_links")
      .values({
        id: link.id,
        run_id: link.runId,
        token_hash: link.tokenHash,
        role: roleSchema.parse(link.role),
        label: link.label,
        created_at: link.createdAt,
        expires_at: link.expiresAt,
        revoked_at: null,
        created_by: link.createdBy,
      })
      .execute();
  }

  /** Sets revoked_at once; revoking again keeps the first time. */
  async revoke(trx: Transaction<Database>, id: string, at: string): Promise<void> {
    await trx
      .updateTable("share_links")
      .set({ revoked_at: at })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .execute();
  }

  async get(id: string): Promise<ShareLinkRecord | null> {
    const row = await this.db.selectFrom("share_links").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? parseLink(row) : null;
  }

  async findByTokenHash(tokenHash: string): Promise<ShareLinkRecord | null> {
    const row = await this.db
      .selectFrom("share_links")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    return row ? parseLink(row) : null;
  }

  /**
   * Counts one opening (or, for a dead link, one refusal) on the link's own row. The run is not touched: its
   * version and timeline are about changes to it, and opening a link changes nothing.
   */
  async recordUse(
    link: { id: string; runId: string },
    outcome: "opened" | "refused",
    at: string,
  ): Promise<void> {
    const opened = outcome === "opened";
    await this.db
      .insertInto("share_link_uses")
      .values({
        link_id: link.id,
        run_id: link.runId,
        opened: opened ? 1 : 0,
        last_opened_at: opened ? at : null,
        refused: opened ? 0 : 1,
        last_refused_at: opened ? null : at,
      })
      .onConflict((oc) =>
        oc
          .column("link_id")
          .doUpdateSet((eb) =>
            opened
              ? { opened: eb("share_link_uses.opened", "+", 1), last_opened_at: at }
              : { refused: eb("share_link_uses.refused", "+", 1), last_refused_at: at },
          ),
      )
      .execute();
  }

  /** The counted uses of every link of a run that was ever opened or refused, by link id. */
  async usesByRun(runId: string): Promise<Map<string, ShareLinkUses>> {
    const rows = await this.db
      .selectFrom("share_link_uses")
      .selectAll()
      .where("run_id", "=", runId)
      .execute();
    return new Map(
      rows.map((row) => [
        row.link_id,
        {
          uses: Number(row.opened),
          lastUsedAt: row.last_opened_at,
          refusedAttempts: Number(row.refused),
          lastRefusedAt: row.last_refused_at,
        },
      ]),
    );
  }

  /** Newest first. */
  async listByRun(runId: string): Promise<ShareLinkRecord[]> {
    const rows = await this.db
      .selectFrom("share_links")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    return rows.map(parseLink);
  }
}

function parseLink(row: Selectable<ShareLinksTable>): ShareLinkRecord {
  // A role outside the CHECK constraint cannot be stored; an unreadable one is treated as the weaker role.
  const role = roleSchema.safeParse(row.role).data ?? "view";
  return {
    id: row.id,
    runId: row.run_id,
    role,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdBy: row.created_by,
  };
}
