// revoke-connector-permissions (clean-up) — exactly the writeback delegation is gone from the connector account,
// and nothing else it needs for synchronisation was taken. Read from the directory itself, else the run's uploaded
// snapshot. Verdict: verdicts/directory.ts.

import { directorySources } from "./sources/directory";
import { type StepVerifier } from "./types";

export const revokeConnectorPermissions: StepVerifier = {
  stepId: "revoke-connector-permissions",
  sources: directorySources("revoke-connector-permissions"),
};
