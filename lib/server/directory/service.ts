import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { type DirectoryState } from "@/lib/contract/directory";
import { previewChanges, type ChangePreview } from "@/lib/directory/preview";
import { applyChanges, type AppliedChange } from "@/lib/directory/writer";
import { changesForConnectedDomain, planGrant, planRevoke } from "@/lib/directory/changes";
import { type DirectoryFinding, FINDING_CODES } from "@/lib/directory/checks/types";
import { collectScript } from "@/lib/directory/collect-script";
import { DirectoryError, isDirectoryError } from "@/lib/directory/errors";
import { findingsToCsv } from "@/lib/directory/export";
import { DirectoryScanner, DIRECTORY_STEP_IDS } from "@/lib/directory/scan";
import { parseSnapshotText } from "@/lib/directory/snapshot";
import { ApiError } from "../api-error";
import { type Who } from "../access";
import { loadRun, verifyStep } from "../runs-service";
import {
  addPending,
  readPending,
  readScan,
  readSettings,
  readSnapshotText,
  runDirectorySettingsSchema,
  writeSettings,
  writeSnapshotText,
} from "./artifacts";
import { deploymentDirectory } from "./run-directory";
import { getProgress } from "./progress";

// Use cases behind the directory routes. Routes authenticate and parse; the rules live in lib/directory.

export const directoryStepSchema = z.enum(DIRECTORY_STEP_IDS);

/**
 * A refusal of the account typed for a fix is about `body.credential` (lib/server/domain-errors.ts answers 422 or
 * 403 naming it), not about the wizard's own read-only account.
 */
function aboutTypedCredential(error: unknown): unknown {
  if (!isDirectoryError(error) || (error.kind !== "credentials" && error.kind !== "insufficient-access"))
    return error;
  const remedy =
    error.kind === "credentials"
      ? "Check the account and its password; the account may also be disabled, locked out or expired."
      : error.remedy;
  return new DirectoryError(error.kind, error.message, remedy, ["credential"]);
}

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
  const snapshotText = await readSnapshotText(runId);
  let snapshot: DirectoryState["snapshot"] = null;
  if (snapshotText) {
    try {
      const s = parseSnapshotText(snapshotText);
      snapshot = {
        collectedAt: s.collectedAt,
        domains: s.domains.map((d) => d.dnsName),
        users: s.domains.reduce((n, d) => n + d.users.length, 0),
      };
    } catch {
      snapshot = null;
    }
  }
  const scans: DirectoryState["scans"] = {};
  const progress: DirectoryState["progress"] = {};
  for (const stepId of DIRECTORY_STEP_IDS) {
    const scan = await readScan(runId, stepId);
    if (scan) {
      scans[stepId] = {
        scannedAt: scan.scannedAt,
        summary: scan.summary,
        status: scan.status,
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
  await loadRun(who, runId, "edit");
  const current = await readSettings(runId);
  await writeSettings(runId, { ...current, ...input });
  return directoryState(who, runId);
}

/** Validates the whole snapshot before storing it; a bad one is refused naming the field and nothing is written. */
export async function uploadSnapshot(
  who: Who,
  runId: string,
  text: string,
): Promise<DirectoryState["snapshot"]> {
  await loadRun(who, runId, "edit");
  const snapshot = parseSnapshotText(text);
  await writeSnapshotText(runId, text);
  return {
    collectedAt: snapshot.collectedAt,
    domains: snapshot.domains.map((d) => d.dnsName),
    users: snapshot.domains.reduce((n, d) => n + d.users.length, 0),
  };
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
  if (query.format === "csv")
    return { kind: "csv" as const, body: findingsToCsv(matching), name: `${query.step}-findings.csv` };
  if (query.format === "json") {
    return {
      kind: "json" as const,
      body: JSON.stringify(
        {
          stepId: scan.stepId,
          scannedAt: scan.scannedAt,
          source: scan.describe,
          summary: scan.summary,
          findings: matching,
        },
        null,
        2,
      ),
      name: `${query.step}-findings.json`,
    };
  }
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

// ---------------------------------------------------------------------------------------------------------
// Fixes applied from the wizard (D).

export const fixStepSchema = z.enum(["connector-permissions", "revoke-connector-permissions"]);

export const fixPreviewBodySchema = z.object({ stepId: fixStepSchema }).strict();

export const fixApplyBodySchema = z
  .object({
    stepId: fixStepSchema,
    /** The plan id of the preview the admin looked at; apply refuses when the plan is different now. */
    planId: z.string().regex(/^[0-9a-f]{16,64}$/, "is not a plan id from the preview"),
    expectedVersion: z.number().int().positive().optional(),
    /** Required over LDAP; the sandbox directory needs none (and ignores one that is sent). */
    credential: z
      .object({
        bindDn: z.string().trim().min(3, "give the account (DN, user@domain or DOMAIN\\name)").max(1000),
        password: z.string().min(1, "is required").max(1024),
      })
      .strict()
      .optional(),
  })
  .strict();

export interface FixPreview {
  stepId: "connector-permissions" | "revoke-connector-permissions";
  planId: string;
  connector: string;
  connectorSid: string;
  domainSid: string;
  previews: ChangePreview[];
  /** Findings the fix does not address (protected accounts, deny entries), explained. */
  notAddressed: string[];
  /**
   * Set when no credential is needed (the sandbox directory): the form then says why instead of asking for one.
   * Null when the changes are written over LDAP with a privileged account typed for that one action.
   */
  credentialNote: string | null;
}

async function planFor(stepId: FixPreview["stepId"], runId: string): Promise<FixPreview> {
  const directory = deploymentDirectory(runId);
  if (!directory)
    throw new ApiError(
      "bad-request",
      "Applying a fix needs an LDAP connection configured on this server (DIRECTORY_LDAP_URL). Use the scripts instead.",
    );
  const settings = await readSettings(runId);
  const scope = settings.scope.length > 0 ? settings.scope : directory.scope;
  const port = await directory.open(scope);
  try {
    const scanner = new DirectoryScanner(port, {
      connector: directory.connector,
      confirmedConnectorDn: settings.confirmedConnectorDn,
      scope,
    });
    const scan = await scanner.run(stepId);
    const connector = scan.facts.connector;
    if (!connector)
      throw new ApiError(
        "conflict",
        "The connector account is not settled yet: confirm it on this page first.",
      );
    // The wizard writes to the domain it is connected to (the first; a forest's other domains are read only).
    const connected = scan.facts.domains[0];
    const domainSid = connected?.sid ?? "";
    const { here: changes, elsewhere } = changesForConnectedDomain(
      stepId === "connector-permissions" ? planGrant(scan.findings) : planRevoke(scan.findings),
      scan.facts.domains,
      connected,
    );
    const previews = await previewChanges(port, changes, connector.sid, domainSid);
    const planId = createHash("sha256")
      .update(JSON.stringify(previews.map((p) => [p.change.kind, p.change.dn.toLowerCase(), p.beforeHash])))
      .digest("hex")
      .slice(0, 32);
    const notAddressed: string[] = [];
    const count = (code: string) => scan.findings.filter((f) => f.code === code).length;
    if (count("protected-account") > 0)
      notAddressed.push(
        `${count("protected-account")} protected account(s) stay as they are: their permissions are managed by AdminSDHolder on purpose.`,
      );
    if (count("denied-by-ace") > 0)
      notAddressed.push(
        `${count("denied-by-ace")} user(s) are blocked by deny entries; the wizard does not remove deny entries — review them yourself.`,
      );
    for (const [dnsName, n] of elsewhere)
      notAddressed.push(
        `${n} change(s) in ${dnsName} are not made from here: the wizard writes only to ${connected?.dnsName ?? "the domain it is connected to"}. Run the script below in ${dnsName}.`,
      );
    return {
      stepId,
      planId,
      connector: connector.name,
      connectorSid: connector.sid,
      domainSid,
      previews,
      notAddressed,
      credentialNote: directory.credentialNote,
    };
  } finally {
    await port.close();
  }
}

export async function previewFix(who: Who, runId: string, stepId: FixPreview["stepId"]): Promise<FixPreview> {
  await loadRun(who, runId, "edit");
  return planFor(stepId, runId);
}

/**
 * Applies the previewed plan through the directory's writer (over LDAP, with the credential typed for this one
 * action: used for one bind, never stored, logged or returned), records the change for the waiting state and
 * re-verifies the step.
 */
export async function applyFix(who: Who, runId: string, input: z.infer<typeof fixApplyBodySchema>) {
  await loadRun(who, runId, "edit");
  const directory = deploymentDirectory(runId);
  if (!directory)
    throw new ApiError("bad-request", "Applying a fix needs an LDAP connection configured on this server.");
  // Over LDAP the fix binds with the account typed for this one change; the sandbox directory has none to bind as.
  directory.checkCredential(input.credential);
  const plan = await planFor(input.stepId, runId);
  if (plan.planId !== input.planId)
    throw new ApiError(
      "conflict",
      "The directory changed since you looked at the preview. Review the new preview and apply again.",
      { preview: plan },
    );
  const toApply = plan.previews.filter((p) => p.diff !== null || p.change.kind === "clear-admincount");
  let applied: AppliedChange[] = [];
  if (toApply.length > 0) {
    // The writer's bind and writes use the typed account: a refusal there is about body.credential.
    applied = await (async () =>
      applyChanges(
        await directory.openWriter(input.credential),
        toApply,
        plan.connectorSid,
        plan.domainSid,
      ))().catch((error: unknown) => {
      throw aboutTypedCredential(error);
    });
    await addPending(runId, {
      stepId: input.stepId,
      appliedAt: new Date().toISOString(),
      changes: applied.filter((a) => a.result === "applied").map((a) => ({ kind: a.kind, dn: a.dn })),
    });
  }
  // A directory step reads no tenant: its check after the fix needs no tenant access.
  const verification = await verifyStep(
    who,
    input.stepId,
    { runId, expectedVersion: input.expectedVersion },
    null,
  );
  return { applied, verification };
}

export function collectScriptText(): string {
  return collectScript();
}
