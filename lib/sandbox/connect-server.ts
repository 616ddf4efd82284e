// The sandbox's Microsoft Entra Connect server: what the Connect collector would find there, made from the run's
// simulated state (the tenant's Connect writeback switch, its written-back resets) and the two breakages a newcomer
// can play (the ADSync service stopped, Service Bus unreachable). It produces a `sspr-writeback-connect/1` file
// shaped exactly like the collector's, which the wizard then checks with the same code as a real one.

import { AUDIT_ACTIVITIES } from "@/lib/tenant/graph-facts";
import { type ConnectEvidence } from "@/lib/connect/evidence-schema";
import { SERVICE_BUS_PROBES } from "@/lib/connect/collect-script";
import fixture from "./contoso-snapshot.json";

/**
 * The simulated server's own state, per sandbox run: part of the run's stored world (lib/sandbox/world.ts), so every
 * instance serving the run sees the same server.
 */
export interface SandboxConnectServer {
  adsyncRunning: boolean;
  serviceBusReachable: boolean;
  /** When the service was stopped or the network broke, for the events and the heartbeat. */
  brokenAt: string | null;
}

/** A server as a run starts with it, and as "restore" leaves it: the service running, Service Bus reachable. */
export function healthyConnectServer(): SandboxConnectServer {
  return { adsyncRunning: true, serviceBusReachable: true, brokenAt: null };
}

/** The stored server, or a healthy one when the stored world has none (stored before it was kept) or a bad one. */
export function connectServerFromState(value: unknown): SandboxConnectServer {
  const state = value as Partial<SandboxConnectServer> | null | undefined;
  if (
    typeof state?.adsyncRunning !== "boolean" ||
    typeof state.serviceBusReachable !== "boolean" ||
    (state.brokenAt !== null && typeof state.brokenAt !== "string")
  )
    return healthyConnectServer();
  return {
    adsyncRunning: state.adsyncRunning,
    serviceBusReachable: state.serviceBusReachable,
    brokenAt: state.brokenAt,
  };
}

interface AuditLike {
  activityDisplayName?: string | null;
  activityDateTime?: string | null;
  additionalDetails?: { key?: string | null; value?: string | null }[] | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

/** The connector account of the sandbox directory, as Connect names it (forest-login-domain, forest-login-user). */
function connectorAccount(): { domain: string; user: string } {
  const name = (fixture as { connector?: { name?: string } }).connector?.name ?? "CONTOSO\\MSOL_d351318b693c";
  const [domain, user] = name.includes("\\") ? name.split("\\") : ["CONTOSO", name];
  return { domain: domain ?? "CONTOSO", user: user ?? name };
}

/**
 * The evidence file the collector would write on the simulated server now: `writeback` is the tenant's Connect
 * switch, `audits` the tenant's log (its written-back resets show as 31001/31002 pairs).
 */
export function sandboxConnectEvidence(input: {
  server: SandboxConnectServer;
  writeback: boolean;
  audits: readonly AuditLike[];
  now: Date;
}): ConnectEvidence {
  const { server, writeback, now } = input;
  const t = now.getTime();
  const start = t - 7 * 24 * 60 * MINUTE;
  const brokenAt = server.brokenAt ? Date.parse(server.brokenAt) : t;
  const summary: ConnectEvidence["Events"]["Summary"] = [];
  const recentErrors: ConnectEvidence["Events"]["RecentErrors"] = [];
  const add = (Id: number, Count: number, last: number, ProviderName = "PasswordResetService") =>
    Count > 0 && summary.push({ ProviderName, Id, Count, LastTime: iso(last) });

  if (writeback) {
    add(31015, 1, start + 90 * MINUTE);
    // A heartbeat every five minutes while the service runs and reaches Service Bus.
    const heartbeatsUntil =
      server.adsyncRunning && server.serviceBusReachable ? t - 2 * MINUTE : brokenAt - 3 * 60 * MINUTE;
    add(31019, Math.max(1, Math.floor((heartbeatsUntil - start) / (5 * MINUTE))), heartbeatsUntil);
    const resets = input.audits.filter(
      (a) =>
        a.activityDisplayName === AUDIT_ACTIVITIES.selfServiceReset &&
        (a.additionalDetails ?? []).some(
          (d) => d.key === "OnPremisesAgent" && d.value && d.value !== "None",
        ) &&
        Date.parse(a.activityDateTime ?? "") >= start,
    );
    const lastReset = resets.reduce((m, a) => Math.max(m, Date.parse(a.activityDateTime ?? "")), 0);
    add(31001, resets.length, lastReset);
    add(31002, resets.length, lastReset);
    if (!server.adsyncRunning) add(31016, 1, brokenAt);
    if (!server.serviceBusReachable) {
      add(32002, 14, t - 4 * MINUTE);
      add(31034, 6, t - 9 * MINUTE);
      recentErrors.push(
        {
          ProviderName: "PasswordResetService",
          Id: 32002,
          TimeCreated: iso(t - 4 * MINUTE),
          LevelDisplayName: "Error",
          Message:
            "TrackingId: 00000000-0000-0000-0000-000000000000, Error Connecting to ServiceBus. The token provider was unable to provide a security token.",
        },
        {
          ProviderName: "PasswordResetService",
          Id: 31034,
          TimeCreated: iso(t - 9 * MINUTE),
          LevelDisplayName: "Error",
          Message:
            "An error occurred while connecting to the Service Bus listener: a connection attempt to port 443 timed out.",
        },
      );
    }
  } else {
    add(31012, 1, start + 60 * MINUTE);
    add(31013, 1, start + 61 * MINUTE);
  }

  const { domain, user } = connectorAccount();
  const tls = (path: string, name: string, Value: number) => ({ Path: path, Name: name, Value });
  const NET = "HKLM:\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319";
  const NET32 = "HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319";
  const SCH = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2";
  return {
    format: "sspr-writeback-connect/1",
    collectedAt: now.toISOString(),
    collectorVersion: "1",
    ComputerName: "SYNC01",
    DomainRole: 3,
    Cloud: "AzureCloud",
    ConnectVersion: "2.4.131.0",
    Service: { Name: "ADSync", Status: server.adsyncRunning ? "Running" : "Stopped", StartType: "Automatic" },
    Connectors: [
      {
        Name: "contoso.test",
        Identifier: "4f3c1c6e-6c4b-4a1e-9d55-0b0f2a7c1f10",
        Type: "AD",
        Subtype: null,
        ConnectivityParameters: [
          { Name: "forest-name", Value: "contoso.test" },
          { Name: "forest-login-user", Value: user },
          { Name: "forest-login-domain", Value: domain },
        ],
      },
      {
        Name: "contoso.onmicrosoft.com - AAD",
        Identifier: "b891884f-051e-4a83-95af-2544101c9083",
        Type: "Extensible2",
        Subtype: "Windows Azure Active Directory (Microsoft)",
        ConnectivityParameters: [],
      },
    ],
    PasswordResetConfiguration: { Connector: "contoso.onmicrosoft.com - AAD", Enabled: writeback },
    Events: { StartTime: iso(start), Summary: summary, RecentErrors: recentErrors },
    Tls12: [
      tls(NET32, "SystemDefaultTlsVersions", 1),
      tls(NET32, "SchUseStrongCrypto", 1),
      tls(NET, "SystemDefaultTlsVersions", 1),
      tls(NET, "SchUseStrongCrypto", 1),
      tls(`${SCH}\\Server`, "Enabled", 1),
      tls(`${SCH}\\Server`, "DisabledByDefault", 0),
      tls(`${SCH}\\Client`, "Enabled", 1),
      tls(`${SCH}\\Client`, "DisabledByDefault", 0),
    ],
    DotNetRelease: 528449,
    ServiceBus: SERVICE_BUS_PROBES.AzureCloud.map((host) => ({
      ComputerName: host,
      RemotePort: 443,
      TcpTestSucceeded: server.serviceBusReachable,
    })),
    RestrictRemoteSam: null,
  };
}
