// Pure judgements over the Connect server's evidence (`sspr-writeback-connect/1`, lib/connect/evidence-schema.ts):
// the writeback setting, the ADSync service, the Connect version, the heartbeat, Service Bus, TLS 1.2 and .NET,
// where Connect runs, RestrictRemoteSam and the writeback errors of the last days, each with what to do. No I/O,
// no clock of its own (the caller passes `now`). Confidence is `evidence`: a script the admin ran reports it.

import { type ConnectEvidence } from "@/lib/connect/evidence-schema";
import {
  eventMeaning,
  HEARTBEAT_EVENT_ID,
  WRITEBACK_STARTED_EVENT_ID,
  WRITEBACK_STOPPED_EVENT_ID,
} from "@/lib/connect/events";
import { type ConnectFindingCode } from "@/lib/steps/finding-codes";
import { type AutomaticResult, type Finding, type RemediationScript } from "@/lib/steps/types";

/** Evidence older than this still shows, but the admin is asked for a fresh run. */
export const CONNECT_EVIDENCE_FRESH_HOURS = 24;

// ms-fact: connect-heartbeat-interval
/**
 * Microsoft documents one heartbeat message every five minutes while the writeback service runs, but not how
 * often event 31019 is logged. The wizard calls the heartbeat missing when no 31019 is newer than this, twelve
 * times the documented interval, and says that the threshold is its own.
 */
export const HEARTBEAT_STALE_MINUTES = 60;

// ms-fact: connect-minimum-version
/** The lowest Connect Sync versions Microsoft supports since the 2025 hardening update. */
export const MINIMUM_CONNECT_VERSION = { AzureCloud: "2.4.18.0", other: "2.4.21.0" } as const;

// ms-fact: connect-dotnet-48
/** .NET Framework 4.8's Release value: the troubleshooting page asks for 4.8 or higher on the Connect server. */
export const DOTNET_48_RELEASE = 528040;

// ms-fact: connect-tls12-registry
/** The registry values Microsoft's TLS 1.2 page sets on the Connect server (path suffix, name, value). */
export const TLS12_REQUIRED: readonly { path: string; name: string; value: number }[] = [
  {
    path: "SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319",
    name: "SystemDefaultTlsVersions",
    value: 1,
  },
  {
    path: "SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319",
    name: "SchUseStrongCrypto",
    value: 1,
  },
  { path: "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", name: "SystemDefaultTlsVersions", value: 1 },
  { path: "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", name: "SchUseStrongCrypto", value: 1 },
  { path: "SCHANNEL\\Protocols\\TLS 1.2\\Server", name: "Enabled", value: 1 },
  { path: "SCHANNEL\\Protocols\\TLS 1.2\\Server", name: "DisabledByDefault", value: 0 },
  { path: "SCHANNEL\\Protocols\\TLS 1.2\\Client", name: "Enabled", value: 1 },
  { path: "SCHANNEL\\Protocols\\TLS 1.2\\Client", name: "DisabledByDefault", value: 0 },
];

/** Which part of the flow asks: the enable step, the clean-up step, or the prerequisites. */
export type ConnectQuestion = "enabled" | "disabled" | "prerequisites";

interface ConnectFinding extends Finding {
  code: ConnectFindingCode;
}

/** Compares dotted version strings numerically ("2.4.131.0" > "2.4.18.0"); null when either is unreadable. */
export function compareVersions(a: string, b: string): number | null {
  const parse = (v: string) => (/^\d+(\.\d+){1,3}$/.test(v.trim()) ? v.trim().split(".").map(Number) : null);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function minutesBetween(from: string, to: Date): number {
  return (to.getTime() - new Date(from).getTime()) / 60_000;
}

function lastTime(evidence: ConnectEvidence, id: number): string | null {
  const hits = evidence.Events.Summary.filter(
    (e) => e.Id === id && /^PasswordResetService$/i.test(e.ProviderName),
  );
  return hits.reduce<string | null>((max, e) => (max === null || e.LastTime > max ? e.LastTime : max), null);
}

// ms-fact: connect-connector-account-parameters
/** The account each AD connector signs in with, as DOMAIN\name (ConnectivityParameters forest-login-*). */
export function connectorAccounts(evidence: ConnectEvidence): { connector: string; account: string }[] {
  return evidence.Connectors.filter((c) => /^AD$/i.test(c.Type)).flatMap((c) => {
    const param = (name: string) =>
      c.ConnectivityParameters.find((p) => p.Name.toLowerCase() === name)?.Value?.trim() || null;
    const user = param("forest-login-user");
    if (!user) return [];
    const domain = param("forest-login-domain");
    return [{ connector: c.Name, account: domain ? `${domain}\\${user}` : user }];
  });
}

function tlsProblems(evidence: ConnectEvidence): string[] {
  return TLS12_REQUIRED.flatMap((required) => {
    const found = evidence.Tls12.find(
      (v) =>
        v.Name.toLowerCase() === required.name.toLowerCase() &&
        v.Path.toLowerCase().replace(/\//g, "\\").endsWith(required.path.toLowerCase()),
    );
    if (found && found.Value === required.value) return [];
    const shown = found ? (found.Value === null ? "not found" : String(found.Value)) : "not reported";
    return [`${required.path}\\${required.name} is ${shown} (needs ${required.value})`];
  });
}

const TLS12_SCRIPT: RemediationScript = {
  title: "Enforce TLS 1.2 on the Connect server (Microsoft's values), then restart the server",
  language: "powershell",
  script: [
    "$keys = @(",
    "  @{ Path = 'HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319'; Settings = @{ SystemDefaultTlsVersions = 1; SchUseStrongCrypto = 1 } },",
    "  @{ Path = 'HKLM:\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319'; Settings = @{ SystemDefaultTlsVersions = 1; SchUseStrongCrypto = 1 } },",
    "  @{ Path = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server'; Settings = @{ Enabled = 1; DisabledByDefault = 0 } },",
    "  @{ Path = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client'; Settings = @{ Enabled = 1; DisabledByDefault = 0 } }",
    ")",
    "foreach ($key in $keys) {",
    "  if (-not (Test-Path $key.Path)) { New-Item -Path $key.Path -Force | Out-Null }",
    "  foreach ($name in $key.Settings.Keys) {",
    "    New-ItemProperty -Path $key.Path -Name $name -Value $key.Settings[$name] -PropertyType DWord -Force | Out-Null",
    "  }",
    "}",
    "Write-Host 'TLS 1.2 is enforced. Restart the server for it to take effect.'",
  ].join("\n"),
};

const START_ADSYNC_SCRIPT: RemediationScript = {
  title: "Start the ADSync service on the Connect server",
  language: "powershell",
  script:
    "Start-Service -Name 'ADSync'\nGet-Service -Name 'ADSync' | Select-Object 'Name','Status','StartType'",
};

/** Every PowerShell script the Connect verdicts may offer, for the parser test. */
export const CONNECT_REMEDIATION_SCRIPTS: readonly RemediationScript[] = [TLS12_SCRIPT, START_ADSYNC_SCRIPT];

/** The verdict on one evidence file for one question. */
export function evaluateConnectEvidence(
  evidence: ConnectEvidence,
  question: ConnectQuestion,
  now: Date,
): AutomaticResult {
  const findings: ConnectFinding[] = [];
  const remediation: RemediationScript[] = [];
  const blocking = new Set<ConnectFindingCode>();
  const add = (finding: ConnectFinding, blocks: boolean) => {
    findings.push(finding);
    if (blocks) blocking.add(finding.code);
  };
  const enabling = question === "enabled";
  const config = evidence.PasswordResetConfiguration;

  // The setting itself.
  // ms-fact: connect-writeback-setting-cmdlet
  if (question !== "prerequisites") {
    if (!config) {
      add(
        {
          code: "connect-writeback-unread",
          severity: "error",
          message:
            "The collector could not read the writeback setting (Get-ADSyncAADPasswordResetConfiguration on the Entra ID connector). Run it again in an elevated PowerShell on the Connect server, where the ADSync module is installed.",
        },
        true,
      );
    } else if (enabling && !config.Enabled) {
      add(
        {
          code: "connect-writeback-off",
          severity: "error",
          target: config.Connector,
          message: `Password writeback is off on the Connect server (connector “${config.Connector}”). Open the Connect wizard, Customize synchronization options, tick Password writeback under Optional features, and configure.`,
        },
        true,
      );
    } else if (!enabling && config.Enabled) {
      add(
        {
          code: "connect-writeback-still-on",
          severity: "error",
          target: config.Connector,
          message: `Password writeback is still on on the Connect server (connector “${config.Connector}”). Open the Connect wizard, Customize synchronization options, clear Password writeback under Optional features, and configure.`,
        },
        true,
      );
    }
  }

  // The clean-up asks only whether the setting is off; the service's health no longer matters then.
  const health = question !== "disabled";

  // ms-fact: connect-restart-adsync
  if (health) {
    if (!evidence.Service) {
      add(
        {
          code: "adsync-not-installed",
          severity: "error",
          target: evidence.ComputerName,
          message: `There is no ADSync service on ${evidence.ComputerName}: run the collector on the Microsoft Entra Connect server itself.`,
        },
        true,
      );
    } else if (!/^running$/i.test(evidence.Service.Status)) {
      add(
        {
          code: "adsync-stopped",
          severity: "error",
          target: evidence.ComputerName,
          message: `The ADSync service (Microsoft Azure AD Sync) is ${evidence.Service.Status} on ${evidence.ComputerName}: while it is not running, password writeback does not run either. Start it (services.msc or Start-Service ADSync) and check again.`,
        },
        true,
      );
      remediation.push(START_ADSYNC_SCRIPT);
    }
  }

  // The writeback service stopped (31016) with no start (31015) after it.
  const stopped = lastTime(evidence, WRITEBACK_STOPPED_EVENT_ID);
  const started = lastTime(evidence, WRITEBACK_STARTED_EVENT_ID);
  if (health && config?.Enabled !== false && stopped && (!started || started < stopped)) {
    add(
      {
        code: "writeback-service-stopped",
        severity: "error",
        target: "PasswordResetService 31016",
        message: `The writeback service stopped at ${stopped} (event 31016) and has not started since: requests from the cloud fail meanwhile. Restart the ADSync service; if the service does not come back, clear and tick Password writeback in the Connect wizard.`,
      },
      enabling,
    );
  }

  // The version.
  if (health) {
    const minimum =
      evidence.Cloud === "AzureCloud" ? MINIMUM_CONNECT_VERSION.AzureCloud : MINIMUM_CONNECT_VERSION.other;
    const comparison = evidence.ConnectVersion ? compareVersions(evidence.ConnectVersion, minimum) : null;
    if (comparison === null) {
      add(
        {
          code: "connect-version-unknown",
          severity: "warning",
          message: `The collector could not read the Connect version${evidence.ConnectVersion ? ` (“${evidence.ConnectVersion}”)` : ""}. Microsoft supports ${minimum} or later; check Programs and Features on the server.`,
        },
        false,
      );
    } else if (comparison < 0) {
      add(
        {
          code: "connect-version-old",
          severity: "error",
          target: evidence.ConnectVersion ?? undefined,
          message: `Microsoft Entra Connect ${evidence.ConnectVersion} is older than ${minimum}, the lowest version Microsoft supports${evidence.Cloud === "AzureCloud" ? "" : " in this cloud"}. Upgrade Connect to the latest release (an in-place upgrade keeps the configuration).`,
        },
        true,
      );
    }
  }

  // The heartbeat, only meaningful while writeback is on.
  if (health && config?.Enabled) {
    const heartbeat = lastTime(evidence, HEARTBEAT_EVENT_ID);
    const age = heartbeat ? minutesBetween(heartbeat, new Date(evidence.collectedAt)) : null;
    if (age === null || age > HEARTBEAT_STALE_MINUTES) {
      add(
        {
          code: "writeback-heartbeat-missing",
          severity: "error",
          target: "PasswordResetService 31019",
          message: `${heartbeat ? `The last Service Bus heartbeat (event 31019) was at ${heartbeat}, more than ${HEARTBEAT_STALE_MINUTES} minutes before the collector ran` : `No Service Bus heartbeat (event 31019) was logged since ${evidence.Events.StartTime}`}. Microsoft describes a heartbeat every five minutes but does not say how often 31019 is logged, so the ${HEARTBEAT_STALE_MINUTES}-minute limit is the wizard's own. Check the network path to Service Bus and restart the ADSync service.`,
        },
        enabling,
      );
    }
  }

  // Service Bus reachability.
  // ms-fact: connect-service-bus-endpoints
  const unreachable = evidence.ServiceBus.filter((p) => !p.TcpTestSucceeded);
  if (health && unreachable.length > 0) {
    add(
      {
        code: "service-bus-unreachable",
        severity: "error",
        target: unreachable.map((p) => `${p.ComputerName}:${p.RemotePort}`).join(", "),
        message: `The Connect server could not open ${unreachable.map((p) => `${p.ComputerName}:${p.RemotePort}`).join(", ")}. Password writeback needs outbound HTTPS (TCP 443) to *.servicebus.windows.net and *.passwordreset.microsoftonline.com (other names in the government and China clouds): open the firewall or proxy for them, then restart the ADSync service.`,
      },
      true,
    );
  }

  // TLS 1.2 and .NET.
  if (health) {
    const tls = tlsProblems(evidence);
    if (tls.length > 0) {
      add(
        {
          code: "tls12-not-enforced",
          severity: "warning",
          message: `TLS 1.2 is not enforced the way Microsoft's TLS 1.2 page sets it: ${tls.slice(0, 4).join("; ")}${tls.length > 4 ? `; and ${tls.length - 4} more` : ""}. Microsoft's troubleshooting asks to check this when writeback cannot connect; set the values and restart the server.`,
        },
        false,
      );
      remediation.push(TLS12_SCRIPT);
    }
    if (evidence.DotNetRelease === null || evidence.DotNetRelease < DOTNET_48_RELEASE) {
      add(
        {
          code: "dotnet-too-old",
          severity: evidence.DotNetRelease === null ? "warning" : "error",
          message:
            evidence.DotNetRelease === null
              ? "The collector found no .NET Framework 4.x Release value. Microsoft asks for .NET Framework 4.8 or later on the Connect server; check that it is installed."
              : `.NET Framework on the Connect server is older than 4.8 (Release ${evidence.DotNetRelease}; 4.8 is ${DOTNET_48_RELEASE}). Install .NET Framework 4.8 or later and restart the server.`,
        },
        evidence.DotNetRelease !== null,
      );
    }
  }

  // Where Connect runs and RestrictRemoteSam.
  // ms-fact: connect-on-dc-sspr-0029
  if (health && (evidence.DomainRole === 4 || evidence.DomainRole === 5)) {
    add(
      {
        code: "connect-on-domain-controller",
        severity: "warning",
        target: evidence.ComputerName,
        message: `Connect runs on a domain controller (${evidence.ComputerName}). Writeback relies on an older API whose permissions are hard to get right on a DC (error SSPR_0029); Microsoft recommends a member server, or an AD connector limited to other, preferred domain controllers.`,
      },
      false,
    );
  }
  // ms-fact: connect-restrict-remote-sam
  if (health && evidence.RestrictRemoteSam) {
    const accounts = connectorAccounts(evidence).map((a) => a.account);
    add(
      {
        code: "restrict-remote-sam",
        severity: "warning",
        target: "HKLM\\System\\CurrentControlSet\\Control\\Lsa\\RestrictRemoteSam",
        message: `“Network access: Restrict clients allowed to make remote calls to SAM” is set on this server (RestrictRemoteSam ${evidence.RestrictRemoteSam.slice(0, 120)}). It can make writeback fail with SSPR_0029 and events 33004 and 6329: allow the connector account${accounts.length > 0 ? ` (${accounts.join(", ")})` : ""} Remote Access in that policy, or remove the policy and then the registry value. Check the domain controllers too.`,
      },
      false,
    );
  }

  // Recent errors, grouped by event id, with Microsoft's meaning and fix.
  // ms-fact: connect-passwordresetservice-event-ids
  if (health) {
    const groups = evidence.Events.Summary.filter(
      (e) => eventMeaning(e.ProviderName, e.Id)?.kind === "error",
    ).sort((a, b) => b.Count - a.Count || a.Id - b.Id);
    for (const group of groups) {
      if (group.Id === WRITEBACK_STOPPED_EVENT_ID) continue;
      const meaning = eventMeaning(group.ProviderName, group.Id);
      if (!meaning) continue;
      const newest = evidence.Events.RecentErrors.filter(
        (e) => e.Id === group.Id && e.ProviderName.toLowerCase() === group.ProviderName.toLowerCase(),
      ).sort((a, b) => (a.TimeCreated < b.TimeCreated ? 1 : -1))[0];
      add(
        {
          code: "writeback-event-errors",
          severity: "warning",
          target: `${group.ProviderName} ${group.Id}`,
          message:
            `${group.ProviderName} ${group.Id} ${meaning.name}: ${group.Count} since ${evidence.Events.StartTime}, last at ${group.LastTime}. ${meaning.meaning} ${meaning.fix ?? ""}${newest?.Message ? ` Newest message: “${newest.Message.slice(0, 300)}”` : ""}`.trim(),
        },
        false,
      );
    }
  }

  // The connector accounts (they confirm the directory steps' connector).
  const accounts = connectorAccounts(evidence);
  if (accounts.length > 0) {
    add(
      {
        code: "connect-connector-accounts",
        severity: "info",
        message: `The AD DS connector account${accounts.length > 1 ? "s" : ""}: ${accounts.map((a) => `${a.account} (connector “${a.connector}”)`).join(", ")}.`,
      },
      false,
    );
  }

  // Dated evidence: older than a day it still counts, but the admin is asked for a fresh run.
  const ageHours = (now.getTime() - new Date(evidence.collectedAt).getTime()) / 3_600_000;
  if (ageHours > CONNECT_EVIDENCE_FRESH_HOURS) {
    add(
      {
        code: "connect-evidence-stale",
        severity: "warning",
        message: `The Connect server's evidence was collected ${Math.floor(ageHours)} hours ago (${evidence.collectedAt}). Run the collector again on the Connect server and upload the new file, so the wizard judges the server as it is now.`,
      },
      false,
    );
  }

  return {
    status: blocking.size > 0 ? "failed" : "passed",
    confidence: "evidence",
    findings,
    evidence: {
      source: "connect-evidence",
      collectedAt: evidence.collectedAt,
      computerName: evidence.ComputerName,
      connectVersion: evidence.ConnectVersion,
      serviceStatus: evidence.Service?.Status ?? null,
      writebackEnabled: config ? config.Enabled : null,
      lastHeartbeat: lastTime(evidence, HEARTBEAT_EVENT_ID),
      connectorAccounts: accounts,
    },
    remediation,
  };
}
