// `sspr-writeback collect-script`: prints a PowerShell evidence collector (ARCHITECTURE.md "The command line"): by
// default the domain collector; with --cloud-sync the provisioning agent collector (docs/cloud-sync-evidence.md).

import { collectScript } from "../lib/directory/collect-script";
import { cloudSyncCollectScript } from "../lib/verify/cloud-sync/collect-script";

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(
      "Usage: sspr-writeback collect-script > Collect-SsprWritebackSnapshot.ps1\n" +
        "       sspr-writeback collect-script --cloud-sync > Collect-SsprWritebackCloudSync.ps1\n\n" +
        "Prints the read-only PowerShell collector that writes an evidence snapshot for `verify --snapshot` and the wizard.\n" +
        "With --cloud-sync: the read-only collector for a Microsoft Entra provisioning agent server (cloud sync), which\n" +
        "reports the agent's version and service (format sspr-writeback-cloud-sync/1, docs/cloud-sync-evidence.md).\n",
    );
    return 0;
  }
  if (args.length === 1 && args[0] === "--cloud-sync") {
    process.stdout.write(cloudSyncCollectScript());
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(
      `collect-script takes no arguments other than --cloud-sync (got ${args.join(" ")}).\n`,
    );
    return 2;
  }
  process.stdout.write(collectScript());
  return 0;
}
