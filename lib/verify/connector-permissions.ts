// connector-permissions — the connector account's effective rights on every in-scope user (Reset Password,
// lockoutTime, pwdLastSet), Unexpire Password on each domain, inheritance-disabled objects, protected and orphaned
// adminCount=1 accounts. Read from the directory itself, else the run's uploaded snapshot. Verdict:
// verdicts/directory.ts over the scan's per-object findings.

import { directorySources } from "./sources/directory";
import { type StepVerifier } from "./types";

export const connectorPermissions: StepVerifier = {
  stepId: "connector-permissions",
  sources: directorySources("connector-permissions"),
};
