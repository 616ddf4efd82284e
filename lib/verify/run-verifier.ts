// Runs one step's check: each source in turn, strongest first, until one answers. A source that cannot judge in
// this context stands aside with a notice saying why; when no source answers, the step can still be attested by
// a named person, and the notices are shown with the attestation form. Notices belong to one run of one step.

import { type StepId } from "@/lib/steps/ids";
import { type AutomaticResult, type Finding, type VerifierOutcome } from "@/lib/steps/types";
import {
  type SourceAnswer,
  type StandAsideReason,
  type StepVerifier,
  type VerificationSource,
  type VerifyContext,
} from "./types";
import { confirmDisabled } from "./confirm-disabled";
import { connectWriteback } from "./connect-writeback";
import { connectorPermissions } from "./connector-permissions";
import { disableConnectWriteback } from "./disable-connect-writeback";
import { disableSsprOptions } from "./disable-sspr-options";
import { endToEndTest } from "./end-to-end-test";
import { passwordPolicy } from "./password-policy";
import { prerequisites } from "./prerequisites";
import { revokeConnectorPermissions } from "./revoke-connector-permissions";
import { ssprUnlock } from "./sspr-unlock";
import { ssprWriteback } from "./sspr-writeback";

/** Every step's check, by step id: one module per step in this folder. */
export const VERIFIERS: Readonly<Record<StepId, StepVerifier>> = {
  prerequisites,
  "connector-permissions": connectorPermissions,
  "password-policy": passwordPolicy,
  "connect-writeback": connectWriteback,
  "sspr-writeback": ssprWriteback,
  "sspr-unlock": ssprUnlock,
  "end-to-end-test": endToEndTest,
  "disable-sspr-options": disableSsprOptions,
  "disable-connect-writeback": disableConnectWriteback,
  "revoke-connector-permissions": revokeConnectorPermissions,
  "confirm-disabled": confirmDisabled,
};

/**
 * The sentence that heads the notices when no source answered, from why they stood aside: a tenant that was read
 * but holds no record yet is not a connection problem, and a check with nothing to read is not one either.
 */
export function standAsideSummary(reasons: ReadonlySet<StandAsideReason>, sources: number): string {
  if (sources === 0)
    return "The wizard cannot check this step automatically yet. When it is done, record it below with your name.";
  const parts: string[] = [];
  if (reasons.has("nothing-recorded"))
    parts.push(
      "The wizard read the system it checks, but what it judges this step by has not been recorded yet (see below). Do the step if it is not done, wait a few minutes for the record to appear and check again, or record the step below with your name.",
    );
  if (reasons.has("unreachable"))
    parts.push(
      `${parts.length > 0 ? "Another" : "An"} automatic check could not read the system it checks (see below). Fix the connection or the access, or record the step below with your name.`,
    );
  if (parts.length === 0)
    parts.push(
      "No automatic check has anything to read for this run yet (see below): sign in, connect the directory or upload a snapshot, or record the step below with your name.",
    );
  return parts.join(" ");
}

/** The first answer among `sources`, and the notices (and reasons) of those that stood aside before it. */
async function firstAnswer(
  sources: readonly VerificationSource[],
  ctx: VerifyContext,
  notices: Finding[],
  reasons: Set<StandAsideReason>,
): Promise<AutomaticResult | null> {
  for (const source of sources) {
    const answer: SourceAnswer = await source.check(ctx);
    if (answer.kind === "result") return answer.result;
    reasons.add(answer.reason);
    if (
      answer.notice &&
      !notices.some((n) => n.code === answer.notice?.code && n.message === answer.notice.message)
    )
      notices.push(answer.notice);
  }
  return null;
}

export async function runVerifier(verifier: StepVerifier, ctx: VerifyContext): Promise<VerifierOutcome> {
  if (new Set(verifier.sources.map((source) => source.part ?? "")).size > 1) return runParts(verifier, ctx);
  const notices: Finding[] = [];
  const reasons = new Set<StandAsideReason>();
  const answered = await firstAnswer(verifier.sources, ctx, notices, reasons);
  if (answered) return { kind: "checked", result: answered };
  return {
    kind: "needs-attestation",
    findings: [
      {
        code: "no-automatic-check",
        severity: "info",
        message: standAsideSummary(reasons, verifier.sources.length),
      },
      ...notices,
    ],
  };
}

/**
 * A step judged in parts: the first answer of each part, combined. A failure in any part is recorded even when
 * another part could not be read (bad news is never swallowed); a pass needs every part. The weakest confidence
 * of the parts is the step's.
 */
async function runParts(verifier: StepVerifier, ctx: VerifyContext): Promise<VerifierOutcome> {
  const parts = new Map<string, VerificationSource[]>();
  for (const source of verifier.sources) {
    const key = source.part ?? "";
    parts.set(key, [...(parts.get(key) ?? []), source]);
  }
  const notices: Finding[] = [];
  const reasons = new Set<StandAsideReason>();
  const answered: { part: string; result: AutomaticResult }[] = [];
  const unanswered: string[] = [];
  for (const [part, sources] of parts) {
    const optional = sources.every((source) => source.optional === true);
    const result = await firstAnswer(sources, ctx, optional ? [] : notices, optional ? new Set() : reasons);
    if (result) answered.push({ part, result });
    else if (!optional) unanswered.push(part || "main");
  }
  const failed = answered.some((a) => a.result.status === "failed");
  if (answered.length === 0 || (unanswered.length > 0 && !failed)) {
    return {
      kind: "needs-attestation",
      findings: [
        {
          code: "no-automatic-check",
          severity: "info",
          message: `Part of this step could not be checked automatically (${unanswered.join(", ")}). ${standAsideSummary(reasons, verifier.sources.length)}`,
        },
        ...answered.flatMap((a) => a.result.findings),
        ...notices,
      ],
    };
  }
  const status = failed
    ? "failed"
    : answered.some((a) => a.result.status === "waiting")
      ? "waiting"
      : "passed";
  const confidence = answered.some((a) => a.result.confidence === "evidence") ? "evidence" : "verified";
  return {
    kind: "checked",
    result: {
      status,
      confidence,
      findings: answered.flatMap((a) => a.result.findings),
      evidence: Object.fromEntries(answered.map((a) => [a.part || "main", a.result.evidence])),
      remediation: answered.flatMap((a) => a.result.remediation),
    },
  };
}
