import type {
  DirectoryAudit,
  DirectoryRole,
  LongRunningOperation,
  OnPremisesDirectorySynchronization,
  Organization,
  SubscribedSku,
  User,
  UserRegistrationDetails,
} from "@microsoft/microsoft-graph-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorServer } from "@/lib/testing/simulator-server";
import { PASSWORD_METHOD_ID } from "@/lib/tenant/graph-facts";

// Contract tests: the simulator answers in the shapes Microsoft documents. Each fixture is the example response
// of the v1.0 reference page (microsoft-graph-docs-contrib, api-reference/v1.0/api/<page>.md), shortened to one
// item; `satisfies` proves the documented payload fits @microsoft/microsoft-graph-types, and the tests prove the
// simulator returns no field the documentation lacks, every field the adapter reads, with the same JSON types.

type Json = Record<string, unknown>;

// subscribedsku-list.md
const subscribedSku = {
  accountName: "Sample account One",
  accountId: "f97aeefc-af85-414d-8ae4-b457f90efc40",
  appliesTo: "User",
  capabilityStatus: "Enabled",
  consumedUnits: 14,
  id: "48a80680-7326-48cd-9935-b556b81d3a4e_c7df2760-2c81-4ef7-b578-5b5392b571df",
  prepaidUnits: { enabled: 25, lockedOut: 0, suspended: 0, warning: 0 },
  servicePlans: [
    {
      servicePlanId: "8c098270-9dd4-4350-9b30-ba4703f3b36b",
      servicePlanName: "ADALLOM_S_O365",
      provisioningStatus: "Success",
      appliesTo: "Company",
    },
  ],
  skuId: "c7df2760-2c81-4ef7-b578-5b5392b571df",
  skuPartNumber: "ENTERPRISEPREMIUM",
  subscriptionIds: ["43d26afe-cb98-48b9-acc4-ae3ef2ac6c51"],
} satisfies SubscribedSku;

// organization-get.md (the keys the wizard reads, plus those the simulator fills)
const organization = {
  id: "84841066-274d-4ec0-a5c1-276be684bdd3",
  displayName: "Contoso",
  onPremisesLastSyncDateTime: null,
  onPremisesSyncEnabled: null,
  tenantType: "AAD",
  verifiedDomains: [
    {
      capabilities: "Email, OfficeCommunicationsOnline",
      isDefault: true,
      isInitial: true,
      name: "Contoso.com",
      type: "Managed",
    },
  ],
  businessPhones: ["425-555-0100"],
  city: null,
} satisfies Organization;

// onpremisesdirectorysynchronization-get.md
const onPremisesSynchronization = {
  id: "12cce4b4-4ab8-40b7-be4d-f5d7742ec185",
  configuration: {
    accidentalDeletionPrevention: { synchronizationPreventionType: "enabledForCount", alertThreshold: 500 },
  },
  features: {
    passwordSyncEnabled: false,
    passwordWritebackEnabled: false,
    directoryExtensionsEnabled: false,
    quarantineUponUpnConflictEnabled: true,
    quarantineUponProxyAddressesConflictEnabled: true,
    softMatchOnUpnEnabled: true,
    cloudPasswordPolicyForPasswordSyncedUsersEnabled: false,
    fopeConflictResolutionEnabled: false,
    unifiedGroupWritebackEnabled: false,
    userWritebackEnabled: false,
    deviceWritebackEnabled: false,
    synchronizeUpnForManagedUsersEnabled: true,
    userForcePasswordChangeOnLogonEnabled: false,
    concurrentOrgIdProvisioningEnabled: false,
    concurrentCredentialUpdateEnabled: false,
    groupWriteBackEnabled: false,
    blockSoftMatchEnabled: false,
    blockCloudObjectTakeoverThroughHardMatchEnabled: false,
    bypassDirSyncOverridesEnabled: false,
  },
} satisfies OnPremisesDirectorySynchronization;

// authenticationmethodsroot-list-userregistrationdetails.md
const registrationDetails = {
  id: "c8096958-797c-44fa-8fde-a6fb62567cf0",
  userPrincipalName: "BiancaP@Contoso.com",
  userDisplayName: "Bianca Pisani",
  isAdmin: false,
  isSsprRegistered: true,
  isSsprEnabled: false,
  isSsprCapable: false,
  isMfaRegistered: true,
  isMfaCapable: true,
  isPasswordlessCapable: false,
  lastUpdatedDateTime: "2023-03-13T19:15:41.6195833Z",
  methodsRegistered: ["mobilePhone", "microsoftAuthenticatorPush", "softwareOneTimePasscode"],
  isSystemPreferredAuthenticationMethodEnabled: true,
  systemPreferredAuthenticationMethods: ["push"],
  userPreferredMethodForSecondaryAuthentication: "voiceMobile",
  userType: "member",
} satisfies UserRegistrationDetails;

// directoryaudit-list.md (example 2, the current shape)
const directoryAudit = {
  id: "SSGM_b662f17a-4e4d-4e1c-9248-cdec180024b2_MCDC4_88453290",
  category: "GroupManagement",
  correlationId: "b662f17a-4e4d-4e1c-9248-cdec180024b2",
  result: "success",
  resultReason: "OK",
  activityDisplayName: "GroupLifecyclePolicies_Get",
  activityDateTime: "2024-12-27T10:01:19.5796748Z",
  loggedByService: "Self-service Group Management",
  operationType: "Update",
  initiatedBy: {
    app: null,
    user: {
      id: "00000000-0000-0000-0000-000000000000",
      displayName: null,
      userPrincipalName: null,
      ipAddress: "10.0.0.0",
    },
  },
  targetResources: [
    {
      id: "00000000-0000-0000-0000-000000000000",
      displayName: null,
      type: "N/A",
      userPrincipalName: null,
      modifiedProperties: [],
    },
  ],
  additionalDetails: [{ key: "Additional Detail Name", value: "Additional Detail Value" }],
} satisfies DirectoryAudit;

// user-get.md, example 2 (GET /me): the default properties
const signedInUser = {
  businessPhones: ["+1 425 555 0109"],
  displayName: "Adele Vance",
  givenName: "Adele",
  jobTitle: "Retail Manager",
  mail: "AdeleV@contoso.com",
  mobilePhone: "+1 425 555 0109",
  officeLocation: "18/2111",
  preferredLanguage: "en-US",
  surname: "Vance",
  userPrincipalName: "AdeleV@contoso.com",
  id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
} satisfies User;

// user resource type (resources/user.md, JSON representation): the on-premises properties the adapter selects
const syncedUser = {
  ...signedInUser,
  onPremisesSyncEnabled: true,
  onPremisesSecurityIdentifier: "S-1-5-21-1000-2000-3000-1105",
  onPremisesDistinguishedName: "CN=Adele Vance,OU=Staff,DC=contoso,DC=com",
} satisfies User;

// errors.md and throttling.md: one "error" object with code, message and innerError (date, request-id,
// client-request-id); 429 comes with Retry-After in seconds
const graphErrorBody = {
  error: {
    code: "TooManyRequests",
    message: "Please retry again later.",
    innerError: {
      date: "2021-11-30T12:17:46",
      "request-id": "01c3bdb8-fbb1-4613-96ad-be961ba99e11",
      "client-request-id": "01c3bdb8-fbb1-4613-96ad-be961ba99e11",
    },
  },
};

// longrunningoperation-get.md
const operation = {
  status: "running",
  createdDateTime: "2020-03-19T12-01-03.45Z",
  lastActionDateTime: "2020-03-19T12-01-04.23Z",
  id: "2d497bb-57bd-47a6-8749-5ccd0869f2bd",
} satisfies LongRunningOperation;

// directoryrole resource: what the OData cast on transitiveMemberOf returns
const directoryRole = {
  "@odata.type": "#microsoft.graph.directoryRole",
  id: "f8e85ed8-f66f-4058-b170-3efae8b9c6e5",
  displayName: "Global Administrator",
  roleTemplateId: "62e90394-69f5-4237-9190-012177145e10",
} satisfies DirectoryRole & { "@odata.type": string };

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Every simulated key is documented; shared keys agree in JSON type (null is allowed on either side). */
function expectDocumentedShape(simulated: Json, documented: Json, path: string) {
  for (const [key, value] of Object.entries(simulated)) {
    expect(Object.keys(documented), `${path}.${key} is not in Microsoft's example`).toContain(key);
    const doc = documented[key];
    if (value === null || doc === null || doc === undefined) continue;
    expect(kind(value), `${path}.${key}`).toBe(kind(doc));
    if (kind(value) === "object") expectDocumentedShape(value as Json, doc as Json, `${path}.${key}`);
    if (
      kind(value) === "array" &&
      kind((value as unknown[])[0]) === "object" &&
      kind((doc as unknown[])[0]) === "object"
    ) {
      expectDocumentedShape((value as Json[])[0]!, (doc as Json[])[0]!, `${path}.${key}[0]`);
    }
  }
}

let sim: SimulatorServer;
const TOKEN = "contract";
beforeAll(async () => {
  sim = await startSimulator();
  const tenant = sim.tenant(TOKEN);
  tenant.setConnectWriteback(true);
});
afterAll(() => sim.close());

async function get(path: string, headers: Record<string, string> = {}): Promise<Json> {
  const response = await fetch(`${sim.baseUrl}/v1.0/${path}`, {
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
  });
  expect(response.status, path).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/json");
  return (await response.json()) as Json;
}

async function firstOf(path: string, headers: Record<string, string> = {}): Promise<Json> {
  const body = await get(path, headers);
  expect(String(body["@odata.context"])).toContain("$metadata#");
  expect(Array.isArray(body.value)).toBe(true);
  return (body.value as Json[])[0]!;
}

describe("the simulator answers in Microsoft's documented shapes", () => {
  it("GET /subscribedSkus", async () => {
    const sku = await firstOf("subscribedSkus");
    expectDocumentedShape(sku, subscribedSku, "subscribedSku");
    expect(sku).toHaveProperty("servicePlans.0.provisioningStatus");
  });

  it("GET /organization", async () => {
    const org = await firstOf("organization");
    expectDocumentedShape(org, organization, "organization");
    expect(org).toHaveProperty("onPremisesSyncEnabled", true);
  });

  it("GET /directory/onPremisesSynchronization", async () => {
    const sync = await firstOf("directory/onPremisesSynchronization");
    expectDocumentedShape(sync, onPremisesSynchronization, "onPremisesDirectorySynchronization");
    expect(Object.keys(sync.features as Json).sort()).toEqual(
      Object.keys(onPremisesSynchronization.features).sort(),
    );
  });

  it("GET /reports/authenticationMethods/userRegistrationDetails, paged", async () => {
    const body = await get("reports/authenticationMethods/userRegistrationDetails");
    expectDocumentedShape((body.value as Json[])[0]!, registrationDetails, "userRegistrationDetails");
    expect(String(body["@odata.nextLink"])).toContain(
      `${sim.baseUrl}/v1.0/reports/authenticationMethods/userRegistrationDetails?`,
    );
  });

  it("GET /auditLogs/directoryAudits with a $filter", async () => {
    const filter = encodeURIComponent("activityDisplayName eq 'Enable password writeback for directory'");
    const audit = await firstOf(`auditLogs/directoryAudits?$filter=${filter}`);
    expectDocumentedShape(audit, directoryAudit, "directoryAudit");
  });

  it("GET /me/transitiveMemberOf/microsoft.graph.directoryRole needs the advanced-query header", async () => {
    const plain = await fetch(`${sim.baseUrl}/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(plain.status).toBe(400);
    const role = await firstOf("me/transitiveMemberOf/microsoft.graph.directoryRole?$count=true", {
      ConsistencyLevel: "eventual",
    });
    expectDocumentedShape(role, directoryRole, "directoryRole");
  });

  it("POST …/resetPassword answers 202 with a Location to poll; the operation has the documented shape", async () => {
    const user = sim.tenant(TOKEN).users[1]!;
    const response = await fetch(
      `${sim.baseUrl}/v1.0/users/${user.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ newPassword: "Cuyo5459-long-enough" }),
      },
    );
    expect(response.status).toBe(202);
    const location = response.headers.get("location") ?? "";
    expect(location).toMatch(
      new RegExp(`^${sim.baseUrl}/v1.0/users/${user.id}/authentication/operations/[0-9a-f-]+$`),
    );
    expect(await response.json()).toEqual({});
    const op = (await (
      await fetch(location, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as Json;
    const { "@odata.context": _context, ...rest } = op;
    expectDocumentedShape(
      rest,
      { ...operation, statusDetail: null, resourceLocation: null },
      "longRunningOperation",
    );
    expect(op.status).toBe("running");
  });

  it("GET /me with $select: only those properties, named in @odata.context", async () => {
    const me = await get("me?$select=id,displayName,userPrincipalName");
    expect(String(me["@odata.context"])).toMatch(
      /\$metadata#users\(id,displayName,userPrincipalName\)\/\$entity$/,
    );
    const { "@odata.context": _context, ...rest } = me;
    expect(Object.keys(rest).sort()).toEqual(["displayName", "id", "userPrincipalName"]);
    expectDocumentedShape(rest, signedInUser, "user");
  });

  it("GET /users filtered on synchronised users, as an advanced query, paged", async () => {
    const filter = encodeURIComponent("onPremisesSyncEnabled eq true");
    const select = "id,userPrincipalName,displayName,onPremisesSyncEnabled,onPremisesSecurityIdentifier";
    const path = `users?$filter=${filter}&$select=${select}&$count=true&$top=10`;
    const refused = await fetch(`${sim.baseUrl}/v1.0/${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(refused.status).toBe(400);
    const user = await firstOf(path, { ConsistencyLevel: "eventual" });
    expectDocumentedShape(user, syncedUser, "user");
    expect(user.onPremisesSyncEnabled).toBe(true);
    expect(String(user.onPremisesSecurityIdentifier)).toMatch(/^S-1-5-21-/);
  });

  it("GET /users/{id} with $select", async () => {
    const id = sim.tenant(TOKEN).users[1]!.id;
    const user = await get(`users/${id}?$select=id,onPremisesSecurityIdentifier,onPremisesDistinguishedName`);
    const { "@odata.context": context, ...rest } = user;
    expect(String(context)).toContain(
      "#users(id,onPremisesSecurityIdentifier,onPremisesDistinguishedName)/$entity",
    );
    expectDocumentedShape(rest, syncedUser, "user");
  });

  it("the reset's Location is polled until the operation ends, in the documented shape", async () => {
    const user = sim.tenant(TOKEN).users[1]!;
    const response = await fetch(
      `${sim.baseUrl}/v1.0/users/${user.id}/authentication/methods/${PASSWORD_METHOD_ID}/resetPassword`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ newPassword: "Cuyo5459-long-enough" }),
      },
    );
    expect(response.status).toBe(202);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    const location = response.headers.get("location")!;
    const statuses: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const op = (await (
        await fetch(location, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as Json;
      const { "@odata.context": context, ...rest } = op;
      expect(String(context)).toContain("$metadata#");
      expectDocumentedShape(
        rest,
        { ...operation, statusDetail: null, resourceLocation: null },
        "longRunningOperation",
      );
      statuses.push(op.status);
    }
    // longRunningOperation status values: notStarted, running, succeeded, failed.
    expect(statuses[0]).toBe("running");
    expect(statuses.at(-1)).toBe("succeeded");
  });

  it("answers errors with Graph's error body", async () => {
    const response = await fetch(`${sim.baseUrl}/v1.0/users/nobody`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string; innerError: Json } };
    expect(body.error.code).toBe("Request_ResourceNotFound");
    expect(body.error.innerError).toHaveProperty("request-id");
  });

  describe("every error is Graph's error body", () => {
    async function expectGraphError(response: Response, status: number, code: string) {
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toContain("application/json");
      const body = (await response.json()) as Json;
      expectDocumentedShape(body, graphErrorBody, "error");
      const error = body.error as { code: string; message: string; innerError: Json };
      expect(Object.keys(error).sort()).toEqual(["code", "innerError", "message"]);
      expect(Object.keys(error.innerError).sort()).toEqual(["client-request-id", "date", "request-id"]);
      expect(String(error.innerError.date)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(0);
    }

    it("401 without an accepted token", async () => {
      await expectGraphError(
        await fetch(`${sim.baseUrl}/v1.0/me`, { headers: { authorization: "Bearer expired-token" } }),
        401,
        "InvalidAuthenticationToken",
      );
    });

    it("403 without the permission", async () => {
      const tenant = sim.tenant("contract-403");
      tenant.grantedScopes = new Set(["User.Read"]);
      await expectGraphError(
        await fetch(`${sim.baseUrl}/v1.0/auditLogs/directoryAudits`, {
          headers: { authorization: "Bearer contract-403" },
        }),
        403,
        "Authentication_MSGraphPermissionMissing",
      );
    });

    it("429 with Retry-After in seconds, and 503", async () => {
      const tenant = sim.tenant("contract-429");
      tenant.faults.push({ status: 429, retryAfterSeconds: 7, times: 1 }, { status: 503, times: 1 });
      const throttled = await fetch(`${sim.baseUrl}/v1.0/subscribedSkus`, {
        headers: { authorization: "Bearer contract-429" },
      });
      expect(throttled.headers.get("retry-after")).toBe("7");
      await expectGraphError(throttled, 429, "TooManyRequests");
      await expectGraphError(
        await fetch(`${sim.baseUrl}/v1.0/subscribedSkus`, {
          headers: { authorization: "Bearer contract-429" },
        }),
        503,
        "serviceNotAvailable",
      );
    });
  });
});
