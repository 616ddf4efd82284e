import "server-only";
import { installLdaptsParsePatch } from "@/lib/directory/ldapts-parse-patch";
import { installPeerAddressHook } from "./client-address";
import { getDatabase } from "./db";
import { env, type Env } from "./env";
import { isLoopbackHost } from "./http";
import { startRecheckScheduler } from "./recheck-scheduler";
import { installRequestGuard } from "./request-guard";

/** Validates the configuration and migrates the database; on failure, one clear sentence and exit. */
export async function startServer(): Promise<void> {
  // First: requests Next cannot serve (TRACE, a path that is not UTF-8) get a JSON 4xx, not a 500.
  installRequestGuard();
  let database: { url?: string; file?: string };
  try {
    const config = env();
    database = { url: config.DATABASE_URL, file: config.DATABASE_FILE };
    await getDatabase(database);
  } catch (error) {
    console.error(`The wizard cannot start.\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const notice = publicOriginNotice(env());
  if (notice) console.warn(notice);
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

/**
 * Without PUBLIC_ORIGIN, writes are accepted only from a browser that reached the wizard as localhost. Said at
 * start when the server listens on an address other machines may use (or an unknown one: `next start` binds to
 * every interface unless told otherwise).
 */
export function publicOriginNotice(config: Pick<Env, "PUBLIC_ORIGIN" | "HOSTNAME_BIND">): string | null {
  if (config.PUBLIC_ORIGIN) return null;
  const bind = config.HOSTNAME_BIND;
  if (bind && isLoopbackHost(bind.includes(":") && !bind.startsWith("[") ? `[${bind}]` : bind)) return null;
  return (
    `PUBLIC_ORIGIN is not set and the wizard listens on ${bind ?? "every network interface"}: ` +
    "browsers that reach it by any name other than localhost cannot make changes. Set PUBLIC_ORIGIN to the " +
    "address people use (for example https://wizard.contoso.com), or bind to localhost (HOSTNAME_BIND=localhost)."
  );
}
