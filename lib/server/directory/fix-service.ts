import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { changesForConnectedDomain, planGrant, planRevoke } from "@/lib/directory/changes";
import { DirectoryError, isDirectoryError } from "@/lib/directory/errors";
import { previewChanges, type ChangePreview } from "@/lib/directory/preview";
import { DirectoryScanner } from "@/lib/directory/scan";
import { applyChanges, type AppliedChange } from "@/lib/directory/writer";
import { ApiError } from "../api-error";
import { type Who } from "../access";
import { loadRun, verifyStep } from "../runs-service";
import { addPending, readSettings } from "./artifacts";
import { fixEvent } from "./fix-events";
import { deploymentDirectory } from "./run-directory";

// Fixes applied from the wizard: plan the changes a directory step's findings call for, preview them, and apply the
// previewed plan through the directory's writer (LDAP with a credential typed for the one change, or the sandbox).

export const fixStepSchema = z.enum(["connector-permissions", "revoke-connector-permissions"]);

export const fixPreviewBodySchema = z.object({ stepId: fixStepSchema }).strict();

export const fixApplyBodySchema = z
  .object({
    stepId: fixStepSchema,
    /** The plan id of the preview the admin looked at; apply refuses when the plan is different now. */
    planId: z.string().regex(/^[0-9a-f]{16,64}$/, "is not a plan id from the preview"),
    expectedVersion: z.number().int().positive().optional(),
    /** Also apply the changes the preview marks optional; by default only what the step needs is written. */
    includeOptional: z.boolean().optional(),
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
    const previews = await previewChanges(port, changes, connector.sid, domainSid, connector.name);
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
  const toApply = plan.previews.filter(
    (p) =>
      (p.diff !== null || p.change.kind === "clear-admincount") &&
      (!p.change.optional || input.includeOptional === true),
  );
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
  // The fix goes into the timeline with the check it triggers (one commit): counts and DNs, never the credential.
  const verification = await verifyStep(
    who,
    input.stepId,
    { runId, expectedVersion: input.expectedVersion },
    null,
    (actor) => {
      const event = fixEvent(input.stepId, plan.connector, applied, toApply, actor);
      return event ? [event] : [];
    },
  );
  return { applied, verification };
}

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
