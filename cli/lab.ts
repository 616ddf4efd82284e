// `sspr-writeback lab up | down | status`: a local Samba AD DC seeded like a real domain.
// Exit codes: 0 done, 1 the lab failed, 2 bad usage or a missing prerequisite (root, Samba).

import { parseArgs } from "node:util";

import { LabPrerequisiteError, labDown, labLogTail, labStatus, labUp, type LabScenario } from "../lab/lab";
import { type LabSettings } from "../lab/settings";

export const LAB_USAGE = `Usage: sspr-writeback lab <up|down|status> [options]

  up       provision (first time), start and seed the lab; prints connection settings
  down     stop the lab's samba (data kept); with --purge also delete the lab folder
  status   running | stopped | not provisioned

Options:
  --dir <path>          lab folder (default: <repo>/.lab, or $SSPR_LAB_DIR)
  --bulk <N>            at least N users in OU=Bulk (up; default 0, use 10000 for benchmarks)
  --scenario <name>     delegated | undelegated: connector delegation on the domain root (up)
  --address <ip>        the DC's address (up; default 127.0.0.1). Another one (10.x.y.z) runs the lab in its own
                        network namespace, so it can run beside the default lab (e.g. --dir /work/lab-bulk)
  --online-bulk         add bulk users one LDAP add each, samba running (up); by default missing bulk users
                        are imported offline into the DC's database (samba stopped meanwhile; no LDAP add per user)
  --purge               with down: delete the lab folder
  --json                print JSON instead of text
`;

export type LabCommand =
  | {
      action: "up";
      dir?: string;
      bulk?: number;
      scenario?: LabScenario;
      address?: string;
      fastBulk?: boolean;
      json: boolean;
    }
  | { action: "down"; dir?: string; purge: boolean; json: boolean }
  | { action: "status"; dir?: string; json: boolean }
  | { action: "help" };

/** Parses `lab …` arguments; throws an Error with a one-line message on bad usage. */
export function parseLabArgs(args: string[]): LabCommand {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      dir: { type: "string" },
      bulk: { type: "string" },
      scenario: { type: "string" },
      address: { type: "string" },
      "online-bulk": { type: "boolean", default: false },
      purge: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { action: "help" };
  if (positionals.length !== 1) throw new Error("Expected exactly one of: up, down, status.");
  const action = positionals[0];
  const json = values.json;
  const dir = values.dir;
  if (action === "up") {
    if (values.purge) throw new Error("--purge only goes with down.");
    const command: LabCommand = { action: "up", json };
    if (dir !== undefined) command.dir = dir;
    if (values.bulk !== undefined) {
      if (!/^\d+$/.test(values.bulk) || Number(values.bulk) > 1_000_000)
        throw new Error(`--bulk wants a whole number up to 1000000, got "${values.bulk}".`);
      command.bulk = Number(values.bulk);
    }
    if (values.scenario !== undefined) {
      if (values.scenario !== "delegated" && values.scenario !== "undelegated") {
        throw new Error(`--scenario is delegated or undelegated, got "${values.scenario}".`);
      }
      command.scenario = values.scenario;
    }
    if (values.address !== undefined) command.address = values.address;
    if (values["online-bulk"]) command.fastBulk = false;
    return command;
  }
  if (values.bulk !== undefined || values.scenario !== undefined || values.address !== undefined)
    throw new Error("--bulk, --scenario and --address only go with up.");
  if (action === "down")
    return dir === undefined
      ? { action, purge: values.purge, json }
      : { action, dir, purge: values.purge, json };
  if (action === "status") {
    if (values.purge) throw new Error("--purge only goes with down.");
    return dir === undefined ? { action, json } : { action, dir, json };
  }
  throw new Error(`Unknown lab action "${action ?? ""}": expected up, down or status.`);
}

/** The human-readable settings block (no secrets: password *files* only). */
export function formatSettings(s: LabSettings): string {
  const rows: [string, string][] = [
    ["URL", s.url],
    ["CA file", s.caFile],
    ["Server name", `${s.serverName} (TLS servername; the certificate has no SAN for 127.0.0.1)`],
    ["Base DN", s.baseDn],
    ["Domain SID", s.domainSid],
    [
      "Scenario",
      s.scenario === "delegated" ? "delegated (writeback ACEs on the domain root)" : "undelegated",
    ],
    ["Admin bind DN", s.admin.dn],
    ["Admin password", s.admin.passwordFile],
    ["Wizard bind DN", `${s.wizard.dn} (read-only)`],
    ["Wizard password", s.wizard.passwordFile],
    ...(s.wizardSync
      ? ([["Wizard (DirSync)", `${s.wizardSync.dn} (read-only, may use DirSync; same password)`]] as [
          string,
          string,
        ][])
      : []),
    ["Connector", `${s.connector.dn} (${s.connector.sid})`],
    ["Connector pwd", s.connector.passwordFile],
    ["People", `${s.seed.people} (+ ${s.seed.bulk} in ${s.seed.ous.bulk}), password ${s.userPasswordFile}`],
    ["Settings file", `${s.dir}/settings.json`],
  ];
  return rows.map(([k, v]) => `  ${k.padEnd(16)} ${v}`).join("\n");
}

function print(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);
}

export async function run(args: string[]): Promise<number> {
  let command: LabCommand;
  try {
    command = parseLabArgs(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${LAB_USAGE}`);
    return 2;
  }
  if (command.action === "help") {
    process.stdout.write(LAB_USAGE);
    return 0;
  }
  // Progress goes to stderr so `--json` output stays parseable.
  const log = (message: string): void => {
    process.stderr.write(`lab: ${message}\n`);
  };
  try {
    if (command.action === "up") {
      const result = await labUp({ ...command, log });
      const t = result.timingsMs;
      const timing = [
        t.provision !== undefined ? `provision ${(t.provision / 1000).toFixed(1)} s` : "",
        t.start !== undefined ? `start ${(t.start / 1000).toFixed(1)} s` : "",
        t.seed !== undefined ? `seed ${(t.seed / 1000).toFixed(1)} s` : "",
        `total ${(t.total / 1000).toFixed(1)} s`,
      ].filter(Boolean);
      const did = result.actions.length ? result.actions.join(", ") : "already running and seeded";
      print(
        command.json,
        { state: "running", ...result },
        `Lab is up (${did}; ${timing.join(", ")}).\n${formatSettings(result.settings)}`,
      );
      return 0;
    }
    if (command.action === "down") {
      const result = await labDown(command);
      const text = `${result.stopped ? "Lab stopped" : "Lab was not running"}${result.purged ? "; folder deleted" : "; data kept"}.`;
      print(command.json, result, text);
      return 0;
    }
    const status = await labStatus(command);
    const head = {
      running: `Lab is running (pid ${status.pid ?? "?"}) in ${status.dir}.`,
      stopped: `Lab is provisioned but stopped (${status.dir}); \`lab up\` starts it.`,
      "not-provisioned": `No lab in ${status.dir}; \`lab up\` provisions one.`,
    }[status.state];
    print(command.json, status, status.settings ? `${head}\n${formatSettings(status.settings)}` : head);
    return 0;
  } catch (error) {
    if (error instanceof LabPrerequisiteError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `lab ${command.action} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    const tail = await labLogTail(command.dir).catch(() => "");
    if (tail) process.stderr.write(`--- samba log (tail) ---\n${tail}\n`);
    return 1;
  }
}
