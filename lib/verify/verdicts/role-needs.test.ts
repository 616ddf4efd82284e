import { describe, expect, it } from "vitest";
import { ROLE_TEMPLATES, type RoleKey } from "@/lib/tenant/graph-facts";
import { prerequisiteFacts } from "@/lib/testing/prerequisite-facts";
import { evaluatePrerequisites } from "./tenant";
import {
  AUDIT_READER_ROLES,
  CONNECT_WIZARD_ROLES,
  PORTAL_WRITEBACK_ROLES,
  RESET_PASSWORD_ROLES,
  ROLE_NEEDS,
} from "./role-needs";

// Which roles Microsoft documents for each cloud-side task (docs/microsoft-facts.md, "Roles"), and what the
// prerequisites verdict makes of an admin who holds only one of them.

const NOW = new Date("2025-06-01T12:00:00Z");

const factsFor = (...roles: RoleKey[]) => prerequisiteFacts(NOW, roles);

/** The tasks the verdict says the admin cannot do. */
function missingTasks(...roles: RoleKey[]): string[] {
  return evaluatePrerequisites(factsFor(...roles), NOW)
    .findings.filter((f) => f.code === "role-needed")
    .map((f) => f.message);
}

const codes = (...roles: RoleKey[]) =>
  evaluatePrerequisites(factsFor(...roles), NOW).findings.map((f) => f.code);

describe("role template ids", () => {
  it("match Microsoft's built-in roles reference", () => {
    expect(ROLE_TEMPLATES.globalAdmin.id).toBe("62e90394-69f5-4237-9190-012177145e10");
    expect(ROLE_TEMPLATES.globalReader.id).toBe("f2ef992c-3afb-46b9-b7cf-a126ee74c451");
    expect(ROLE_TEMPLATES.hybridIdentityAdmin.id).toBe("8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2");
    expect(ROLE_TEMPLATES.authenticationPolicyAdmin.id).toBe("0526716b-113d-4c15-b2c8-68e3c22b9f80");
    expect(ROLE_TEMPLATES.authenticationAdmin.id).toBe("c4e39bd9-1100-46d3-8c65-fb160da0071f");
    expect(ROLE_TEMPLATES.privilegedAuthenticationAdmin.id).toBe("7be44c8a-adaf-4e2a-84d6-ab2649e08a13");
    expect(ROLE_TEMPLATES.reportsReader.id).toBe("4a5d8f65-41da-4de4-8968-e035b65339cf");
    expect(ROLE_TEMPLATES.securityReader.id).toBe("5d6b6bb7-de71-4623-b4af-96380a352509");
    expect(ROLE_TEMPLATES.securityAdmin.id).toBe("194ae4cb-b126-40b2-bd5b-6091b380977d");
    const ids = Object.values(ROLE_TEMPLATES).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("role needs", () => {
  it("lets the audit readers Microsoft lists read the directory audit records", () => {
    expect([...AUDIT_READER_ROLES].sort()).toEqual(
      ["globalAdmin", "globalReader", "reportsReader", "securityAdmin", "securityReader"].sort(),
    );
    for (const role of ["reportsReader", "securityReader", "securityAdmin", "globalReader"] as const) {
      expect(codes(role), role).not.toContain("no-admin-role");
      expect(
        missingTasks(role).filter((m) => m.includes("audit records")),
        role,
      ).toEqual([]);
    }
  });

  it("asks at least Hybrid Identity Administrator for the On-premises integration page", () => {
    expect([...PORTAL_WRITEBACK_ROLES]).toEqual(["hybridIdentityAdmin", "globalAdmin"]);
    expect(missingTasks("hybridIdentityAdmin").filter((m) => m.includes("admin center"))).toEqual([]);
    const policyOnly = missingTasks("authenticationPolicyAdmin").find((m) => m.includes("admin center"));
    expect(policyOnly).toContain("Hybrid Identity Administrator");
    expect(policyOnly).not.toContain("Authentication Policy Administrator");
  });

  it("accepts a Hybrid Identity Administrator in the Connect wizard", () => {
    expect([...CONNECT_WIZARD_ROLES]).toEqual(["hybridIdentityAdmin", "globalAdmin"]);
    expect(missingTasks("hybridIdentityAdmin").filter((m) => m.includes("Connect wizard"))).toEqual([]);
  });

  it("asks an authentication admin role for Graph's resetPassword", () => {
    expect([...RESET_PASSWORD_ROLES]).toEqual([
      "authenticationAdmin",
      "privilegedAuthenticationAdmin",
      "globalAdmin",
    ]);
    expect(missingTasks("authenticationAdmin").filter((m) => m.includes("test user"))).toEqual([]);
  });

  it("needs nothing more from a Global Administrator", () => {
    expect(missingTasks("globalAdmin")).toEqual([]);
    for (const need of ROLE_NEEDS) expect(need.roles).toContain("globalAdmin");
  });
});
