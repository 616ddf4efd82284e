import "server-only";
import { installLdaptsParsePatch } from "@/lib/directory/ldapts-parse-patch";
import { installPeerAddressHook } from "./client-address";
import { getDatabase } from "./db";
import { env } from "./env";
import { startRecheckScheduler } from "./recheck-scheduler";

/** Validates the configuration and migrates the database; on failure, one clear sentence and exit. */
export async function startServer(): Promise<void> {
  let database: { url?: string; file?: string };
  try {
    const config = env();
    database = { url: config.DATABASE_URL, file: config.DATABASE_FILE };
    await getDatabase(database);
  } catch (error) {
    console.error(`The wizard cannot start.\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // Before the first request: rate limits key on the socket's address, which only the server can stamp.
  installPeerAddressHook();
  // Before any LDAP connection: scans without a thrown error per binary value (or one line saying why not).
  installLdaptsParsePatch();
  // Re-checks of steps waiting for replication run on the server, not only while a page is open.
  try {
    await startRecheckScheduler(database);
  } catch (error) {
    console.error(
      `Automatic re-checks are off in this process: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
