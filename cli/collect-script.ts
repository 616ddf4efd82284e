// `sspr-writeback collect-script [--connect]`: prints a PowerShell evidence collector (ARCHITECTURE.md "The command
// line"): by default the domain collector (a snapshot for `verify --snapshot`), with --connect the Connect server's
// collector (evidence for `verify --connect-evidence`).

import { collectConnectScript } from "../lib/connect/collect-script";
import { collectScript } from "../lib/directory/collect-script";

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(
      "Usage: sspr-writeback collect-script > Collect-SsprWritebackSnapshot.ps1\n       sspr-writeback collect-script --connect > Collect-SsprWritebackConnect.ps1\n\nPrints a read-only PowerShell collector. Without options: the domain collector that writes an evidence snapshot for `verify --snapshot` and the wizard. With --connect: the collector to run on the Microsoft Entra Connect server, whose file `verify --connect-evidence` and the wizard's Connect steps read.\n",
    );
    return 0;
  }
  const connect = args.length === 1 && args[0] === "--connect";
  if (args.length > 0 && !connect) {
    process.stderr.write(`collect-script takes only --connect (got ${args.join(" ")}).\n`);
    return 2;
  }
  process.stdout.write(connect ? collectConnectScript() : collectScript());
  return 0;
}
