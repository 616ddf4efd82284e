import { describe, expect, it } from "vitest";
import { keyInWords, summarizeEvidence } from "./evidence-summary";

const date = (iso: string) => `<${iso.slice(0, 10)}>`;

describe("evidence for people", () => {
  it("says where the directory was read and what was found, without JSON", () => {
    const lines = summarizeEvidence(
      {
        directory: {
          source: "LDAPS to dc1.contoso.test",
          summary: "1 domain controller read; connector CONTOSO\\MSOL_ab12.",
          connector: "CONTOSO\\MSOL_ab12 (confirmed)",
          scope: "DC=contoso,DC=test",
          findings: { "dc-os-unknown": 1 },
        },
        tenant: {
          tenant: "Contoso (1234)",
          premiumPlans: ["EMSPREMIUM: AAD_PREMIUM"],
          signedInAs: "ada@contoso.test",
          activeRoles: ["Global Administrator"],
          lastSync: "2026-12-06T09:00:00Z",
          lastSyncAgeMinutes: 12,
          syncFeatures: { passwordWritebackEnabled: true },
        },
      },
      date,
    );
    expect(lines).toEqual([
      "Directory: Read LDAPS to dc1.contoso.test: 1 domain controller read; connector CONTOSO\\MSOL_ab12.",
      "Tenant: Read tenant Contoso (1234); signed in as ada@contoso.test; active roles: Global Administrator; licence plans: EMSPREMIUM: AAD_PREMIUM; last synchronisation 12 minutes ago.",
    ]);
    expect(lines.join(" ")).not.toMatch(/[{}]/);
  });

  it("names the connector when the summary does not, and counts users", () => {
    expect(
      summarizeEvidence({
        source: "the sandbox directory",
        summary: "0 of 58 users ready.",
        connector: "CONTOSO\\MSOL_x (confirmed)",
        users: { total: 58, ready: 0, changePassword: 0 },
      }),
    ).toEqual([
      "Read the sandbox directory: 0 of 58 users ready; connector CONTOSO\\MSOL_x (confirmed).",
      "Users checked: 58, ready: 0.",
    ]);
  });

  it("turns an audit record into a sentence and other facts into words", () => {
    expect(
      summarizeEvidence(
        {
          latestWritebackRecord: {
            activity: "Enable password writeback for directory",
            at: "2026-12-06T09:00:00Z",
            result: "success",
            initiatedBy: "Sync_SERVER",
            target: null,
            auditRecordId: "abc",
          },
          passed: true,
          pwdLastSet: "2026-12-06T08:00:00Z",
          recheck: { nextCheckAt: "x" },
        },
        date,
      ),
    ).toEqual([
      "Latest writeback record: audit record “Enable password writeback for directory” on <2026-12-06> by Sync_SERVER (success).",
      "Passed: yes.",
      "Pwd last set: <2026-12-06>.",
    ]);
  });

  it("words keys", () => {
    expect(keyInWords("lastSyncAgeMinutes")).toBe("Last sync age minutes");
    expect(keyInWords("collected_at")).toBe("Collected at");
  });
});
