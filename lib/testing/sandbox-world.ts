import { type SandboxWorld } from "@/lib/sandbox/world";
import { withSandboxWorld } from "@/lib/server/sandbox-store";

// Tests look at (and, playing an admin outside the wizard, change) a sandbox run's stored world, as the server does.

/** The run's world as stored now. */
export function sandboxWorldOf(runId: string): Promise<SandboxWorld> {
  return withSandboxWorld(runId, (world) => world);
}

/** Changes the run's world and stores the change, as a sandbox control would (also changes made to its snapshot). */
export function changeSandboxWorld<T>(runId: string, change: (world: SandboxWorld) => T): Promise<T> {
  return withSandboxWorld(runId, (world) => {
    const result = change(world);
    world.directory.touch();
    return result;
  });
}
