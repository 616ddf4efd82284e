import "server-only";
import { getDatabase } from "./db";
import { env } from "./env";
import { RunsRepository } from "./runs-repository";
import { ShareLinksRepository } from "./share-links-repository";

// The repositories over the process-wide database, opened once.

export interface Stores {
  runs: RunsRepository;
  links: ShareLinksRepository;
}

let stores: Promise<Stores> | undefined;

export function getStores(): Promise<Stores> {
  let current = stores;
  if (!current) {
    const opening = getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE }).then(({ db }) => ({
      runs: new RunsRepository(db),
      links: new ShareLinksRepository(db),
    }));
    stores = current = opening;
    // A failed open is not remembered: the next request tries again.
    opening.catch(() => {
      if (stores === opening) stores = undefined;
    });
  }
  return current;
}
