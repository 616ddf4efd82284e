import { SandboxDirectory, type SandboxDirectoryState } from "./directory";
import { SandboxTenant, type SandboxTenantOptions, type SandboxTenantState } from "./tenant-model";

// One sandbox run's simulated world: its tenant and the directory the tenant writes password resets into. They are
// stored and loaded together (one JSON document per run), so a reset and the pwdLastSet it moves never part.

export interface SandboxWorld {
  tenant: SandboxTenant;
  directory: SandboxDirectory;
}

export interface SandboxWorldState {
  format: "sspr-sandbox-world/1";
  tenant: SandboxTenantState;
  directory: SandboxDirectoryState;
}

/** A run's world as it starts: the built-in directory, and a tenant set up for the run's flow. */
export function newSandboxWorld(
  options: SandboxTenantOptions = {},
  clock: () => Date = () => new Date(),
): SandboxWorld {
  const directory = new SandboxDirectory();
  return { directory, tenant: new SandboxTenant(clock, directory, options) };
}

export function worldToJson(world: SandboxWorld): string {
  const state: SandboxWorldState = {
    format: "sspr-sandbox-world/1",
    tenant: world.tenant.toState(),
    directory: world.directory.toState(),
  };
  return JSON.stringify(state);
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
  return { directory, tenant: SandboxTenant.fromState(state.tenant, directory, clock) };
}
