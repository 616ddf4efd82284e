import "server-only";
import { getDatabase } from "./db";
import { env } from "./env";

/** Validates the configuration and migrates the database; on failure, one clear sentence and exit. */
export async function startServer(): Promise<void> {
  try {
    const config = env();
    await getDatabase({ url: config.DATABASE_URL, file: config.DATABASE_FILE });
  } catch (error) {
    console.error(`The wizard cannot start.\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
