import "server-only";
import { z } from "zod";
import { type DirectoryState } from "@/lib/contract/directory";
import { type DirectoryFinding, FINDING_CODES } from "@/lib/directory/checks/types";
import { isDirectoryError } from "@/lib/directory/errors";
import { DIRECTORY_STEP_IDS } from "@/lib/directory/scan";
import { checkAndPack, type SnapshotHeader } from "@/lib/directory/snapshot-stream";
import { ApiError } from "../api-error";
import { type Who } from "../access";
import { loadRun, loadRunAs, recordRunEvents } from "../runs-service";
import {
  readPending,
  readScan,
  readSettings,
  readSnapshotHeader,
  runDirectorySettingsSchema,
  writeSettings,
  writeSnapshot,
} from "./artifacts";
import { exportFindings } from "./export-service";
import { getProgress } from "./progress";
import { deploymentDirectory } from "./run-directory";
import { scanVerdict } from "@/lib/verify/verdicts/directory";

// What the directory panel shows of a run: the connection, the uploaded snapshot, the settings, the last scan of
// each directory step and its findings page by page. Routes authenticate and parse; the checks live in lib/.

export const directoryStepSchema = z.enum(DIRECTORY_STEP_IDS);

export async function directoryState(who: Who, runId: string): Promise<DirectoryState> {
  await loadRun(who, runId, "view");
  let ldap: string | null = null;
  let configurationError: string | null = null;
  let configuredConnector: string | null = null;
  let sandbox = false;
  try {
    const directory = deploymentDirectory(runId);
    if (directory) {
      ldap = directory.label;
      configuredConnector = directory.connector;
      sandbox = directory.kind === "sandbox";
    }
  } catch (error) {
    if (!isDirectoryError(error)) throw error;
    configurationError = error.sentence;
  }
  const header = await readSnapshotHeader(runId);
  const snapshot = header ? snapshotSummary(header) : null;
  const scans: DirectoryState["scans"] = {};
  const progress: DirectoryState["progress"] = {};
  for (const stepId of DIRECTORY_STEP_IDS) {
    const scan = await readScan(runId, stepId);
    if (scan) {
      scans[stepId] = {
        scannedAt: scan.scannedAt,
        // "… Read 37 changes since 10:42 UTC." or "… Full scan: the connector's groups changed." (lib/directory/delta.ts)
        summary: scan.reading ? `${scan.summary} ${scan.reading.sentence}` : scan.summary,
        status: scanVerdict(scan),
        source: scan.describe,
        findings: scan.findings.length,
        candidates: scan.facts.candidates ?? [],
        connector: scan.facts.connector ?? null,
      };
    }
    const p = getProgress(runId, stepId);
    if (p) progress[stepId] = p;
  }
  return {
    ldap,
    sandbox,
    configurationError,
    snapshot,
    settings: await readSettings(runId),
    configuredConnector,
    scans,
    pending: await readPending(runId),
    progress,
  };
}

export const settingsBodySchema = runDirectorySettingsSchema.partial().strict();

export async function updateDirectorySettings(
  who: Who,
  runId: string,
  input: z.infer<typeof settingsBodySchema>,
): Promise<DirectoryState> {
  const { access } = await loadRunAs(who, runId, "edit");
  const current = await readSettings(runId);
  await writeSettings(runId, { ...current, ...input });
  const dn = input.confirmedConnectorDn;
  if (dn !== undefined && dn !== current.confirmedConnectorDn) {
    await recordRunEvents(runId, [
      {
        actor: access.actor,
        type: dn ? "connector-confirmed" : "connector-unconfirmed",
        stepId: null,
        summary: dn ? `Confirmed the connector account ${dn}` : "Cleared the confirmed connector account",
        detail: { dn },
      },
    ]);
  }
  return directoryState(who, runId);
}

function snapshotSummary({ snapshot, userCounts }: SnapshotHeader): NonNullable<DirectoryState["snapshot"]> {
  return {
    collectedAt: snapshot.collectedAt,
    domains: snapshot.domains.map((d) => d.dnsName),
    users: userCounts.reduce((n, c) => n + c, 0),
  };
}

/**
 * Checks the whole snapshot as it streams in (plain JSON or gzip, format /1 or the compact /2) and stores it packed;
 * a bad one is refused naming the field and nothing is written. Memory holds one page of users and the gzipped copy,
 * not the file. The upload is a timeline entry (counts and domains, never the file).
 */
export async function uploadSnapshot(
  who: Who,
  runId: string,
  body: AsyncIterable<Uint8Array>,
  options: { gzip?: boolean } = {},
): Promise<DirectoryState["snapshot"]> {
  const { access } = await loadRunAs(who, runId, "edit");
  const { header, packed } = await checkAndPack(body, { expectGzip: options.gzip === true });
  await writeSnapshot(runId, header, packed);
  const uploaded = snapshotSummary(header);
  await recordRunEvents(runId, [
    {
      actor: access.actor,
      type: "evidence-uploaded",
      stepId: null,
      summary: `Uploaded directory evidence collected ${uploaded.collectedAt}: ${uploaded.users} user(s) in ${uploaded.domains.join(", ") || "no domain"}`,
      detail: { ...uploaded },
    },
  ]);
  return uploaded;
}

export const findingsQuerySchema = z
  .object({
    step: directoryStepSchema,
    q: z.string().max(200).optional(),
    code: z.enum(FINDING_CODES).optional(),
    severity: z.enum(["error", "warning", "info"]).optional(),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    format: z.enum(["page", "json", "csv"]).default("page"),
  })
  .strict();

export function filterFindings(
  findings: readonly DirectoryFinding[],
  query: { q?: string; code?: string; severity?: string },
): DirectoryFinding[] {
  const q = query.q?.trim().toLowerCase();
  return findings.filter(
    (f) =>
      (!query.code || f.code === query.code) &&
      (!query.severity || f.severity === query.severity) &&
      (!q ||
        f.dn.toLowerCase().includes(q) ||
        f.reason.toLowerCase().includes(q) ||
        f.code.includes(q) ||
        (f.anchor ?? "").toLowerCase().includes(q)),
  );
}

export async function findingsPage(who: Who, runId: string, query: z.infer<typeof findingsQuerySchema>) {
  await loadRun(who, runId, "view");
  const scan = await readScan(runId, query.step);
  if (!scan) throw new ApiError("not-found", "This step has not been checked against the directory yet.");
  const matching = filterFindings(scan.findings, query);
  if (query.format !== "page") return exportFindings(scan, matching, query.format);
  return {
    kind: "page" as const,
    page: {
      total: matching.length,
      offset: query.offset,
      findings: matching.slice(query.offset, query.offset + query.limit),
      summary: scan.summary,
      scannedAt: scan.scannedAt,
    },
  };
}
