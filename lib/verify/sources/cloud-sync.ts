// The cloud sync provisioning agent, as its own servers report it: the files the cloud sync collector wrote
// (docs/cloud-sync-evidence.md), uploaded for the run and already parsed. An optional part of prerequisites: a run
// without cloud sync (or without the files yet) is judged on its other parts.

import { type VerificationSource, result, standAside } from "../types";
import { cloudSyncVerdict } from "../verdicts/cloud-sync";

export const cloudSyncAgentSource: VerificationSource = {
  confidence: "evidence",
  describe: "the cloud sync provisioning agents, from the files their collector wrote on each agent server",
  part: "cloud-sync-agent",
  optional: true,
  async check(ctx) {
    const files = ctx.cloudSyncEvidence ?? [];
    if (files.length === 0) return standAside("not-configured");
    return result(cloudSyncVerdict(files, ctx.now));
  },
};
