// password-policy — the minimum password age of each domain and the fine-grained policies that apply to in-scope
// users must be 0, else writeback of a password changed less than that age ago is refused. Read from the directory
// itself, else the run's uploaded snapshot. Verdict: verdicts/directory.ts.

import { directorySources } from "./sources/directory";
import { type StepVerifier } from "./types";

export const passwordPolicy: StepVerifier = {
  stepId: "password-policy",
  sources: directorySources("password-policy"),
};
