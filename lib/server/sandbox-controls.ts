import "server-only";
import {
  type SandboxControl as SandboxControlInput,
  type SandboxDirectoryControl as SandboxDirectoryControlInput,
  type SandboxDirectoryView,
  type SandboxView,
} from "@/lib/contract/sandbox";
import { type SandboxDirectory } from "@/lib/sandbox/directory";
import { SandboxTenant } from "@/lib/sandbox/tenant-model";
import { type SandboxWorld } from "@/lib/sandbox/world";
import { type Who } from "./access";
import { ApiError } from "./api-error";
import { usesSandboxDirectory } from "./directory/run-directory";
import { appMode, env } from "./env";
import { loadRun, loadRunAs, recordRunEvents } from "./runs-service";
import { withSandboxWorld } from "./sandbox-store";

// The sandbox controls of a run. The simulated tenant belongs to the run (not to a browser), so the owner and
// the people it was shared with look at, and act on, the same one; who may act is the run's access rule.

export function sandboxView(world: SandboxWorld, message: string | null = null): SandboxView {
  const { tenant } = world;
  const visible = tenant.visibleAudits().length;
  return {
    switches: { ...tenant.switches },
    auditRecords: visible,
    auditRecordsOnTheirWay: tenant.audits.length - visible,
    auditDelaySeconds: Math.round(tenant.auditDelayMs / 1000),
    message,
  };
}

export function applySandboxControl(
  world: SandboxWorld,
  control: SandboxControlInput,
  flow: "enable" | "cleanup",
): SandboxView {
  const { tenant } = world;
  switch (control.action) {
    case "connect-writeback":
      tenant.setConnectWriteback(control.on);
      return sandboxView(
        world,
        `Simulated: Password writeback ${control.on ? "ticked" : "cleared"} in the Connect wizard.`,
      );
    case "portal-writeback":
      tenant.setPortalWriteback(control.on);
      return sandboxView(
        world,
        `Simulated: the admin center's writeback switch is ${control.on ? "on" : "off"}.`,
      );
    case "portal-unlock":
      if (control.on && !tenant.switches.portalWriteback) {
        throw new ApiError("conflict", "Turn the writeback switch on first: unlock depends on it.");
      }
      tenant.setUnlock(control.on);
      return sandboxView(world, `Simulated: unlock without reset is ${control.on ? "on" : "off"}.`);
    case "self-service-reset": {
      const record = tenant.simulateSelfServiceReset();
      const agent = record.additionalDetails?.[0]?.value ?? "None";
      return sandboxView(
        world,
        `Simulated: a synchronised user reset their password (OnPremisesAgent ${agent}).`,
      );
    }
    case "self-service-unlock":
      if (!tenant.simulateSelfServiceUnlock()) {
        throw new ApiError(
          "conflict",
          "Users are not offered an unlock: the unlock switch or writeback is off.",
        );
      }
      return sandboxView(world, "Simulated: a synchronised user unlocked their account without a reset.");
    case "restore":
      // The tenant starts again; the directory it writes resets into stays as it is (it has its own restore).
      world.tenant = new SandboxTenant(() => new Date(), world.directory, {
        flow,
        auditDelayMs: env().SANDBOX_AUDIT_DELAY_SECONDS * 1000,
      });
      return sandboxView(world, "The sandbox tenant is back to its starting state.");
  }
}

function sandboxOnly(what: "tenant" | "directory" = "tenant"): void {
  if (appMode() !== "sandbox") throw new ApiError("not-found", `There is no sandbox ${what} in live mode.`);
}

/** The run's simulated tenant, for anyone who may see the run. */
export async function sandboxViewForRun(who: Who, runId: string): Promise<SandboxView> {
  sandboxOnly();
  await loadRun(who, runId, "view");
  return withSandboxWorld(runId, (world) => sandboxView(world));
}

/** A control changes what the run's checks will find: edit rights, like any change to the run. */
export async function applySandboxControlForRun(
  who: Who,
  runId: string,
  control: SandboxControlInput,
): Promise<SandboxView> {
  sandboxOnly();
  const { view, access } = await loadRunAs(who, runId, "edit");
  const answer = await withSandboxWorld(runId, (world) => applySandboxControl(world, control, view.flow));
  await recordSimulation(runId, access.actor, "tenant", control.action, answer.message);
  return answer;
}

// ---------------------------------------------------------------------------------------------------------
// The run's sandbox directory: the admin's part outside the wizard for the findings its own fixes do not cover
// (the domain controllers' version, the domain's password policy) and, for a clean-up run, the delegation an
// earlier enable flow left behind. Each control changes the run's copy the way the real action changes a domain;
// the directory steps then find the result with the same checks as over LDAP.

function runSandboxDirectory<T>(
  runId: string,
  use: (directory: SandboxDirectory) => T | Promise<T>,
): Promise<T> {
  if (!usesSandboxDirectory())
    throw new ApiError(
      "not-found",
      "There is no sandbox directory here: this server reads a real directory over LDAP.",
    );
  return withSandboxWorld(runId, (world) => use(world.directory));
}

function directoryView(directory: SandboxDirectory, message: string | null): SandboxDirectoryView {
  return { ...directory.describeState(), message };
}

export async function applySandboxDirectoryControl(
  directory: SandboxDirectory,
  control: SandboxDirectoryControlInput,
): Promise<SandboxDirectoryView> {
  switch (control.action) {
    case "upgrade-domain-controllers":
      return directoryView(directory, directory.upgradeDomainControllers().message);
    case "minimum-password-age-zero":
      return directoryView(directory, directory.setMinimumPasswordAgeToZero().message);
    case "password-settings-readable":
      return directoryView(directory, directory.grantPasswordSettingsRead().message);
    case "delegation-in-place":
      return directoryView(directory, (await directory.delegateToConnector()).message);
    case "restore":
      directory.restore();
      return directoryView(directory, "The sandbox directory is back to its starting state.");
  }
}

/** The run's simulated directory, for anyone who may see the run. */
export async function sandboxDirectoryViewForRun(who: Who, runId: string): Promise<SandboxDirectoryView> {
  sandboxOnly("directory");
  await loadRun(who, runId, "view");
  return runSandboxDirectory(runId, (directory) => directoryView(directory, null));
}

/** A control changes what the run's directory checks will find: edit rights, like any change to the run. */
export async function applySandboxDirectoryControlForRun(
  who: Who,
  runId: string,
  control: SandboxDirectoryControlInput,
): Promise<SandboxDirectoryView> {
  sandboxOnly("directory");
  const { access } = await loadRunAs(who, runId, "edit");
  const answer = await runSandboxDirectory(runId, (directory) =>
    applySandboxDirectoryControl(directory, control),
  );
  await recordSimulation(runId, access.actor, "directory", control.action, answer.message);
  return answer;
}

/** A simulated action goes into the run's timeline in the words the panel showed. */
async function recordSimulation(
  runId: string,
  actor: string,
  system: "tenant" | "directory",
  action: string,
  message: string | null,
): Promise<void> {
  await recordRunEvents(runId, [
    {
      actor,
      type: "sandbox-simulated",
      stepId: null,
      summary: message ?? `Simulated: ${action} (sandbox ${system})`,
      detail: { system, action },
    },
  ]);
}
