import { describe, expect, it } from "vitest";
import { SandboxDirectory } from "./directory";
import {
  MAX_SANDBOX_TENANTS,
  prepareSandboxTenant,
  resetSandboxTenant,
  SandboxTenant,
  sandboxTenant,
} from "./tenant-model";

// The registry of live sandbox tenants (one per run key) is bounded: starting runs cannot fill the memory.

describe("sandbox tenant registry", () => {
  it("returns the same tenant for the same key, and a fresh one after a reset", () => {
    const key = `same-${Date.now()}`;
    const tenant = sandboxTenant(key);
    tenant.setPortalWriteback(true);
    expect(sandboxTenant(key)).toBe(tenant);
    const fresh = resetSandboxTenant(key);
    expect(fresh).not.toBe(tenant);
    expect(fresh.switches.portalWriteback).toBe(false);
  });

  it(`keeps at most ${MAX_SANDBOX_TENANTS} tenants, dropping the least recently used`, () => {
    const prefix = `bound-${Date.now()}`;
    const oldest = sandboxTenant(`${prefix}-0`);
    const kept = sandboxTenant(`${prefix}-1`);
    for (let i = 2; i < MAX_SANDBOX_TENANTS; i++) sandboxTenant(`${prefix}-${i}`);
    // Using tenant 1 again makes tenant 0 the least recently used; one more key pushes it out.
    expect(sandboxTenant(`${prefix}-1`)).toBe(kept);
    sandboxTenant(`${prefix}-new`);
    expect(sandboxTenant(`${prefix}-1`)).toBe(kept);
    expect(sandboxTenant(`${prefix}-0`)).not.toBe(oldest);
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

  it("the registry starts a key's tenant the way its run was prepared, also after a reset", () => {
    const key = `flow-${Date.now()}`;
    prepareSandboxTenant(key, { flow: "cleanup" });
    expect(sandboxTenant(key, { auditDelayMs: 5_000 }).switches.connectWriteback).toBe(true);
    expect(sandboxTenant(key).auditDelayMs).toBe(5_000);
    const fresh = resetSandboxTenant(key);
    expect(fresh.switches).toEqual({ connectWriteback: true, portalWriteback: true, unlock: true });
  });
});
