import { describe, expect, it } from "vitest";
import { SandboxDirectory } from "@/lib/sandbox/directory";
import { SandboxTenant } from "@/lib/sandbox/tenant-model";
import { ROLE_TEMPLATES } from "@/lib/tenant/graph-facts";
import { prerequisites, SANDBOX_ADMIN } from "./prerequisites";

describe("the sandbox's first step", () => {
  it("names the simulated admin the sandbox tenant really signs in as", () => {
    const tenant = new SandboxTenant(() => new Date("2026-12-06T10:00:00Z"), new SandboxDirectory());
    expect(SANDBOX_ADMIN.displayName).toBe(tenant.admin.displayName);
    expect(SANDBOX_ADMIN.userPrincipalName).toBe(tenant.admin.userPrincipalName);
    const role = Object.values(ROLE_TEMPLATES).find((r) => r.name === SANDBOX_ADMIN.role);
    expect(role && tenant.admin.roleTemplateIds).toContain(role?.id);
  });

  it("does not ask a sandbox user to sign in", () => {
    const sandbox = prerequisites.instructions.map((i) => ("sandboxText" in i ? i.sandboxText : i.text));
    expect(sandbox.join(" ")).not.toMatch(/sign in to this wizard/i);
    expect(sandbox[0]).toContain("Ada Admin");
  });
});
