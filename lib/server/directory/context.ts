import "server-only";
import { type DirectoryContext } from "@/lib/directory/context";
import { DirectoryError } from "@/lib/directory/errors";
import { LdapDirectory } from "@/lib/directory/ldap-adapter";
import { type DirectoryPort } from "@/lib/directory/port";
import { SnapshotDirectory, parseSnapshotText } from "@/lib/directory/snapshot";
import { type VerifyContext } from "@/lib/steps/verifiers";
import { ConfigurationError } from "../env";
import { readPending, readScan, readSettings, readSnapshotText, writeScan } from "./artifacts";
import { directoryConfiguration, type DirectoryConfiguration } from "./config";
import { clearProgress, setProgress } from "./progress";

// VerifyContext.directory for one run: the deployment's LDAP connection (when configured) and the run's uploaded
// snapshot (when there is one), with the run's confirmed connector and chosen OUs.

/** The configured connection, or a DirectoryError that says which setting is wrong. */
export function readConfiguration(): DirectoryConfiguration | null {
  try {
    return directoryConfiguration();
  } catch (error) {
    if (error instanceof ConfigurationError)
      throw new DirectoryError(
        "configuration",
        error.message,
        "Fix the server configuration (see .env.example) and restart the wizard.",
      );
    throw error;
  }
}

/** Opens the read-only LDAP port of this deployment. */
export async function getDirectory(config: DirectoryConfiguration): Promise<DirectoryPort> {
  return LdapDirectory.open({ ...config.connection, bindDn: config.bindDn, password: config.readPassword() });
}

export async function directoryContextFor(
  run: VerifyContext["run"],
): Promise<Pick<VerifyContext, "directory">> {
  let config: DirectoryConfiguration | null = null;
  let configError: DirectoryError | null = null;
  try {
    config = readConfiguration();
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    configError = error;
  }
  const [settings, pending, previous] = await Promise.all([
    readSettings(run.id),
    readPending(run.id),
    readScan(run.id, "connector-permissions"),
  ]);
  const directory: DirectoryContext = {
    openLdap: config ? () => getDirectory(config) : configError ? () => Promise.reject(configError) : null,
    openSnapshot: async () => {
      const text = await readSnapshotText(run.id);
      return text ? new SnapshotDirectory(parseSnapshotText(text)) : null;
    },
    settings: {
      connector: config?.connector ?? null,
      confirmedConnectorDn: settings.confirmedConnectorDn,
      scope: settings.scope.length > 0 ? settings.scope : (config?.scope ?? []),
    },
    pending,
    recordScan: async (scan) => {
      await writeScan(run.id, scan);
      clearProgress(run.id, scan.stepId);
    },
    onProgress: (stepId, progress) => setProgress(run.id, stepId, progress),
    previousUserTotal: previous?.facts.users?.total ?? null,
  };
  return { directory };
}
