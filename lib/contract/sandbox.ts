// The sandbox controls as the API carries them: /api/sandbox/tenant and /api/sandbox/directory. Types only.

/** GET/POST /api/sandbox/tenant: the run's simulated tenant. */
export interface SandboxView {
  switches: { connectWriteback: boolean; portalWriteback: boolean; unlock: boolean };
  /** Audit records the tenant's log shows now. */
  auditRecords: number;
  /** Records made but not shown yet: the simulated audit-log delay (seconds) has not passed. */
  auditRecordsOnTheirWay: number;
  auditDelaySeconds: number;
  message: string | null;
}

export type SandboxControl =
  | { action: "connect-writeback" | "portal-writeback" | "portal-unlock"; on: boolean }
  | { action: "self-service-reset" | "self-service-unlock" | "restore" };

export interface SandboxControlBody {
  runId: string;
  control: SandboxControl;
}

/** GET/POST /api/sandbox/directory: the run's simulated directory. */
export interface SandboxDirectoryView {
  domainControllers: { name: string; operatingSystem: string; policyHints: boolean }[];
  minimumPasswordAge: { policy: string; age: string }[];
  /** Fine-grained policies whose settings the wizard's account cannot read (short names). */
  unreadablePolicies: string[];
  message: string | null;
}

export interface SandboxDirectoryControl {
  action:
    | "upgrade-domain-controllers"
    | "minimum-password-age-zero"
    | "password-settings-readable"
    | "delegation-in-place"
    | "restore";
}

export interface SandboxDirectoryControlBody {
  runId: string;
  control: SandboxDirectoryControl;
}
