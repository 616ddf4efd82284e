import { ROLE_TEMPLATES, type RoleKey } from "@/lib/tenant/graph-facts";
import { type PrerequisiteFacts } from "@/lib/verify/verdicts/tenant";

/**
 * What the prerequisites verdict reads of a healthy tenant at `now`: an active P1 plan, an admin holding `roles`,
 * synchronised ten minutes ago. Tests override the part they are about.
 */
export function prerequisiteFacts(
  now: Date,
  roles: readonly RoleKey[] = ["globalAdmin"],
  overrides: Partial<PrerequisiteFacts> = {},
): PrerequisiteFacts {
  return {
    licence: {
      premiumPlans: [
        {
          skuPartNumber: "AAD_PREMIUM",
          servicePlanName: "AAD_PREMIUM",
          capabilityStatus: "Enabled",
          provisioningStatus: "Success",
        },
      ],
    },
    admin: {
      id: "1",
      displayName: "Admin",
      userPrincipalName: "admin@contoso.com",
      roles: roles.map((r) => ({
        roleTemplateId: ROLE_TEMPLATES[r].id,
        displayName: ROLE_TEMPLATES[r].name,
      })),
    },
    sync: {
      tenantId: "t",
      displayName: "Contoso",
      onPremisesSyncEnabled: true,
      lastSyncDateTime: new Date(now.getTime() - 10 * 60_000).toISOString(),
    },
    features: null,
    readiness: null,
    notes: [],
    ...overrides,
  };
}
