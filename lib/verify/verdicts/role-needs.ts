// Which active Entra role lets a person do each cloud-side task of the steps (or lets the wizard read what a step's
// check needs). The prerequisites verdict names the tasks the signed-in admin holds no role for.

import { type StepId } from "@/lib/steps/ids";
import { type RoleKey } from "@/lib/tenant/graph-facts";

/** Which active role lets a person do (or, for the wizard's own reads, check) each cloud-side task. */
export const ROLE_NEEDS: readonly { task: string; steps: readonly StepId[]; roles: readonly RoleKey[] }[] = [
  {
    task: "read audit records and SSPR registration reports",
    steps: ["prerequisites", "connect-writeback", "sspr-writeback", "sspr-unlock", "confirm-disabled"],
    roles: ["globalAdmin", "globalReader"],
  },
  {
    task: "turn password writeback on or off in the Connect wizard",
    steps: ["connect-writeback", "disable-connect-writeback"],
    roles: ["hybridIdentityAdmin", "globalAdmin"],
  },
  {
    task: "change the password reset settings in the admin center",
    steps: ["sspr-writeback", "sspr-unlock", "disable-sspr-options"],
    roles: ["globalAdmin", "authenticationPolicyAdmin"],
  },
  {
    task: "reset a test user's password for the end-to-end test",
    steps: ["end-to-end-test"],
    roles: ["authenticationAdmin", "privilegedAuthenticationAdmin", "globalAdmin"],
  },
];
