// Dispatches `sspr-writeback <command>`. Each command module exports `run(args): Promise<number>` (the exit code).

const COMMANDS: Record<
  string,
  { summary: string; load: () => Promise<{ run: (args: string[]) => Promise<number> }> }
> = {
  "effective-rights": {
    summary: "JSON lines in (security descriptor + token), one line of effective rights out per input",
    load: () => import("./effective-rights"),
  },
  verify: {
    summary:
      "every directory check over LDAPS or on a snapshot; exit 0 passed, 1 findings, 2 could not check",
    load: () => import("./verify"),
  },
  "password-landed": {
    summary:
      "did a user's password change in AD since a time (unicodePwd's stamp)? exit 0 landed, 1 not, 2 could not check",
    load: () => import("./password-landed"),
  },
  "collect-script": {
    summary:
      "prints a PowerShell evidence collector: the domain snapshot, --connect the Connect server's, --cloud-sync the provisioning agent's",
    load: () => import("./collect-script"),
  },
  lab: {
    summary: "lab up | down | status — a local Samba AD DC seeded like a real domain",
    load: () => import("./lab"),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`);
  return `Usage: sspr-writeback <command> [options]\n\nCommands:\n${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
