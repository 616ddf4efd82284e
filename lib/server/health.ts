import "server-only";
import { sql } from "kysely";
import { type HealthResponse } from "@/lib/contract/health";
import { getDatabase } from "./db";

// What a load balancer asks each instance: does it answer, and does it reach the database it shares. No session, no
// detail: the answer says nothing about runs, configuration or the error (which is logged).

export async function checkHealth(): Promise<{ status: 200 | 503; body: HealthResponse }> {
  try {
    const { db } = await getDatabase();
    await sql`select 1`.execute(db);
    return { status: 200, body: { status: "ok", database: "ok" } };
  } catch (error) {
    console.error(
      `Health check: the database is unreachable: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { status: 503, body: { status: "unavailable", database: "unreachable" } };
  }
}
