import { connectServerFromState, healthyConnectServer, type SandboxConnectServer } from "./connect-server";
import { SandboxDirectory, type SandboxDirectoryState } from "./directory";
import { SandboxTenant, type SandboxTenantOptions, type SandboxTenantState } from "./tenant-model";

// One sandbox run's simulated world: its tenant and the directory the tenant writes password resets into. They are
// stored and loaded together (one JSON document per run), so a reset and the pwdLastSet it moves never part.

export interface SandboxWorld {
  tenant: SandboxTenant;
  directory: SandboxDirectory;
  /** The run's Entra Connect server (its ADSync service, its way to Service Bus). */
  connect: SandboxConnectServer;
}

export interface SandboxWorldState {
  format: "sspr-sandbox-world/1";
  tenant: SandboxTenantState;
  directory: SandboxDirectoryState;
  /** Absent in worlds stored before the Connect server was kept with them: a healthy server. */
  connect?: SandboxConnectServer;
}

/** A run's world as it starts: the built-in directory, and a tenant set up for the run's flow. */
export function newSandboxWorld(
  options: SandboxTenantOptions = {},
  clock: () => Date = () => new Date(),
): SandboxWorld {
  const directory = new SandboxDirectory();
  return { directory, tenant: new SandboxTenant(clock, directory, options), connect: healthyConnectServer() };
}

export function worldToJson(world: SandboxWorld): string {
  return joinWorld(tenantJson(world), directoryJson(world), connectJson(world));
}

/** The Connect server part of the stored text (three fields). */
export function connectJson(world: SandboxWorld): string {
  return JSON.stringify(world.connect);
}

/** The tenant part of the stored text (small: switches, users, records). */
export function tenantJson(world: SandboxWorld): string {
  return JSON.stringify(world.tenant.toState());
}

/** The directory part of the stored text (large: the whole snapshot); serialise it only when it changed. */
export function directoryJson(world: SandboxWorld): string {
  return JSON.stringify(world.directory.toState());
}

/** The stored text from its parts; the same text JSON.stringify makes of a SandboxWorldState. */
export function joinWorld(tenant: string, directory: string, connect: string): string {
  return `{"format":"sspr-sandbox-world/1","tenant":${tenant},"directory":${directory},"connect":${connect}}`;
}

/** Null when the text is not a stored world of this format (the caller starts the run's world again). */
export function worldFromJson(text: string, clock: () => Date = () => new Date()): SandboxWorld | null {
  let state: SandboxWorldState;
  try {
    state = JSON.parse(text) as SandboxWorldState;
  } catch {
    return null;
  }
  if (state?.format !== "sspr-sandbox-world/1" || !state.tenant || !state.directory) return null;
  const directory = SandboxDirectory.fromState(state.directory);
  return {
    directory,
    tenant: SandboxTenant.fromState(state.tenant, directory, clock),
    connect: connectServerFromState(state.connect),
  };
}
