import { describe, expect, it } from "vitest";
import {
  AUDIT_ACTIVITIES,
  PASSWORD_METHOD_ID,
  PREMIUM_SERVICE_PLANS,
  SCOPES,
  WRITEBACK_AGENTS,
} from "./graph-facts";

// The Graph facts the tenant checks rest on, each against the Microsoft page named in docs/microsoft-facts.md.

describe("Graph facts", () => {
  it("keeps the P1 and P2 service plan ids", () => {
    expect(Object.keys(PREMIUM_SERVICE_PLANS).sort()).toEqual(
      ["41781fb2-bc02-4b7c-bd55-b576c07bb09d", "eec0eb4f-6444-4f95-aba0-50c24d67f998"].sort(),
    );
    expect(PREMIUM_SERVICE_PLANS["41781fb2-bc02-4b7c-bd55-b576c07bb09d"]).toMatch(/^AAD_PREMIUM /);
    expect(PREMIUM_SERVICE_PLANS["eec0eb4f-6444-4f95-aba0-50c24d67f998"]).toMatch(/^AAD_PREMIUM_P2 /);
  });

  it("uses the well-known id of the password authentication method", () => {
    expect(PASSWORD_METHOD_ID).toBe("28c10230-6103-485e-b985-444c60001490");
  });

  it("queries the self-service password management activities under Microsoft's names", () => {
    expect(AUDIT_ACTIVITIES).toEqual({
      enableWriteback: "Enable password writeback for directory",
      disableWriteback: "Disable password writeback for directory",
      selfServiceReset: "Reset password (self-service)",
      selfServiceUnlock: "Unlock user account (self-service)",
      adminReset: "Reset password (by admin)",
    });
  });

  it("asks the delegated permission Microsoft documents for each call", () => {
    expect(SCOPES.audits).toBe("AuditLog.Read.All");
    expect(SCOPES.registrationDetails).toBe("AuditLog.Read.All");
    expect(SCOPES.syncFeatures).toBe("OnPremDirectorySynchronization.Read.All");
    expect(SCOPES.resetPassword).toBe("UserAuthenticationMethod.ReadWrite.All");
    expect(SCOPES.me).toBe("User.Read");
    expect(SCOPES.subscribedSkus).toBe("Organization.Read.All");
  });

  it("counts only the observed writeback agents as written back, never None", () => {
    expect([...WRITEBACK_AGENTS]).toEqual(["Microsoft Entra Connect", "CloudSync", "Azure AD Connect"]);
    expect(WRITEBACK_AGENTS.map((a) => a.toLowerCase())).not.toContain("none");
  });
});
