// Reading every domain controller's own rootDSE (issue 5: "DCs: dc-policy-hints-unsupported (neither …2239 nor
// …2066 in supportedControl)"). One LDAP connection reads the rootDSE of the DC it reached; the Connect server may
// write passwords through any DC of the domain, so the others are asked too, each over its own verified TLS
// connection to its dnsHostName (the name its certificate carries), in parallel and with a short budget. A DC the
// wizard cannot reach is judged by its operating system version instead, and the finding says so.

import { type DomainControllerRecord } from "./port";
import { isDirectoryError } from "./errors";

/** Reads one DC's rootDSE supportedControl; throws (a DirectoryError, ideally) when it cannot. */
export type RootDseProbe = (dnsHostName: string) => Promise<string[]>;

export const DC_PROBE_CONCURRENCY = 4;

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
        dc.supportedControlError = isDirectoryError(error)
          ? error.message
          : error instanceof Error
            ? error.message
            : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return out;
}
