// `sspr-writeback collect-script [--connect | --cloud-sync]`: prints a PowerShell evidence collector (ARCHITECTURE.md
// "The command line"): by default the domain collector (a snapshot for `verify --snapshot`), with --connect the Connect
// server's collector (evidence for `verify --connect-evidence`), with --cloud-sync the provisioning agent collector
// (docs/cloud-sync-evidence.md).

import { collectConnectScript } from "../lib/connect/collect-script";
import { collectScript } from "../lib/directory/collect-script";
import { cloudSyncCollectScript } from "../lib/verify/cloud-sync/collect-script";

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(
      "Usage: sspr-writeback collect-script > Collect-SsprWritebackSnapshot.ps1\n" +
        "       sspr-writeback collect-script --connect > Collect-SsprWritebackConnect.ps1\n" +
        "       sspr-writeback collect-script --cloud-sync > Collect-SsprWritebackCloudSync.ps1\n\n" +
        "Prints a read-only PowerShell collector. Without options: the domain collector that writes an evidence snapshot\n" +
        "for `verify --snapshot` and the wizard. With --connect: the collector to run on the Microsoft Entra Connect\n" +
        "server, whose file `verify --connect-evidence` and the wizard's Connect steps read. With --cloud-sync: the\n" +
        "collector for a Microsoft Entra provisioning agent server (cloud sync), which reports the agent's version and\n" +
        "service (format sspr-writeback-cloud-sync/1, docs/cloud-sync-evidence.md).\n",
    );
    return 0;
  }
  if (args.length === 1 && args[0] === "--cloud-sync") {
    process.stdout.write(cloudSyncCollectScript());
    return 0;
  }
  const connect = args.length === 1 && args[0] === "--connect";
  if (args.length > 0 && !connect) {
    process.stderr.write(`collect-script takes only --connect or --cloud-sync (got ${args.join(" ")}).\n`);
    return 2;
  }
  process.stdout.write(connect ? collectConnectScript() : collectScript());
  return 0;
}
