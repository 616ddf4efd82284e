import "server-only";
import { ApiError } from "./api-error";

// A database that refuses writes — its disk full, the file or the server read-only — is the operator's to fix, not
// a bug: the request was fine, and the transaction that hit it rolled back, so nothing was half written. Answered
// 503 not-configured with a sentence saying so, instead of a bare 500. The driver's message (which may name paths
// or hosts) stays in the log.

const SQLITE_FULL = /^SQLITE_FULL/;
const SQLITE_READONLY = /^SQLITE_READONLY/;
const SQLITE_IO = /^SQLITE_IOERR/;
// PostgreSQL SQLSTATEs: 53100 disk_full, 53000 insufficient_resources, 25006 read_only_sql_transaction.
const PG_FULL = new Set(["53100", "53000"]);
const PG_READONLY = new Set(["25006"]);

const NOTHING_SAVED = "Nothing was saved; try again once the operator has fixed it.";

export function storageErrorFrom(error: unknown): ApiError | null {
  const answer = classify(error);
  // The operator needs the driver's own words (which file, which server); the person asking gets the sentence.
  if (answer)
    console.error(`Database refused a write: ${error instanceof Error ? error.message : String(error)}`);
  return answer;
}

function classify(error: unknown): ApiError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return null;
  if (SQLITE_FULL.test(code) || PG_FULL.has(code))
    return new ApiError(
      "not-configured",
      `The wizard's database is full (no space left for the change). ${NOTHING_SAVED}`,
    );
  if (SQLITE_READONLY.test(code) || PG_READONLY.has(code))
    return new ApiError("not-configured", `The wizard's database is read-only. ${NOTHING_SAVED}`);
  if (SQLITE_IO.test(code))
    return new ApiError(
      "not-configured",
      `The wizard's database could not be written (disk error). ${NOTHING_SAVED}`,
    );
  return null;
}
