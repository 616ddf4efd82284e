// The single list of step ids. Everything else (the zod enum in ./schema, the route folders, the catalogue) derives
// from it. No zod here: the browser imports this module, and zod stays on the server.
export const ENABLE_STEP_IDS = [
  "prerequisites",
  "connector-permissions",
  "password-policy",
  "connect-writeback",
  "sspr-writeback",
  "sspr-unlock",
  "end-to-end-test",
] as const;

export const CLEANUP_STEP_IDS = [
  "disable-sspr-options",
  "disable-connect-writeback",
  "revoke-connector-permissions",
  "confirm-disabled",
] as const;

export const STEP_IDS = [...ENABLE_STEP_IDS, ...CLEANUP_STEP_IDS] as const;
export type EnableStepId = (typeof ENABLE_STEP_IDS)[number];
export type CleanupStepId = (typeof CLEANUP_STEP_IDS)[number];
export type StepId = (typeof STEP_IDS)[number];

export function isStepId(value: string): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value);
}
