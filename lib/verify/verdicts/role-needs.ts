// Which active Entra role lets a person do each cloud-side task of the steps (or lets the wizard read what a step's
// check needs). The prerequisites verdict names the tasks the signed-in admin holds no role for. Each list is the
// least privileged roles Microsoft documents for the task, then Global Administrator (docs/microsoft-facts.md).

import { type StepId } from "@/lib/steps/ids";
import { AUDIT_READER_ROLES, type RoleKey } from "@/lib/tenant/graph-facts";

export { AUDIT_READER_ROLES };

export interface RoleNeed {
  task: string;
  steps: readonly StepId[];
  roles: readonly RoleKey[];
}

/** Roles that may change the On-premises integration page of Password reset in the admin center. */
// ms-fact: portal-writeback-role
export const PORTAL_WRITEBACK_ROLES = [
  "hybridIdentityAdmin",
  "globalAdmin",
] as const satisfies readonly RoleKey[];

/** Roles the Connect wizard accepts for turning the Password writeback feature on or off. */
// ms-fact: connect-wizard-role
export const CONNECT_WIZARD_ROLES = [
  "hybridIdentityAdmin",
  "globalAdmin",
] as const satisfies readonly RoleKey[];

/** Roles that may reset another user's password through Graph's resetPassword. */
// ms-fact: reset-password-roles
export const RESET_PASSWORD_ROLES = [
  "authenticationAdmin",
  "privilegedAuthenticationAdmin",
  "globalAdmin",
] as const satisfies readonly RoleKey[];

/** Which active role lets a person do (or, for the wizard's own reads, check) each cloud-side task. */
export const ROLE_NEEDS: readonly RoleNeed[] = [
  {
    task: "read the directory audit records the checks rely on",
    steps: ["prerequisites", "connect-writeback", "sspr-writeback", "sspr-unlock", "confirm-disabled"],
    roles: AUDIT_READER_ROLES,
  },
  {
    task: "turn password writeback on or off in the Connect wizard",
    steps: ["connect-writeback", "disable-connect-writeback"],
    roles: CONNECT_WIZARD_ROLES,
  },
  {
    task: "change the password reset settings in the admin center",
    steps: ["sspr-writeback", "sspr-unlock", "disable-sspr-options"],
    roles: PORTAL_WRITEBACK_ROLES,
  },
  {
    task: "reset a test user's password for the end-to-end test",
    steps: ["end-to-end-test"],
    roles: RESET_PASSWORD_ROLES,
  },
];
