import { randomUUID } from "node:crypto";
import type {
  DirectoryAudit,
  LongRunningOperation,
  OnPremisesDirectorySynchronizationFeature,
  SubscribedSku,
} from "@microsoft/microsoft-graph-types";
import { type SandboxDirectory } from "./directory";
import { AUDIT_ACTIVITIES } from "@/lib/tenant/graph-facts";
import { ROLE_TEMPLATES } from "@/lib/tenant/graph-facts";

// The simulated tenant behind the sandbox Graph simulator: a small hybrid organisation whose switches the
// sandbox controls flip. Effects follow what a real tenant records: the Connect option writes the "Enable/
// Disable password writeback for directory" audit records; the portal switches have no record of their own
// (none is documented), so they show only through the OnPremisesAgent of later resets, as in a real tenant.

export interface SandboxUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  synced: boolean;
  /** On-premises SID (onPremisesSecurityIdentifier) and DN, for synced users. */
  sid: string | null;
  dn: string | null;
  /** adminCount=1 on-premises: AD refuses the connector's writes (event 33004). */
  protectedOnPremises: boolean;
  sspr: { enabled: boolean; registered: boolean; capable: boolean };
}

export interface SandboxFault {
  status: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** How many requests in a row get this answer. */
  times: number;
}

export interface SandboxOperation extends LongRunningOperation {
  userId: string;
  /** What the operation reports once it ends; the first poll always says "running". */
  final: Pick<LongRunningOperation, "status" | "statusDetail">;
  polls: number;
}

const WRITEBACK_AGENT = "Microsoft Entra Connect";

/**
 * The on-premises side of the simulated writeback, as the tenant sees it: where synchronised users come from and
 * where resets that reach AD DS land. The run's sandbox directory plays it; the tenant holds a reference, it does
 * not own the directory (lib/sandbox/directory.ts keeps one per run).
 */
export type WritebackTarget = Pick<SandboxDirectory, "userByName" | "passwordSet">;

/** A synchronised user: its on-premises SID and DN are those of the sandbox directory's user of the same name. */
function syncedUser(
  directory: WritebackTarget,
  alias: string,
  displayName: string,
  sspr: SandboxUser["sspr"],
  protectedOnPremises = false,
): SandboxUser {
  const onPremises = directory.userByName(displayName);
  return {
    id: randomUUID(),
    userPrincipalName: `${alias}@contoso.com`,
    displayName,
    synced: true,
    sid: onPremises?.sid ?? null,
    dn: onPremises?.dn ?? null,
    protectedOnPremises,
    sspr,
  };
}

const READY = { enabled: true, registered: true, capable: true };

/**
 * How a run's simulated tenant starts. An enable run meets a tenant where writeback was never set up; a clean-up run
 * meets one where it was (the Connect option ticked, the portal switches on), so its first "clear" works.
 */
export interface SandboxTenantOptions {
  flow?: "enable" | "cleanup";
  /**
   * How long a new audit record takes to show in auditLogs/directoryAudits. Microsoft's latency table gives audit
   * logs 2 minutes at the 95th percentile and 5 at the 99th; the server's setting picks a value (tests use 0).
   */
  // ms-fact: audit-log-latency
  auditDelayMs?: number;
}

/** The switches a run's tenant starts with, per flow. */
export function startingSwitches(flow: SandboxTenantOptions["flow"]): SandboxTenant["switches"] {
  return flow === "cleanup"
    ? { connectWriteback: true, portalWriteback: true, unlock: true }
    : { connectWriteback: false, portalWriteback: false, unlock: false };
}

/**
 * Everything a simulated tenant holds, as plain JSON: the run's tenant is stored with the run in the database
 * (lib/server/sandbox-store.ts), so that every instance of the wizard serves the same one.
 */
export interface SandboxTenantState {
  tenantId: string;
  admin: SandboxUser & { roleTemplateIds: string[] };
  users: SandboxUser[];
  grantedScopes: string[] | null;
  switches: SandboxTenant["switches"];
  skus: SubscribedSku[];
  lastSyncDateTime: string;
  audits: DirectoryAudit[];
  visibleFrom: [string, number][];
  auditDelayMs: number;
  operations: [string, SandboxOperation][];
  faults: SandboxFault[];
  pageSize: number;
}

export class SandboxTenant {
  tenantId: string = randomUUID();
  readonly displayName = "Contoso (sandbox)";
  admin: SandboxUser & { roleTemplateIds: string[] };
  users: SandboxUser[];
  /** Delegated scopes the simulated app has consent for; null means all. */
  grantedScopes: Set<string> | null = null;
  switches: { connectWriteback: boolean; portalWriteback: boolean; unlock: boolean };
  skus: SubscribedSku[];
  lastSyncDateTime: Date;
  /** Every record made so far, visible or not yet (see {@link visibleAudits}). */
  audits: DirectoryAudit[] = [];
  /** When each record (by id) shows in the audit log: its time plus the delay. */
  private visibleFrom = new Map<string, number>();
  auditDelayMs: number;
  operations = new Map<string, SandboxOperation>();
  faults: SandboxFault[] = [];
  /** Small pages so that paging (@odata.nextLink) is exercised on every read. */
  pageSize = 3;

  constructor(
    private readonly clock: () => Date,
    /** The on-premises side of the simulated writeback: resets that arrive move pwdLastSet there. */
    private readonly directory: WritebackTarget,
    options: SandboxTenantOptions = {},
  ) {
    const now = this.clock();
    this.auditDelayMs = Math.max(0, options.auditDelayMs ?? 0);
    this.switches = startingSwitches(options.flow);
    this.admin = {
      id: randomUUID(),
      userPrincipalName: "ada.admin@contoso.onmicrosoft.com",
      displayName: "Ada Admin",
      synced: false,
      sid: null,
      dn: null,
      protectedOnPremises: false,
      sspr: READY,
      roleTemplateIds: [ROLE_TEMPLATES.globalAdmin.id],
    };
    this.users = [
      this.admin,
      syncedUser(directory, "terry.test", "Terry Test", READY),
      syncedUser(directory, "sam.sales", "Sam Sales", { enabled: true, registered: false, capable: false }),
      syncedUser(directory, "adm-pat", "Pat Protected", READY, true),
      syncedUser(directory, "morgan.marketing", "Morgan Marketing", READY),
      syncedUser(directory, "robin.research", "Robin Research", {
        enabled: false,
        registered: true,
        capable: false,
      }),
      syncedUser(directory, "taylor.temp", "Taylor Temp", {
        enabled: true,
        registered: false,
        capable: false,
      }),
      {
        id: randomUUID(),
        userPrincipalName: "casey.cloud@contoso.onmicrosoft.com",
        displayName: "Casey Cloud",
        synced: false,
        sid: null,
        dn: null,
        protectedOnPremises: false,
        sspr: READY,
      },
    ];
    this.lastSyncDateTime = new Date(now.getTime() - 12 * 60_000);
    this.skus = [
      {
        id: `${this.tenantId}_b05e124f-c7cc-45a0-a6aa-8cf78c946968`,
        accountName: "Contoso",
        accountId: this.tenantId,
        appliesTo: "User",
        capabilityStatus: "Enabled",
        consumedUnits: 7,
        prepaidUnits: { enabled: 25, lockedOut: 0, suspended: 0, warning: 0 },
        servicePlans: [
          {
            servicePlanId: "eec0eb4f-6444-4f95-aba0-50c24d67f998",
            servicePlanName: "AAD_PREMIUM_P2",
            provisioningStatus: "Success",
            appliesTo: "User",
          },
          {
            servicePlanId: "41781fb2-bc02-4b7c-bd55-b576c07bb09d",
            servicePlanName: "AAD_PREMIUM",
            provisioningStatus: "Success",
            appliesTo: "User",
          },
        ],
        skuId: "b05e124f-c7cc-45a0-a6aa-8cf78c946968",
        skuPartNumber: "EMSPREMIUM",
        subscriptionIds: [randomUUID()],
      },
      {
        id: `${this.tenantId}_d17b27af-3f49-4822-99f9-56a661538792`,
        accountName: "Contoso",
        accountId: this.tenantId,
        appliesTo: "User",
        capabilityStatus: "Suspended",
        consumedUnits: 0,
        prepaidUnits: { enabled: 0, lockedOut: 0, suspended: 5, warning: 0 },
        servicePlans: [
          {
            servicePlanId: "f9646fb2-e3b2-4309-95de-dc4833737456",
            servicePlanName: "CRMSTANDARD",
            provisioningStatus: "Disabled",
            appliesTo: "User",
          },
        ],
        skuId: "d17b27af-3f49-4822-99f9-56a661538792",
        skuPartNumber: "CRMSTANDARD",
        subscriptionIds: [randomUUID()],
      },
    ];
    // History a real tenant would have: a helpdesk reset of a cloud-only user, long before this run.
    const casey = this.users.at(-1)!;
    const longAgo = new Date(now.getTime() - 40 * 24 * 3600_000);
    this.record(AUDIT_ACTIVITIES.adminReset, "UserManagement", casey, "None", "success", null, longAgo);
    if (options.flow === "cleanup") {
      // Writeback was set up before this run: the Connect wizard's onboarding record, and a reset written back since,
      // both within the 30-day retention of a P1/P2 tenant.
      this.record(
        AUDIT_ACTIVITIES.enableWriteback,
        "DirectoryManagement",
        null,
        null,
        "success",
        null,
        new Date(now.getTime() - 20 * 24 * 3600_000),
      );
      const morgan = this.users.find((u) => u.displayName === "Morgan Marketing")!;
      this.record(
        AUDIT_ACTIVITIES.selfServiceReset,
        "UserManagement",
        morgan,
        WRITEBACK_AGENT,
        "success",
        null,
        new Date(now.getTime() - 6 * 24 * 3600_000),
        morgan,
      );
    }
  }

  /** This tenant as plain JSON (see {@link SandboxTenantState}); it shares this tenant's objects, so serialise it. */
  toState(): SandboxTenantState {
    return {
      tenantId: this.tenantId,
      admin: this.admin,
      users: this.users,
      grantedScopes: this.grantedScopes ? [...this.grantedScopes] : null,
      switches: this.switches,
      skus: this.skus,
      lastSyncDateTime: this.lastSyncDateTime.toISOString(),
      audits: this.audits,
      visibleFrom: [...this.visibleFrom],
      auditDelayMs: this.auditDelayMs,
      operations: [...this.operations],
      faults: this.faults,
      pageSize: this.pageSize,
    };
  }

  /**
   * A tenant as it was stored; it takes over the objects of `state` (a freshly parsed one). The admin stays the same
   * object as the tenant's first user, as when it was made.
   */
  static fromState(
    state: SandboxTenantState,
    directory: WritebackTarget,
    clock: () => Date = () => new Date(),
  ): SandboxTenant {
    const tenant = new SandboxTenant(clock, directory, { auditDelayMs: state.auditDelayMs });
    const users = state.users;
    const admin = users.find((u) => u.id === state.admin.id) as SandboxTenant["admin"] | undefined;
    tenant.tenantId = state.tenantId;
    tenant.admin = admin ?? state.admin;
    tenant.users = admin ? users : [tenant.admin, ...users];
    tenant.grantedScopes = state.grantedScopes ? new Set(state.grantedScopes) : null;
    tenant.switches = { ...state.switches };
    tenant.skus = state.skus;
    tenant.lastSyncDateTime = new Date(state.lastSyncDateTime);
    tenant.audits = state.audits;
    tenant.visibleFrom = new Map(state.visibleFrom);
    tenant.operations = new Map(state.operations);
    tenant.faults = state.faults;
    tenant.pageSize = state.pageSize;
    return tenant;
  }

  /** The records the audit log shows now: those whose delay has passed, as Graph lists them. */
  visibleAudits(): DirectoryAudit[] {
    const now = this.now().getTime();
    return this.audits.filter((a) => (this.visibleFrom.get(a.id ?? "") ?? 0) <= now);
  }

  now(): Date {
    return this.clock();
  }

  syncFeatures(): OnPremisesDirectorySynchronizationFeature {
    return {
      passwordSyncEnabled: true,
      // Documented as not in use: the real service does not follow the Connect option, nor does the simulator.
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
    };
  }

  private record(
    activity: string,
    category: string,
    target: SandboxUser | null,
    agent: string | null,
    result: "success" | "failure",
    resultReason: string | null,
    at: Date = this.now(),
    initiator: SandboxUser | null = this.admin,
  ): DirectoryAudit {
    // Strictly increasing times, as a real log has: two clicks in one millisecond must still have an order.
    const last = this.audits.at(-1);
    if (last && Date.parse(last.activityDateTime ?? "") >= at.getTime()) {
      at = new Date(Date.parse(last.activityDateTime ?? "") + 1);
    }
    const audit: DirectoryAudit = {
      id: `SSPR_${randomUUID()}`,
      category,
      correlationId: randomUUID(),
      result,
      resultReason: resultReason ?? "",
      activityDisplayName: activity,
      activityDateTime: at.toISOString(),
      loggedByService: "Self-service Password Management",
      operationType: "Update",
      initiatedBy: {
        app: null,
        user: initiator
          ? {
              id: initiator.id,
              displayName: initiator.displayName,
              userPrincipalName: initiator.userPrincipalName,
              ipAddress: "192.0.2.10",
            }
          : null,
      },
      targetResources: target
        ? [
            {
              id: target.id,
              displayName: target.displayName,
              type: "User",
              userPrincipalName: target.userPrincipalName,
              modifiedProperties: [],
            },
          ]
        : [],
      additionalDetails: agent === null ? [] : [{ key: "OnPremisesAgent", value: agent }],
    };
    this.audits.push(audit);
    // Every record shows a delay after its activity: history from before the run is long visible, new ones wait.
    this.visibleFrom.set(audit.id!, at.getTime() + this.auditDelayMs);
    return audit;
  }

  // ------------------------------------------------------------------------------------ sandbox controls

  /** The Connect wizard's Password writeback option: onboarding or offboarding writes an audit record. */
  setConnectWriteback(on: boolean): void {
    if (this.switches.connectWriteback === on) return;
    this.switches.connectWriteback = on;
    this.record(
      on ? AUDIT_ACTIVITIES.enableWriteback : AUDIT_ACTIVITIES.disableWriteback,
      "DirectoryManagement",
      null,
      null,
      "success",
      null,
    );
  }

  setPortalWriteback(on: boolean): void {
    this.switches.portalWriteback = on;
    if (!on) this.switches.unlock = false;
  }

  setUnlock(on: boolean): void {
    this.switches.unlock = on && this.switches.portalWriteback;
  }

  private writesBack(user: SandboxUser): boolean {
    return user.synced && this.switches.connectWriteback && this.switches.portalWriteback;
  }

  /**
   * The password arrives on-premises unless AD DS refuses it (protected account). An admin reset asks for a change
   * at the next sign-in, and writeback carries that to AD DS.
   */
  private writeOnPremises(user: SandboxUser, by: "admin" | "self-service"): boolean {
    if (user.protectedOnPremises || !user.sid) return false;
    // ms-fact: graph-reset-asks-change-at-next-sign-in
    this.directory.passwordSet(user.sid, this.now(), { mustChange: by === "admin" });
    return true;
  }

  private ordinarySyncedUser(): SandboxUser {
    const user = this.users.find((u) => u.synced && !u.protectedOnPremises && u.sspr.capable);
    if (!user) throw new Error("The sandbox tenant has no ordinary synced user.");
    return user;
  }

  /** A synced user resets their own password through SSPR. */
  simulateSelfServiceReset(): DirectoryAudit {
    const user = this.ordinarySyncedUser();
    if (!this.writesBack(user)) {
      return this.record(
        AUDIT_ACTIVITIES.selfServiceReset,
        "UserManagement",
        user,
        "None",
        "success",
        null,
        this.now(),
        user,
      );
    }
    const ok = this.writeOnPremises(user, "self-service");
    return this.record(
      AUDIT_ACTIVITIES.selfServiceReset,
      "UserManagement",
      user,
      WRITEBACK_AGENT,
      ok ? "success" : "failure",
      ok ? null : "OnPremisesAdminPasswordResetFailed",
      this.now(),
      user,
    );
  }

  /** A synced user unlocks their on-premises account; only offered when the unlock switch is on. */
  simulateSelfServiceUnlock(): DirectoryAudit | null {
    if (!this.switches.unlock || !this.switches.connectWriteback) return null;
    const user = this.ordinarySyncedUser();
    return this.record(
      AUDIT_ACTIVITIES.selfServiceUnlock,
      "UserManagement",
      user,
      WRITEBACK_AGENT,
      "success",
      null,
      this.now(),
      user,
    );
  }

  /** POST …/resetPassword: the cloud accepts, then writes back when both switches are on. */
  adminReset(user: SandboxUser): SandboxOperation {
    const writeback = this.writesBack(user);
    let final: SandboxOperation["final"] = { status: "succeeded", statusDetail: null };
    let agent = "None";
    let result: "success" | "failure" = "success";
    let reason: string | null = null;
    if (writeback) {
      agent = WRITEBACK_AGENT;
      if (!this.writeOnPremises(user, "admin")) {
        result = "failure";
        reason = "OnPremisesAdminPasswordResetFailed";
        final = { status: "failed", statusDetail: "The on-premises directory refused the new password." };
      }
    }
    this.record(AUDIT_ACTIVITIES.adminReset, "UserManagement", user, agent, result, reason);
    const created = this.now().toISOString();
    const operation: SandboxOperation = {
      id: randomUUID(),
      userId: user.id,
      status: "running",
      createdDateTime: created,
      lastActionDateTime: created,
      final,
      polls: 0,
    };
    this.operations.set(operation.id!, operation);
    return operation;
  }
}
