"use client";

import { useEffect, useState } from "react";
import { directoryApi } from "@/lib/client/directory-api";
import { useRunStore } from "@/lib/client/run-store-provider";
import { type DirectoryState } from "@/lib/contract/directory";
import { directoryValues } from "@/lib/steps/placeholders";

/** The connector the run has settled on: from a check (configured, confirmed or the only candidate), else the
 * confirmation saved before any check named it. */
export function settledConnector(state: DirectoryState): { name: string; dn: string } | null {
  const scans = Object.values(state.scans).filter((s) => s?.connector);
  const confirmed = scans.find((s) => s?.connector?.how !== "single-candidate")?.connector ?? null;
  if (confirmed) return confirmed;
  const dn = state.settings.confirmedConnectorDn;
  if (dn) {
    const candidate = scans
      .flatMap((s) => s?.candidates ?? [])
      .find((c) => c.dn.toLowerCase() === dn.toLowerCase());
    if (candidate) return { name: candidate.name, dn: candidate.dn };
  }
  return null;
}

/**
 * The run's own values for the catalogue's placeholders (connector account, domain), read from the directory state
 * each time the run changes (a confirmation or a check may settle the connector). `enabled`: only pages whose text
 * has such placeholders ask.
 */
export function useDirectoryValues(enabled: boolean): Record<string, string> {
  const runId = useRunStore((s) => s.run.id);
  const version = useRunStore((s) => s.run.version);
  const [values, setValues] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    directoryApi
      .state(runId)
      .then((state) => live && setValues(directoryValues(settledConnector(state))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [runId, version, enabled]);
  return values;
}
