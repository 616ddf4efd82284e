// The Connect server's evidence (`sspr-writeback-connect/1`): what the read-only collector script
// (collect-script.ts) writes on the Microsoft Entra Connect server, documented field by field in
// docs/connect-evidence.md. Field names are the property names of the cmdlets that produce them
// (Get-ADSyncConnector, Get-Service, Get-WinEvent, Test-NetConnection, Microsoft's TLS 1.2 check script),
// so an admin can compare the file with what they see on the server. Pure: no I/O. Unknown fields are kept and
// ignored (a newer collector may add some); a missing or mistyped field is refused naming its path.

import { z } from "zod";

export const CONNECT_EVIDENCE_FORMAT = "sspr-writeback-connect/1";

/** The largest evidence file accepted: a real one is a few tens of kilobytes. */
export const CONNECT_EVIDENCE_MAX_BYTES = 512 * 1024;

/** Caps on the lists, far above what the collector writes (it keeps 50 error messages, one line per event id). */
export const CONNECT_EVIDENCE_LIMITS = {
  Connectors: 50,
  "Events.Summary": 500,
  "Events.RecentErrors": 200,
  Tls12: 50,
  ServiceBus: 20,
} as const;

const text = (max = 1000) => z.string().max(max);
const isoTime = z.iso.datetime({ offset: true });

const connectivityParameter = z.looseObject({ Name: text(200), Value: text(1000).nullable() });

const connector = z.looseObject({
  Name: text(500),
  Identifier: text(100).nullable().optional(),
  // "AD" for an Active Directory connector, "Extensible2" for the Entra ID connector.
  Type: text(100),
  Subtype: text(300).nullable().optional(),
  /** Only forest-login-user, forest-login-domain and forest-name: the collector never copies anything else. */
  ConnectivityParameters: z.array(connectivityParameter).max(20).default([]),
});

const eventSummary = z.looseObject({
  ProviderName: text(200),
  Id: z.number().int().min(0).max(65535),
  Count: z.number().int().min(0),
  LastTime: isoTime,
});

const recentError = z.looseObject({
  ProviderName: text(200),
  Id: z.number().int().min(0).max(65535),
  TimeCreated: isoTime,
  LevelDisplayName: text(100).nullable().optional(),
  Message: text(4000).nullable().optional(),
});

const tlsValue = z.looseObject({
  Path: text(500),
  Name: text(200),
  // Microsoft's check script writes the DWORD, or "Not Found" when the value is absent.
  Value: z.union([z.number().int(), text(100)]).nullable(),
});

const serviceBusProbe = z.looseObject({
  ComputerName: text(300),
  RemotePort: z.number().int().min(1).max(65535),
  TcpTestSucceeded: z.boolean(),
});

export const connectEvidenceSchema = z.looseObject({
  format: z.literal(CONNECT_EVIDENCE_FORMAT),
  collectedAt: isoTime,
  collectorVersion: text(50).optional(),
  ComputerName: text(300),
  /** Win32_ComputerSystem.DomainRole: 4 and 5 are domain controllers. */
  DomainRole: z.number().int().min(0).max(5).nullable(),
  /** AzureCloud, AzureUSGovernment or AzureChinaCloud: which Service Bus endpoints were probed. */
  Cloud: z.enum(["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"]).default("AzureCloud"),
  /** The ADSync service's program version (miiserver.exe), the number the Connect version history lists. */
  ConnectVersion: text(50).nullable(),
  Service: z
    .looseObject({ Name: text(100), Status: text(50), StartType: text(50).nullable().optional() })
    .nullable(),
  Connectors: z.array(connector).max(CONNECT_EVIDENCE_LIMITS.Connectors),
  PasswordResetConfiguration: z.looseObject({ Connector: text(500), Enabled: z.boolean() }).nullable(),
  Events: z.looseObject({
    StartTime: isoTime,
    Summary: z.array(eventSummary).max(CONNECT_EVIDENCE_LIMITS["Events.Summary"]),
    RecentErrors: z.array(recentError).max(CONNECT_EVIDENCE_LIMITS["Events.RecentErrors"]),
  }),
  Tls12: z.array(tlsValue).max(CONNECT_EVIDENCE_LIMITS.Tls12),
  /** HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full Release; null when absent. */
  DotNetRelease: z.number().int().min(0).nullable(),
  ServiceBus: z.array(serviceBusProbe).max(CONNECT_EVIDENCE_LIMITS.ServiceBus),
  /** HKLM\System\CurrentControlSet\Control\Lsa RestrictRemoteSam (an SDDL string), null when absent. */
  RestrictRemoteSam: text(4000).nullable(),
});

export type ConnectEvidence = z.infer<typeof connectEvidenceSchema>;
export type ConnectConnector = ConnectEvidence["Connectors"][number];
export type ConnectEventSummary = ConnectEvidence["Events"]["Summary"][number];
export type ConnectRecentError = ConnectEvidence["Events"]["RecentErrors"][number];

/** A file that is not valid evidence: the sentence names what is wrong, `fields` the paths inside the file. */
export class ConnectEvidenceError extends Error {
  constructor(
    message: string,
    readonly fields: readonly string[],
  ) {
    super(message);
    this.name = "ConnectEvidenceError";
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "the file";
}

function lookup(value: unknown, dotted: string): unknown {
  let at: unknown = value;
  for (const key of dotted.split(".")) {
    if (typeof at !== "object" || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Checks an already-parsed JSON value; throws ConnectEvidenceError naming the bad fields. */
export function parseConnectEvidence(value: unknown): ConnectEvidence {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConnectEvidenceError("The file is not a JSON object.", [""]);
  }
  const format = (value as Record<string, unknown>).format;
  if (format !== CONNECT_EVIDENCE_FORMAT) {
    throw new ConnectEvidenceError(
      typeof format === "string"
        ? `format is "${format.slice(0, 60)}", not ${CONNECT_EVIDENCE_FORMAT}: this is not the Connect server's evidence, or a version this wizard does not read.`
        : `format is missing: the file must say "format": "${CONNECT_EVIDENCE_FORMAT}".`,
      ["format"],
    );
  }
  // Oversized lists are refused by their length before any element is looked at.
  for (const [path, max] of Object.entries(CONNECT_EVIDENCE_LIMITS)) {
    const list = lookup(value, path);
    if (Array.isArray(list) && list.length > max) {
      throw new ConnectEvidenceError(
        `${path} holds ${list.length} entries; at most ${max} are accepted. Upload the file the collector wrote, unedited.`,
        [path],
      );
    }
  }
  const parsed = connectEvidenceSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3);
    throw new ConnectEvidenceError(
      `The Connect evidence is not valid: ${first.map((i) => `${fieldPath(i.path)} ${i.message}`).join("; ")}.`,
      first.map((i) => (i.path.length > 0 ? fieldPath(i.path) : "")),
    );
  }
  return parsed.data;
}

/** Parses the uploaded text: JSON first, then the schema. */
export function parseConnectEvidenceText(text: string): ConnectEvidence {
  if (text.length > CONNECT_EVIDENCE_MAX_BYTES) {
    throw new ConnectEvidenceError(`The file is larger than the ${CONNECT_EVIDENCE_MAX_BYTES}-byte limit.`, [
      "",
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw new ConnectEvidenceError(
      "The file is not JSON. Upload the .json file the Connect collector wrote, unedited.",
      [""],
    );
  }
  return parseConnectEvidence(value);
}
