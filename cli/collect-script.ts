// `sspr-writeback collect-script`: prints the PowerShell evidence collector (ARCHITECTURE.md "The command line").

import { collectScript } from "../lib/directory/collect-script";

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(
      "Usage: sspr-writeback collect-script > Collect-SsprWritebackSnapshot.ps1\n\nPrints the read-only PowerShell collector that writes an evidence snapshot for `verify --snapshot` and the wizard.\n",
    );
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(`collect-script takes no arguments (got ${args.join(" ")}).\n`);
    return 2;
  }
  process.stdout.write(collectScript());
  return 0;
}
