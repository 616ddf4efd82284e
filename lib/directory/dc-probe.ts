// Reading every domain controller's own rootDSE (the step's finding dc-policy-hints-unsupported: neither …2239 nor
// …2066 in supportedControl). One LDAP connection reads the rootDSE of the DC it reached; the Connect server may
// write passwords through any DC of the domain, so the others are asked too, each over its own verified TLS
// connection to its dnsHostName (the name its certificate carries), in parallel and with a short budget. A DC the
// wizard cannot reach is judged by its operating system version instead, and the finding says so. Answers are kept
// for a while per process (a DC's controls change with its OS, not between two checks), so that a domain with many
// unreachable DCs costs the probe budget once, not on every check.

import { LRUCache } from "lru-cache";
import { type DomainControllerRecord } from "./port";
import { isDirectoryError } from "./errors";

/** Reads one DC's rootDSE supportedControl; throws (a DirectoryError, ideally) when it cannot. */
export type RootDseProbe = (dnsHostName: string) => Promise<string[]>;

export const DC_PROBE_CONCURRENCY = 4;
/** How long a DC's answer is reused: its controls, or (shorter) the reason it could not be read. */
export const DC_PROBE_TTL_MS = { read: 10 * 60_000, failed: 2 * 60_000 };

type Answer = { controls: string[] } | { error: string };

/** Remembers probe answers by key (the connection and the DC's name), for `DC_PROBE_TTL_MS`. */
export class DcProbeCache {
  private readonly answers: LRUCache<string, Answer>;

  constructor(clock: () => number = Date.now, max = 5_000) {
    this.answers = new LRUCache<string, Answer>({
      max,
      perf: { now: clock },
      // lru-cache otherwise reuses one reading of the clock for 1 ms; an injected clock is read every time.
      ttlResolution: 0,
    });
  }

  /** `probe` wrapped so that a fresh answer for (`scope`, name) is reused, failures included. */
  wrap(scope: string, probe: RootDseProbe): RootDseProbe {
    return async (name) => {
      const key = `${scope}|${name.toLowerCase()}`;
      const known = this.answers.get(key);
      if (known) {
        if ("controls" in known) return known.controls;
        throw new Error(known.error);
      }
      // The lifetime starts when the probe was asked, not when it answered.
      const start = this.answers.perf.now();
      const keep = (answer: Answer, lifetime: number) =>
        // lru-cache keeps an entry while its age is at most `ttl`; an answer is reused while younger than its
        // lifetime, hence 1 ms less.
        this.answers.set(key, answer, { ttl: lifetime - 1, start });
      try {
        const controls = await probe(name);
        keep({ controls }, DC_PROBE_TTL_MS.read);
        return controls;
      } catch (error) {
        keep({ error: describe(error) }, DC_PROBE_TTL_MS.failed);
        throw error;
      }
    };
  }
}

/** The process's cache (LDAP ports share it). */
export const dcProbeCache = new DcProbeCache();

function describe(error: unknown): string {
  return isDirectoryError(error) ? error.message : error instanceof Error ? error.message : String(error);
}

/**
 * Fills in `supportedControl` for every DC that does not have it yet (the connected one has), using `probe`.
 * A DC whose rootDSE cannot be read keeps `supportedControl: null` and gets `supportedControlError`.
 */
export async function probeDomainControllers(
  dcs: readonly DomainControllerRecord[],
  probe: RootDseProbe,
  concurrency = DC_PROBE_CONCURRENCY,
): Promise<DomainControllerRecord[]> {
  const out = dcs.map((dc) => ({ ...dc }));
  const todo = out.filter((dc) => dc.supportedControl === null);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let dc = todo[next++]; dc; dc = todo[next++]) {
      if (!dc.dnsHostName) {
        dc.supportedControlError = "it has no dNSHostName to connect to";
        continue;
      }
      try {
        dc.supportedControl = [...new Set(await probe(dc.dnsHostName))];
      } catch (error) {
        dc.supportedControlError = describe(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return out;
}
