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
