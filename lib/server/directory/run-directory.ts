import "server-only";
import { connectorAccountFromEvidence } from "../connect/evidence-store";
import { type RunDirectory } from "@/lib/directory/run-directory";
import { DirectoryError } from "@/lib/directory/errors";
import { openDirectory } from "@/lib/directory/forest";
import { type LdapConnectionConfig } from "@/lib/directory/ldap-adapter";
import { openLdapWriter } from "@/lib/directory/ldap-writer";
import { type DirectoryPort, type OnPremisesUserLookup } from "@/lib/directory/port";
import { type DirectoryWriter } from "@/lib/directory/writer";
import { StreamedSnapshotDirectory } from "@/lib/directory/snapshot-stream";
import { SandboxDirectory } from "@/lib/sandbox/directory";
import { ApiError } from "../api-error";
import { appMode, ConfigurationError } from "../env";
import { openSandboxWriter, withSandboxWorld } from "../sandbox-store";
import {
  readBaseline,
  readPending,
  readScan,
  readSettings,
  readStoredSnapshot,
  writeBaseline,
  writeScan,
} from "./artifacts";
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
export function usesSandboxDirectory(): boolean {
  if (appMode() !== "sandbox") return false;
  try {
    return readConfiguration() === null;
  } catch {
    return false;
  }
}

let sandboxLabel: string | undefined;

/** How the UI names the sandbox directory (its domains never change, so the built-in copy says it). */
function sandboxDirectoryLabel(): string {
  sandboxLabel ??= new SandboxDirectory().port().describe();
  return sandboxLabel;
}

/** A privileged account typed for one change (never stored). */
export interface TypedCredential {
  bindDn: string;
  password: string;
}

/** What the wizard reads as "the directory of this deployment" for a run: LDAP or the run's sandbox directory. */
export interface DeploymentDirectory {
  kind: "ldap" | "sandbox";
  /** One line for the UI. */
  label: string;
  /** Opens the port for a run's scope (an OU of another domain of the forest opens that domain too). */
  open(scope?: readonly string[]): Promise<DirectoryPort>;
  connector: string | null;
  scope: string[];
  /**
   * Where a fix is written. Over LDAP it binds with the credential typed for this one change (a 422 naming
   * `body.credential` without one); the sandbox copy has no accounts to sign in with and ignores one.
   */
  openWriter(credential: TypedCredential | undefined): Promise<DirectoryWriter>;
  /** Checks, before anything is read, that `openWriter` will accept this credential. */
  checkCredential(credential: TypedCredential | undefined): void;
  /** Said on the fix form instead of asking for a credential, when none is needed; null over LDAP. */
  credentialNote: string | null;
}

export const SANDBOX_CREDENTIAL_NOTE =
  "Sandbox: no credential needed. The changes are made to this run's simulated directory, which has no accounts to sign in with.";

/** The configured connection with the typed privileged credential, or a 422 naming `body.credential`. */
function privilegedConnection(
  config: DirectoryConfiguration,
  credential: TypedCredential | undefined,
): LdapConnectionConfig {
  if (!credential)
    throw new ApiError(
      "invalid-body",
      "body.credential: is required (the privileged account and its password, typed for this one change)",
      { fields: ["body.credential"] },
    );
  return { ...config.connection, bindDn: credential.bindDn, password: credential.password };
}

export function deploymentDirectory(runId: string): DeploymentDirectory | null {
  if (usesSandboxDirectory())
    return {
      kind: "sandbox",
      label: sandboxDirectoryLabel(),
      // The run's copy as stored now (lib/server/sandbox-store.ts); a fix writes through a writer that stores it.
      open: () => withSandboxWorld(runId, (world) => world.directory.port()),
      connector: null,
      scope: [],
      openWriter: () => openSandboxWriter(runId),
      checkCredential: () => undefined,
      credentialNote: SANDBOX_CREDENTIAL_NOTE,
    };
  const config = readConfiguration();
  if (!config) return null;
  return {
    label: `${config.connection.url.startsWith("ldaps:") ? "LDAPS" : "LDAP with StartTLS"} to ${new URL(config.connection.url).host} as ${config.bindDn}`,
    kind: "ldap",
    open: (scope) => getDirectory(config, scope ?? config.scope),
    connector: config.connector,
    scope: config.scope,
    openWriter: (credential) => openLdapWriter(privilegedConnection(config, credential)),
    checkCredential: (credential) => void privilegedConnection(config, credential),
    credentialNote: null,
  };
}

/**
 * The end-to-end test's on-premises leg over the configured LDAP connection: the user found by objectSid, with its
 * password stamp and account state, read with the wizard's read-only account. Null when no connection is configured (or it is misconfigured:
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
  // A misconfigured connection is not "no connection": the live source stands aside saying which setting is wrong.
  let deployment: DeploymentDirectory | null = null;
  let configError: DirectoryError | null = null;
  try {
    deployment = deploymentDirectory(runId);
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    configError = error;
  }
  const [settings, pending, previous, evidenceConnector] = await Promise.all([
    readSettings(runId),
    readPending(runId),
    readScan(runId, "connector-permissions"),
    // The AD DS connector account the Connect server's evidence names confirms the connector (issue 13).
    connectorAccountFromEvidence(runId),
  ]);
  const scope = settings.scope.length > 0 ? settings.scope : (deployment?.scope ?? []);
  const live = deployment;
  return {
    openLive: live ? () => live.open(scope) : configError ? () => Promise.reject(configError) : null,
    openSnapshot: async () => {
      const stored = await readStoredSnapshot(runId);
      return stored ? new StreamedSnapshotDirectory(stored.header, stored.open) : null;
    },
    settings: {
      connector: deployment?.connector ?? evidenceConnector,
      confirmedConnectorDn: settings.confirmedConnectorDn,
      scope,
    },
    // A change to the sandbox directory takes effect at once: there is no replication to wait for, so a check that
    // still fails after a fix is a real failure, not a step waiting for a re-check.
    pending: deployment?.kind === "sandbox" ? [] : pending,
    recordScan: async (scan) => {
      await writeScan(runId, scan);
      clearProgress(runId, scan.stepId);
    },
    onProgress: (stepId, progress) => setProgress(runId, stepId, progress),
    previousUserTotal: previous?.facts.users?.total ?? null,
    // Only the deployment's LDAP connection reports changes; the sandbox copy is re-read whole (it is small).
    ...(deployment?.kind === "ldap"
      ? { deltaBaseline: { read: () => readBaseline(runId), save: (b) => writeBaseline(runId, b) } }
      : {}),
  };
}
