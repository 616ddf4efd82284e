// The on-premises directory of one run, as a step's check reads it (VerifyContext.directory). Types only; the server
// builds it (lib/server/directory/run-directory.ts), the CLI and tests build their own.

import { type DeltaBaseline } from "./delta";
import { type DirectoryPort, type ScanProgress } from "./port";
import { type DirectoryStepId, type ScanSettings, type StepScan } from "./scan";

/** A change the wizard applied; the step waits for replication until it passes or the window closes. */
export interface PendingChange {
  stepId: DirectoryStepId;
  appliedAt: string;
  changes: { kind: string; dn: string }[];
}

export interface RunDirectory {
  /**
   * Opens the directory itself: the deployment's LDAP connection, or in a sandbox deployment without one the run's
   * simulated directory. Null when there is neither.
   */
  openLive: (() => Promise<DirectoryPort>) | null;
  /** The run's uploaded snapshot as a port; null when none was uploaded. */
  openSnapshot: () => Promise<DirectoryPort | null>;
  settings: ScanSettings;
  pending: readonly PendingChange[];
  /** Keeps the full per-object list of a scan, for the searchable list and the exports. */
  recordScan(scan: StepScan): Promise<void>;
  /** Progress of long scans, for the progress bar. */
  onProgress?(stepId: DirectoryStepId, progress: ScanProgress): void;
  /** Users counted by the previous scan of this run (progress total until the adapter knows better). */
  previousUserTotal?: number | null;
  /**
   * Where connector-permissions keeps what a delta re-check builds on (lib/directory/delta.ts). Absent: every check
   * is a full scan.
   */
  deltaBaseline?: {
    read(): Promise<DeltaBaseline | null>;
    save(baseline: DeltaBaseline | null): Promise<void>;
  };
}
