import "server-only";
import { type RunDirectory } from "@/lib/directory/run-directory";
import { DirectoryError } from "@/lib/directory/errors";
import { openDirectory } from "@/lib/directory/forest";
import { type DirectoryPort } from "@/lib/directory/port";
import { SnapshotDirectory, parseSnapshotText } from "@/lib/directory/snapshot";
import { type OnPremisesUserLookup } from "@/lib/tenant/port";
import { type SandboxDirectory, sandboxDirectory } from "@/lib/sandbox/directory";
import { appMode, ConfigurationError } from "../env";
import { sandboxKey } from "../tenant-access";
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
export async function getDirectory(
  config: DirectoryConfiguration,
  scope: readonly string[] = config.scope,
): Promise<DirectoryPort> {
  // The connected domain, or several domains of its forest (DIRECTORY_DOMAINS, or OUs of the scope elsewhere).
  return openDirectory(
    { ...config.connection, bindDn: config.bindDn, password: config.readPassword() },
    config.domains,
    scope,
  );
}

/**
 * The run's sandbox directory (ARCHITECTURE.md "Modes and connections"), when this deployment is a sandbox without
 * an LDAP connection of its own (a configured connection, as for the lab, always wins). It stands where the LDAP
 * port would: the directory steps read it live and the wizard's fixes change it. It is the very copy the run's
 * sandbox tenant writes password resets into, so the end-to-end test and the directory steps see one directory.
 */
export function sandboxDirectoryFor(runId: string): SandboxDirectory | null {
  if (appMode() !== "sandbox") return null;
  try {
    if (readConfiguration()) return null;
  } catch {
    return null;
  }
  return sandboxDirectory(sandboxKey(runId));
}

/** What the wizard reads as "the directory of this deployment" for a run: LDAP or the run's sandbox directory. */
export interface DeploymentDirectory {
  /** One line for the UI. */
  label: string;
  /** Opens the port for a run's scope (an OU of another domain of the forest opens that domain too). */
  open(scope?: readonly string[]): Promise<DirectoryPort>;
  connector: string | null;
  scope: string[];
  /** The sandbox's copy (fixes change it in place; no credential is needed), or null for LDAP. */
  sandbox: SandboxDirectory | null;
  /** LDAP only: the configuration fixes connect with. */
  config: DirectoryConfiguration | null;
}

export function deploymentDirectory(runId: string): DeploymentDirectory | null {
  const sandbox = sandboxDirectoryFor(runId);
  if (sandbox)
    return {
      label: sandbox.port().describe(),
      open: async () => sandbox.port(),
      connector: null,
      scope: [],
      sandbox,
      config: null,
    };
  const config = readConfiguration();
  if (!config) return null;
  return {
    label: `${config.connection.url.startsWith("ldaps:") ? "LDAPS" : "LDAP with StartTLS"} to ${new URL(config.connection.url).host} as ${config.bindDn}`,
    open: (scope) => getDirectory(config, scope ?? config.scope),
    connector: config.connector,
    scope: config.scope,
    sandbox: null,
    config,
  };
}

/**
 * The end-to-end test's on-premises leg over the configured LDAP connection: the user found by objectSid, with its
 * pwdLastSet, read with the wizard's read-only account. Null when no connection is configured (or it is misconfigured:
 * the directory steps report that).
 */
export function ldapUserLookup(): OnPremisesUserLookup | null {
  let config: DirectoryConfiguration | null;
  try {
    config = readConfiguration();
  } catch {
    return null;
  }
  if (!config) return null;
  const configured = config;
  return {
    findUserBySid: async (sid) => {
      const port = await getDirectory(configured);
      try {
        return (await port.findUserBySid?.(sid)) ?? null;
      } finally {
        await port.close();
      }
    },
  };
}

/** The run's directory as its steps read it: the live one (LDAP or the sandbox copy) and the uploaded snapshot. */
export async function runDirectoryFor(runId: string): Promise<RunDirectory> {
  let config: DirectoryConfiguration | null = null;
  let configError: DirectoryError | null = null;
  try {
    config = readConfiguration();
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    configError = error;
  }
  const sandbox = config || configError ? null : sandboxDirectoryFor(runId);
  const [settings, pending, previous] = await Promise.all([
    readSettings(runId),
    readPending(runId),
    readScan(runId, "connector-permissions"),
  ]);
  const scope = settings.scope.length > 0 ? settings.scope : (config?.scope ?? []);
  return {
    openLive: config
      ? () => getDirectory(config, scope)
      : configError
        ? () => Promise.reject(configError)
        : sandbox
          ? async () => sandbox.port()
          : null,
    openSnapshot: async () => {
      const text = await readSnapshotText(runId);
      return text ? new SnapshotDirectory(parseSnapshotText(text)) : null;
    },
    settings: {
      connector: config?.connector ?? null,
      confirmedConnectorDn: settings.confirmedConnectorDn,
      scope,
    },
    // A change to the sandbox directory takes effect at once: there is no replication to wait for, so a check that
    // still fails after a fix is a real failure, not a step waiting for a re-check.
    pending: sandbox ? [] : pending,
    recordScan: async (scan) => {
      await writeScan(runId, scan);
      clearProgress(runId, scan.stepId);
    },
    onProgress: (stepId, progress) => setProgress(runId, stepId, progress),
    previousUserTotal: previous?.facts.users?.total ?? null,
  };
}
