// The step catalogue: what each step asks of a person, where, and how the wizard can tell it is done. One file per
// step; this one ties them together in flow order. Pure data, no I/O. Facts (labels, event ids, GUIDs, cmdlets)
// come from Microsoft's documentation (docs/microsoft-facts.md); every sentence is our own.

import { CLEANUP_STEP_IDS, ENABLE_STEP_IDS, type StepId } from "../ids";
import { type Flow } from "../types";
import { prerequisites } from "./prerequisites";
import { connectorPermissions } from "./connector-permissions";
import { passwordPolicy } from "./password-policy";
import { connectWriteback } from "./connect-writeback";
import { ssprWriteback } from "./sspr-writeback";
import { ssprUnlock } from "./sspr-unlock";
import { endToEndTest } from "./end-to-end-test";
import { disableSsprOptions } from "./disable-sspr-options";
import { disableConnectWriteback } from "./disable-connect-writeback";
import { revokeConnectorPermissions } from "./revoke-connector-permissions";
import { confirmDisabled } from "./confirm-disabled";
import { type StepDefinition } from "./types";

export * from "./labels";
export type * from "./types";

const CATALOGUE = {
  prerequisites: prerequisites,
  "connector-permissions": connectorPermissions,
  "password-policy": passwordPolicy,
  "connect-writeback": connectWriteback,
  "sspr-writeback": ssprWriteback,
  "sspr-unlock": ssprUnlock,
  "end-to-end-test": endToEndTest,
  "disable-sspr-options": disableSsprOptions,
  "disable-connect-writeback": disableConnectWriteback,
  "revoke-connector-permissions": revokeConnectorPermissions,
  "confirm-disabled": confirmDisabled,
} as const satisfies { readonly [K in StepId]: StepDefinition & { readonly id: K } };

// Why this dependency order:
// - enable: delegation and policy come first because the Connect onboarding and every later reset act on AD DS;
//   the portal switch follows Connect because it only works once the on-premises service has onboarded;
//   the end-to-end test needs the rights and the policy as well as the switch.
// - clean-up: the portal options go first so users stop being offered a writeback that is about to break; the Connect
//   feature next; the rights last so any reset still in flight does not fail half-way. confirm-disabled needs all three.

/** The catalogue, keyed by step id. */
export const STEP_CATALOGUE: Readonly<Record<StepId, StepDefinition>> = CATALOGUE;

export function getStep(id: StepId): StepDefinition {
  return STEP_CATALOGUE[id];
}

/** The steps of one flow, in the order the flow presents them (ids.ts is the source of that order). */
export function stepsForFlow(flow: Flow): StepDefinition[] {
  const ids: readonly StepId[] = flow === "enable" ? ENABLE_STEP_IDS : CLEANUP_STEP_IDS;
  return ids.map((id) => STEP_CATALOGUE[id]);
}
