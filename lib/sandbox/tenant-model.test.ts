import { describe, expect, it } from "vitest";
import { MAX_SANDBOX_TENANTS, resetSandboxTenant, sandboxTenant } from "./tenant-model";

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
