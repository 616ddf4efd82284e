// `sspr-writeback verify`: every directory check, over LDAP or on a snapshot file (ARCHITECTURE.md "The command
// line"). Exit status: 0 every check passed (warnings allowed), 1 a check found problems, 2 a check could not run
// (connection, TLS, credentials, bad snapshot, bad options).

import { accessSync, constants, createReadStream, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { describeAccount } from "../lib/directory/checks/connector";
import { type DirectoryFinding } from "../lib/directory/checks/types";
import { groupFindings, groupMessage, USER_CODES } from "../lib/directory/checks/summary";
import { DirectoryError, isDirectoryError } from "../lib/directory/errors";
import { parseDomainSelection } from "../lib/directory/domain-selection";
import { openDirectory } from "../lib/directory/forest";
import { installLdaptsParsePatch } from "../lib/directory/ldapts-parse-patch";
import { type DirectoryPort } from "../lib/directory/port";
import {
  DirectoryScanner,
  type DirectoryStepId,
  type ScanSettings,
  type StepScan,
} from "../lib/directory/scan";
import { readSnapshotStream, StreamedSnapshotDirectory } from "../lib/directory/snapshot-stream";
import { ConnectEvidenceError, parseConnectEvidenceText } from "../lib/connect/evidence-schema";
import { connectorAccounts, evaluateConnectEvidence } from "../lib/verify/verdicts/connect";

export const VERIFY_USAGE = `Usage: sspr-writeback verify (--ldap-url <url> --bind-dn <dn> --bind-password-file <file> [--ca-file <pem>]
                              [--server-name <name>] [--base-dn <dn>] | --snapshot <file>)
                              [--connect-evidence <file>] [options]
       sspr-writeback verify --connect-evidence <file> [--flow enable|cleanup] [--json]

  --ldap-url <url>            ldaps://dc01.contoso.com (or ldap://… : StartTLS is then mandatory)
  --bind-dn <dn>              a read-only account (DN, user@domain or DOMAIN\\name)
  --bind-password-file <file> file holding its password (never on the command line)
  --ca-file <pem>             CA that issued the DC certificate (default: the system's trusted CAs)
  --server-name <name>        name in the DC certificate, when you connect by another name or an IP address
  --base-dn <dn>              domain to read (default: the DC's default naming context)
  --domains all|<dns,…>       also read these domains of the forest ("all": every one), each through one of its
                              own DCs with the same account and CA (default: the connected domain, plus any
                              domain a --scope OU is in)
  --snapshot <file>           check a snapshot written by \`sspr-writeback collect-script\` instead
  --connect-evidence <file>   also check the Connect server, from the file \`sspr-writeback collect-script --connect\`
                              wrote there (check id connect-writeback, or disable-connect-writeback with
                              --flow cleanup); its single AD connector account names the connector
  --connector <account>       the Connect AD DS connector account (default: the one the Connect evidence names,
                              else the only MSOL_/gMSA candidate)
  --scope <ou-dn>             check only users below this OU (repeatable; default: the whole domain)
  --flow enable|cleanup       enable: prerequisites, connector-permissions, password-policy (default);
                              cleanup: revoke-connector-permissions
  --connect-timeout <ms>      connect + TLS + bind budget (default 5000)
  --timeout <ms>              per-operation budget (default 60000)
  --json                      print {"checks":[{"id","status","findings":[{"code","dn","message"}]}]}

Exit status: 0 all checks passed (warnings allowed), 1 problems found, 2 a check could not run.
`;

const argsSchema = z
  .object({
    "ldap-url": z
      .string()
      .regex(/^ldaps?:\/\/[^/\s]+\/?$/i, "must be ldaps://host[:port] or ldap://host[:port]")
      .optional(),
    "bind-dn": z.string().min(1).optional(),
    "bind-password-file": z.string().min(1).optional(),
    "ca-file": z.string().min(1).optional(),
    "server-name": z.string().min(1).optional(),
    "base-dn": z.string().includes("=", { message: "must be a DN such as DC=contoso,DC=com" }).optional(),
    domains: z
      .string()
      .min(1)
      .superRefine((text, ctx) => {
        try {
          parseDomainSelection(text);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        }
      })
      .optional(),
    snapshot: z.string().min(1).optional(),
    "connect-evidence": z.string().min(1).optional(),
    connector: z.string().min(1).optional(),
    scope: z.array(z.string().includes("=", { message: "must be an OU DN" })).default([]),
    flow: z.enum(["enable", "cleanup"]).default("enable"),
    "connect-timeout": z.coerce.number().int().min(100).max(600_000).default(5_000),
    timeout: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    json: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.help) return;
    if (v.snapshot && v["ldap-url"])
      ctx.addIssue({ code: "custom", path: ["ldap-url"], message: "give either --ldap-url or --snapshot" });
    if (!v.snapshot && !v["ldap-url"] && !v["connect-evidence"])
      ctx.addIssue({
        code: "custom",
        path: ["ldap-url"],
        message: "give either --ldap-url or --snapshot (or only --connect-evidence)",
      });
    if (v["ldap-url"]) {
      if (!v["bind-dn"])
        ctx.addIssue({ code: "custom", path: ["bind-dn"], message: "is required with --ldap-url" });
      if (!v["bind-password-file"])
        ctx.addIssue({
          code: "custom",
          path: ["bind-password-file"],
          message: "is required with --ldap-url",
        });
    }
  });

export type VerifyArgs = z.infer<typeof argsSchema>;

export function parseVerifyArgs(args: string[]): VerifyArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      "ldap-url": { type: "string" },
      "bind-dn": { type: "string" },
      "bind-password-file": { type: "string" },
      "ca-file": { type: "string" },
      "server-name": { type: "string" },
      "base-dn": { type: "string" },
      domains: { type: "string" },
      snapshot: { type: "string" },
      "connect-evidence": { type: "string" },
      connector: { type: "string" },
      scope: { type: "string", multiple: true },
      flow: { type: "string" },
      "connect-timeout": { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--${issue?.path.join(".") ?? "?"} ${issue?.message ?? "is invalid"}.`);
  }
  return parsed.data;
}

export type CheckStatus = "passed" | "failed" | "warning" | "unknown";

export interface CheckReport {
  id: DirectoryStepId | "connect-writeback" | "disable-connect-writeback";
  status: CheckStatus;
  summary: string;
  findings: {
    code: string;
    dn: string;
    message: string;
    severity: DirectoryFinding["severity"];
    anchor?: string;
  }[];
}

function statusOf(scan: StepScan): CheckStatus {
  if (scan.findings.some((f) => f.severity === "error")) return "failed";
  if (scan.findings.some((f) => f.severity === "warning")) return "warning";
  return "passed";
}

export async function openPort(args: VerifyArgs): Promise<DirectoryPort> {
  if (args.snapshot) {
    // Streamed from the file (plain or .json.gz), read once to check it and again for each pass over the users,
    // so a domain of any size is checked in the memory of a page of users.
    const file = args.snapshot;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new DirectoryError(
        "snapshot-invalid",
        `Cannot read the snapshot file ${file}.`,
        "Check the path.",
      );
    }
    const open = () => createReadStream(file) as AsyncIterable<Uint8Array>;
    return new StreamedSnapshotDirectory(await readSnapshotStream(open()), open);
  }
  const readText = (file: string, what: string): string => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      throw new DirectoryError(
        "configuration",
        `Cannot read the ${what} ${file}.`,
        "Check the path and its permissions.",
      );
    }
  };
  const password = readText(args["bind-password-file"] as string, "password file").replace(/\r?\n$/, "");
  return openDirectory(
    {
      url: args["ldap-url"] as string,
      bindDn: args["bind-dn"] as string,
      password,
      caPem: args["ca-file"] ? [readText(args["ca-file"], "CA file")] : null,
      ...(args["server-name"] ? { serverName: args["server-name"] } : {}),
      ...(args["base-dn"] ? { baseDn: args["base-dn"] } : {}),
      connectTimeoutMs: args["connect-timeout"],
      operationTimeoutMs: args.timeout,
    },
    parseDomainSelection(args.domains),
    args.scope,
  );
}

/** Runs the flow's checks; a check that cannot run is "unknown" with the reason. */
export async function runChecks(
  port: DirectoryPort,
  args: Pick<VerifyArgs, "connector" | "scope" | "flow">,
  note: (line: string) => void,
): Promise<CheckReport[]> {
  const settings: ScanSettings = {
    connector: args.connector ?? null,
    confirmedConnectorDn: null,
    scope: args.scope,
  };
  if (!args.connector) {
    // On the command line the person running it is the admin: the only candidate is taken, and said so.
    const domains = await port.domains();
    const candidates = domains[0] ? await port.connectorCandidates(domains[0].dn) : [];
    if (candidates.length === 1 && candidates[0]) {
      settings.confirmedConnectorDn = candidates[0].dn;
      note(
        `Connector: ${describeAccount(candidates[0])} (the only candidate; pass --connector to choose another).`,
      );
    }
  }
  const scanner = new DirectoryScanner(port, settings);
  const steps: DirectoryStepId[] =
    args.flow === "cleanup"
      ? ["revoke-connector-permissions"]
      : ["prerequisites", "connector-permissions", "password-policy"];
  const reports: CheckReport[] = [];
  for (const id of steps) {
    try {
      const scan = await scanner.run(id);
      reports.push({
        id,
        status: statusOf(scan),
        summary: scan.summary,
        findings: scan.findings.map((f) => ({
          code: f.code,
          dn: f.dn,
          message: `${f.reason} ${f.remediation}`,
          severity: f.severity,
          ...(f.anchor ? { anchor: f.anchor } : {}),
        })),
      });
    } catch (error) {
      if (!isDirectoryError(error)) throw error;
      reports.push({ id, status: "unknown", summary: error.sentence, findings: [] });
    }
  }
  return reports;
}

/**
 * The Connect server's checks from the collector's file: `connect-writeback` (enable) or
 * `disable-connect-writeback` (clean-up), with the wizard's finding codes. A file that cannot be read or is not
 * valid evidence is "unknown" (exit 2) with the reason.
 */
export function connectReport(file: string, flow: VerifyArgs["flow"], now: Date): CheckReport {
  const id = flow === "cleanup" ? "disable-connect-writeback" : "connect-writeback";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return {
      id,
      status: "unknown",
      summary: `Cannot read the Connect evidence file ${file}. Check the path.`,
      findings: [],
    };
  }
  try {
    const evidence = parseConnectEvidenceText(text);
    const result = evaluateConnectEvidence(evidence, flow === "cleanup" ? "disabled" : "enabled", now);
    const status: CheckStatus =
      result.status === "failed"
        ? "failed"
        : result.findings.some((f) => f.severity === "warning")
          ? "warning"
          : "passed";
    return {
      id,
      status,
      summary: `The Connect server ${evidence.ComputerName} as its collector saw it at ${evidence.collectedAt} (evidence).`,
      findings: result.findings.map((f) => ({
        code: f.code,
        dn: f.target ?? evidence.ComputerName,
        message: f.message,
        severity: f.severity ?? "info",
      })),
    };
  } catch (error) {
    if (!(error instanceof ConnectEvidenceError)) throw error;
    return { id, status: "unknown", summary: `${file}: ${error.message}`, findings: [] };
  }
}

/** The single AD DS connector account a Connect evidence file names, if it is readable and names exactly one. */
function evidenceConnector(file: string | undefined): string | null {
  if (!file) return null;
  try {
    const accounts = connectorAccounts(parseConnectEvidenceText(readFileSync(file, "utf8")));
    return accounts.length === 1 ? (accounts[0]?.account ?? null) : null;
  } catch {
    return null;
  }
}

export function exitCodeFor(reports: readonly CheckReport[]): number {
  if (reports.some((r) => r.status === "unknown")) return 2;
  if (reports.some((r) => r.status === "failed")) return 1;
  return 0;
}

const MARK: Record<CheckStatus, string> = {
  passed: "PASS",
  failed: "FAIL",
  warning: "WARN",
  unknown: "????",
};

export function formatHuman(reports: readonly CheckReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`[${MARK[r.status]}] ${r.id}: ${r.summary}`);
    const findings: DirectoryFinding[] = r.findings.map((f) => ({
      code: f.code as DirectoryFinding["code"],
      severity: f.severity,
      dn: f.dn,
      reason: f.message,
      remediation: "",
      ...(f.anchor ? { anchor: f.anchor } : {}),
    }));
    const perUser = findings.filter((f) => USER_CODES.has(f.code));
    for (const f of findings.filter((x) => !USER_CODES.has(x.code)))
      lines.push(`  ${f.severity.padEnd(7)} ${f.code}  ${f.dn}\n          ${f.reason}`);
    for (const g of groupFindings(perUser)) {
      lines.push(`  ${g.severity.padEnd(7)} ${g.code}  ${g.count > 1 ? groupMessage(g, null) : g.sample.dn}`);
      const sample = perUser
        .filter((f) => f.code === g.code && (g.anchor === null || f.anchor === g.anchor))
        .slice(0, 5);
      for (const f of sample) lines.push(`          ${f.dn}`);
      if (g.count > sample.length)
        lines.push(`          … and ${g.count - sample.length} more (use --json for the full list)`);
      if (g.count === 1 && sample[0]) lines.push(`          ${sample[0].reason}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function print(args: VerifyArgs, reports: readonly CheckReport[], preamble: string): void {
  if (args.json) {
    const out = {
      checks: reports.map((r) => ({
        id: r.id,
        status: r.status,
        summary: r.summary,
        findings: r.findings.map(({ code, dn, message }) => ({ code, dn, message })),
      })),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    process.stdout.write(`${preamble}${formatHuman(reports)}`);
  }
}

export async function run(args: string[]): Promise<number> {
  let parsed: VerifyArgs;
  try {
    parsed = parseVerifyArgs(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${VERIFY_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(VERIFY_USAGE);
    return 0;
  }
  installLdaptsParsePatch();
  const connect = parsed["connect-evidence"]
    ? [connectReport(parsed["connect-evidence"], parsed.flow, new Date())]
    : [];
  const fromEvidence = parsed.connector ? null : evidenceConnector(parsed["connect-evidence"]);
  if (!parsed.snapshot && !parsed["ldap-url"]) {
    print(parsed, connect, "");
    return exitCodeFor(connect);
  }
  let port: DirectoryPort;
  try {
    port = await openPort(parsed);
  } catch (error) {
    if (!isDirectoryError(error)) throw error;
    if (parsed.json)
      process.stdout.write(
        `${JSON.stringify({ checks: [], error: { kind: error.kind, message: error.sentence } })}\n`,
      );
    else process.stderr.write(`Could not check: ${error.sentence}\n`);
    return 2;
  }
  try {
    const notes: string[] = [];
    if (fromEvidence) notes.push(`Connector: ${fromEvidence} (named by the Connect server's evidence).`);
    const reports = [
      ...(await runChecks(
        port,
        { ...parsed, connector: parsed.connector ?? fromEvidence ?? undefined },
        (line) => notes.push(line),
      )),
      ...connect,
    ];
    print(parsed, reports, `Read: ${port.describe()}\n${notes.map((n) => `${n}\n`).join("")}\n`);
    return exitCodeFor(reports);
  } finally {
    await port.close();
  }
}
