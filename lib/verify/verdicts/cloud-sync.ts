// The provisioning agent's evidence (cloud sync), judged: pure, facts in, findings out, at confidence "evidence".
// One file per agent server; every agent that can take writeback requests must be able to serve them.

import { PORTAL_LABELS } from "@/lib/steps/catalogue/labels";
import { type AutomaticResult, type Finding, type RemediationScript } from "@/lib/steps/types";
import { type CloudSyncEvidence } from "@/lib/verify/cloud-sync/evidence";

// ms-fact: cloud-sync-writeback-min-agent
/** The oldest provisioning agent Microsoft names for cloud sync password writeback. */
export const MIN_AGENT_VERSION_FOR_WRITEBACK = "1.1.977.0";
// ms-fact: cloud-sync-usgov-writeback-known-issue
const USGOV_BROKEN_VERSION = "1.1.2102.0";
const USGOV_FIXED_VERSION = "1.1.2108.0";
/** Older evidence still counts but asks for a fresh run. */
export const CLOUD_SYNC_EVIDENCE_FRESH_MS = 24 * 60 * 60 * 1000;

export const CLOUD_SYNC_FINDING_CODES = [
  "cloud-sync-agent-missing",
  "cloud-sync-agent-version-unknown",
  "cloud-sync-agent-too-old",
  "cloud-sync-agent-usgov-known-issue",
  "cloud-sync-agent-not-running",
  "cloud-sync-writeback-off",
  "cloud-sync-writeback-unknown",
  "cloud-sync-agent-account",
  "cloud-sync-evidence-stale",
] as const;
export type CloudSyncFindingCode = (typeof CLOUD_SYNC_FINDING_CODES)[number];

const CLOUD_SYNC_MODULE = String.raw`Import-Module 'C:\Program Files\Microsoft Azure AD Connect Provisioning Agent\Microsoft.CloudSync.Powershell.dll'`;

/** "1.1.977.0" -> [1, 1, 977, 0]; null when the text does not start with a dotted version. */
export function parseAgentVersion(value: string | null | undefined): number[] | null {
  const m = /^\s*(\d+(?:\.\d+){1,3})/.exec(value ?? "");
  if (!m?.[1]) return null;
  const parts = m[1].split(".").map(Number);
  while (parts.length < 4) parts.push(0);
  return parts;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const finding = (
  code: CloudSyncFindingCode,
  severity: NonNullable<Finding["severity"]>,
  message: string,
  target?: string,
): Finding => ({ code, severity, message, ...(target ? { target } : {}) });

/**
 * The verdict over the files of one or more agent servers. Fails on an agent that is missing, older than
 * Microsoft's minimum for writeback, or not running, and on writeback reported off; says plainly that the
 * writeback switch itself cannot be read on the server.
 */
export function cloudSyncVerdict(files: readonly CloudSyncEvidence[], now: Date): AutomaticResult {
  const findings: Finding[] = [];
  const remediation: RemediationScript[] = [];
  const minimum = parseAgentVersion(MIN_AGENT_VERSION_FOR_WRITEBACK) as number[];
  const servers: Record<string, unknown>[] = [];
  let writebackOff = false;
  let writebackUnknown = false;
  let notRunning = false;
  let tooOld = false;

  for (const file of files) {
    const server = file.computerName ?? "the agent server";
    const version = file.agent.fileVersion ?? file.agent.productVersion ?? null;
    servers.push({
      computerName: file.computerName ?? null,
      collectedAt: file.collectedAt,
      agentVersion: version,
      serviceState: file.service?.state ?? null,
      serviceAccount: file.service?.account ?? null,
      passwordWriteback: file.passwordWriteback.enabled,
    });

    const age = now.getTime() - new Date(file.collectedAt).getTime();
    if (age > CLOUD_SYNC_EVIDENCE_FRESH_MS)
      findings.push(
        finding(
          "cloud-sync-evidence-stale",
          "warning",
          `The file from ${server} was collected ${Math.floor(age / 3_600_000)} hours ago. It still counts, but run the collector again and upload a fresh file before you rely on it.`,
          server,
        ),
      );

    if (!file.agent.installed) {
      findings.push(
        finding(
          "cloud-sync-agent-missing",
          "error",
          `No provisioning agent is installed on ${server}: AADConnectProvisioningAgent.exe was not found. Run the collector on the server where the agent is installed, or install the agent from Cloud sync > Agents in the Microsoft Entra admin center.`,
          server,
        ),
      );
      continue;
    }

    const parsed = parseAgentVersion(version);
    if (!parsed) {
      findings.push(
        finding(
          "cloud-sync-agent-version-unknown",
          "warning",
          `The agent's version on ${server} could not be read, so the wizard cannot tell whether it supports password writeback (version ${MIN_AGENT_VERSION_FOR_WRITEBACK} or later). Check the file version of AADConnectProvisioningAgent.exe in its properties.`,
          server,
        ),
      );
    } else if (compareVersions(parsed, minimum) < 0) {
      tooOld = true;
      findings.push(
        finding(
          "cloud-sync-agent-too-old",
          "error",
          `The provisioning agent on ${server} is version ${version}; Microsoft requires ${MIN_AGENT_VERSION_FOR_WRITEBACK} or later for cloud sync password writeback. Upgrade the agent.`,
          server,
        ),
      );
    } else if (compareVersions(parsed, parseAgentVersion(USGOV_BROKEN_VERSION) as number[]) === 0) {
      findings.push(
        finding(
          "cloud-sync-agent-usgov-known-issue",
          "warning",
          `The provisioning agent on ${server} is version ${USGOV_BROKEN_VERSION}. In the Azure US Government cloud, Microsoft lists a known issue where writing passwords back fails with this version; it is fixed in ${USGOV_FIXED_VERSION}. Other clouds are not affected.`,
          server,
        ),
      );
    }

    if (!file.service) {
      notRunning = true;
      findings.push(
        finding(
          "cloud-sync-agent-not-running",
          "error",
          `The provisioning agent's service (AADConnectProvisioningAgent) is not registered on ${server}${file.serviceError ? ` or could not be read (${file.serviceError})` : ""}. Repair or reinstall the agent.`,
          server,
        ),
      );
    } else if (file.service.state.toLowerCase() !== "running") {
      notRunning = true;
      findings.push(
        finding(
          "cloud-sync-agent-not-running",
          "error",
          `The provisioning agent's service on ${server} is ${file.service.state}, not running, so it cannot take password writeback requests. Start it (and set its start mode to Automatic if it is not).`,
          server,
        ),
      );
    }

    if (file.service?.account)
      findings.push(
        finding(
          "cloud-sync-agent-account",
          "info",
          `The agent on ${server} runs as ${file.service.account}. That account is the one whose rights the directory checks must judge: confirm it as the connector account there.`,
          file.service.account,
        ),
      );

    if (file.passwordWriteback.enabled === false) {
      writebackOff = true;
      findings.push(
        finding(
          "cloud-sync-writeback-off",
          "error",
          `The file from ${server} reports password writeback off for cloud sync. Turn it on with Set-AADCloudSyncPasswordWritebackConfiguration -Enable $true, or tick "${PORTAL_LABELS.cloudSync}" under ${PORTAL_LABELS.pathNew}.`,
          server,
        ),
      );
    } else if (file.passwordWriteback.enabled === null) writebackUnknown = true;
  }

  if (writebackUnknown)
    // ms-fact: cloud-sync-writeback-switch-not-readable
    findings.push(
      finding(
        "cloud-sync-writeback-unknown",
        "info",
        `Whether password writeback is on for cloud sync cannot be read on the agent server: Microsoft documents a command that sets it (Set-AADCloudSyncPasswordWritebackConfiguration) but none that reads it. Check "${PORTAL_LABELS.cloudSync}" under ${PORTAL_LABELS.pathNew} in the admin center.`,
      ),
    );

  if (tooOld)
    remediation.push({
      title: "Upgrade the provisioning agent",
      language: "text",
      script: `Download the current provisioning agent from the Microsoft Entra admin center (Entra Connect > Cloud sync > Agents > Download on-premises agent) and run it on each server listed above; it upgrades the agent in place. Version ${MIN_AGENT_VERSION_FOR_WRITEBACK} or later is needed for password writeback.`,
    });
  if (notRunning)
    remediation.push({
      title: "Start the provisioning agent's service",
      language: "powershell",
      script: [
        "Set-Service -Name 'AADConnectProvisioningAgent' -StartupType 'Automatic'",
        "Start-Service -Name 'AADConnectProvisioningAgent'",
        "Get-Service -Name 'AADConnectProvisioningAgent' | Select-Object 'Name', 'Status', 'StartType'",
      ].join("\n"),
    });
  if (writebackOff)
    // ms-fact: cloud-sync-writeback-set-cmdlet
    remediation.push({
      title: "Turn on password writeback for cloud sync (on a provisioning agent server)",
      language: "powershell",
      script: [
        CLOUD_SYNC_MODULE,
        "Set-AADCloudSyncPasswordWritebackConfiguration -Enable $true -Credential $(Get-Credential)",
      ].join("\n"),
    });

  if (files.length === 0)
    findings.push(
      finding(
        "cloud-sync-agent-missing",
        "error",
        "No provisioning agent file was given. Run the collector on each server with the provisioning agent and upload its file.",
      ),
    );

  const failed = findings.some((f) => f.severity === "error");
  return {
    status: failed ? "failed" : "passed",
    confidence: "evidence",
    findings,
    evidence: { cloudSyncAgents: servers, minimumAgentVersion: MIN_AGENT_VERSION_FOR_WRITEBACK },
    remediation,
  };
}
