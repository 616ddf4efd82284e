import { describe, expect, it } from "vitest";
import { SandboxDirectory } from "./directory";
import { SandboxTenant } from "./tenant-model";
import { newSandboxWorld, worldFromJson, worldToJson } from "./world";

// The simulated tenant, and the world (tenant + directory) a sandbox run stores in the database.

describe("a stored sandbox world", () => {
  it("comes back as it was: switches, records, their delay, operations and the directory the resets reach", () => {
    let now = Date.parse("2026-01-01T10:00:00Z");
    const clock = () => new Date(now);
    const world = newSandboxWorld({ flow: "enable", auditDelayMs: 30_000 }, clock);
    world.tenant.setConnectWriteback(true);
    world.tenant.setPortalWriteback(true);
    const terry = world.tenant.users.find((u) => u.displayName === "Terry Test")!;
    const operation = world.tenant.adminReset(terry);
    world.tenant.grantedScopes = new Set(["User.Read"]);
    const back = worldFromJson(worldToJson(world), clock)!;
    expect(worldToJson(back)).toBe(worldToJson(world));
    expect(back.tenant.admin).toBe(back.tenant.users[0]);
    expect(back.tenant.operations.get(operation.id!)?.userId).toBe(terry.id);
    expect(back.tenant.grantedScopes).toEqual(new Set(["User.Read"]));
    expect(back.tenant.visibleAudits()).toHaveLength(world.tenant.visibleAudits().length);
    now += 60_000;
    expect(back.tenant.visibleAudits()).toHaveLength(back.tenant.audits.length);
    // The restored tenant writes into the restored directory, not into the one it was saved from.
    back.tenant.simulateSelfServiceReset();
    expect(JSON.stringify(back.directory.snapshot)).not.toBe(JSON.stringify(world.directory.snapshot));
  });

  it("is refused when it is not a stored world", () => {
    expect(worldFromJson("{")).toBeNull();
    expect(worldFromJson(JSON.stringify({ format: "other" }))).toBeNull();
  });
});

describe("the sandbox tenant behaves like the documented tenant", () => {
  function tenantAt(start: number, options: ConstructorParameters<typeof SandboxTenant>[2] = {}) {
    let now = start;
    const tenant = new SandboxTenant(() => new Date(now), new SandboxDirectory(), options);
    return { tenant, advance: (ms: number) => (now += ms) };
  }

  it("a new audit record shows only after the audit-log delay; history is visible at once", () => {
    const { tenant, advance } = tenantAt(Date.parse("2026-01-01T10:00:00Z"), { auditDelayMs: 30_000 });
    const history = tenant.visibleAudits().length;
    expect(history).toBeGreaterThan(0);
    tenant.setConnectWriteback(true);
    expect(tenant.audits).toHaveLength(history + 1);
    expect(tenant.visibleAudits()).toHaveLength(history);
    advance(29_999);
    expect(tenant.visibleAudits()).toHaveLength(history);
    advance(1);
    expect(tenant.visibleAudits().at(-1)?.activityDisplayName).toBe(
      "Enable password writeback for directory",
    );
  });

  it("without a delay, records show at once (the tests' setting)", () => {
    const { tenant } = tenantAt(Date.now());
    tenant.setConnectWriteback(true);
    expect(tenant.visibleAudits()).toHaveLength(tenant.audits.length);
  });

  it("an enable run starts with everything off; a clean-up run where writeback was set up", () => {
    expect(tenantAt(Date.now(), { flow: "enable" }).tenant.switches).toEqual({
      connectWriteback: false,
      portalWriteback: false,
      unlock: false,
    });
    const { tenant } = tenantAt(Date.now(), { flow: "cleanup" });
    expect(tenant.switches).toEqual({ connectWriteback: true, portalWriteback: true, unlock: true });
    // Its history holds the Connect onboarding record, so the first clear is a real change with its own record.
    const activities = tenant.visibleAudits().map((a) => a.activityDisplayName);
    expect(activities).toContain("Enable password writeback for directory");
    tenant.setConnectWriteback(false);
    expect(tenant.visibleAudits().at(-1)?.activityDisplayName).toBe(
      "Disable password writeback for directory",
    );
  });
});
