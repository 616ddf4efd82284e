// Turns a scan into a step result (AutomaticResult of lib/steps/types.ts): grouped findings small enough to keep on
// the run, the verdict, evidence facts and remediation scripts with the admin's values. After the wizard applied a
// fix, a failing check within the replication window is "waiting" with the next re-check time (ARCHITECTURE.md:
// waiting = a change made, replication pending, re-check scheduled), backing off up to an hour.

import { type AutomaticResult, type Finding, type RemediationScript } from "@/lib/steps/types";
import { groupFindings, groupMessage, USER_CODES } from "@/lib/directory/checks/summary";
import { type DirectoryFinding } from "@/lib/directory/checks/types";
import { type PendingChange } from "@/lib/directory/run-directory";
import { grantRemediation, policyRemediation, revokeRemediation } from "./directory-remediation";
import { type StepScan } from "@/lib/directory/scan";

/** Groups up to this size are listed one finding per object on the run; larger ones become one line. */
export const INDIVIDUAL_LIMIT = 10;
export const RECHECK_FIRST_MS = 30_000;
export const RECHECK_WINDOW_MS = 60 * 60_000;

export interface RecheckSchedule {
  appliedAt: string;
  nextCheckAt: string;
  deadline: string;
  /** Which automatic re-check `nextCheckAt` is (1-based), of {@link RECHECK_ATTEMPTS}. */
  attempt: number;
  attempts: number;
}

/** Re-checks after a change, as offsets from it: 30 s, 1, 2, 4, 8, 16, 32 min, then the deadline itself. */
export const RECHECK_OFFSETS_MS: readonly number[] = (() => {
  const offsets: number[] = [];
  for (let delay = RECHECK_FIRST_MS; delay < RECHECK_WINDOW_MS; delay *= 2) offsets.push(delay);
  return [...offsets, RECHECK_WINDOW_MS];
})();
export const RECHECK_ATTEMPTS = RECHECK_OFFSETS_MS.length;

/**
 * Next re-check after a change: 30 s, 1, 2, 4, 8, 16, 32 min after it, and a last one at the end of the one-hour
 * window (Microsoft: replication may take up to an hour). Null once the window has closed (or before the change).
 */
export function nextRecheck(appliedAt: Date, now: Date): RecheckSchedule | null {
  const elapsed = now.getTime() - appliedAt.getTime();
  const deadline = appliedAt.getTime() + RECHECK_WINDOW_MS;
  if (elapsed < 0 || now.getTime() >= deadline) return null;
  const index = RECHECK_OFFSETS_MS.findIndex((offset) => offset > elapsed);
  const next = Math.min(appliedAt.getTime() + RECHECK_OFFSETS_MS[index]!, deadline);
  return {
    appliedAt: appliedAt.toISOString(),
    nextCheckAt: new Date(next).toISOString(),
    deadline: new Date(deadline).toISOString(),
    attempt: index + 1,
    attempts: RECHECK_ATTEMPTS,
  };
}

/** The finding of a check still failing after the replication window: the failure is real, not replication. */
export function replicationOverFinding(appliedAt: string, deadline: string): Finding {
  return {
    code: "replication-window-passed",
    severity: "error",
    message: `The wizard applied a change at ${appliedAt} and re-checked it for an hour; replication should have finished by now (${deadline}), so this failure is not replication delay. Look at the findings, fix them and check again.`,
  };
}

function toFinding(f: DirectoryFinding): Finding {
  return { code: f.code, message: `${f.reason} ${f.remediation}`, target: f.dn, severity: f.severity };
}

/** The findings stored on the run: per object for small groups, one line per large group. */
/** A directory step fails when any of its findings is an error; warnings and notes do not fail it. */
export function scanVerdict(scan: Pick<StepScan, "findings">): "passed" | "failed" {
  return scan.findings.some((f) => f.severity === "error") ? "failed" : "passed";
}

export function compactFindings(scan: StepScan): Finding[] {
  const out: Finding[] = [];
  const userFindings = scan.findings.filter((f) => USER_CODES.has(f.code));
  out.push(...scan.findings.filter((f) => !USER_CODES.has(f.code)).map(toFinding));
  const domainDn = scan.facts.domains[0]?.dn ?? null;
  for (const g of groupFindings(userFindings)) {
    if (g.count <= INDIVIDUAL_LIMIT) {
      out.push(
        ...userFindings
          .filter(
            (f) =>
              f.code === g.code && f.severity === g.severity && (g.anchor === null || f.anchor === g.anchor),
          )
          .map(toFinding),
      );
    } else {
      out.push({
        code: g.code,
        message: `${groupMessage(g, domainDn)} The full list is under “All findings”.`,
        target: g.anchor ?? undefined,
        severity: g.severity,
      });
    }
  }
  // Errors first, then warnings, then information.
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const seen = new Set<string>();
  return out
    .filter((f) => {
      const key = `${f.code}|${f.target ?? ""}|${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => rank[a.severity ?? "info"] - rank[b.severity ?? "info"]);
}

function remediationFor(scan: StepScan): RemediationScript[] {
  switch (scan.stepId) {
    case "connector-permissions":
      return grantRemediation(scan.facts, scan.findings);
    case "revoke-connector-permissions":
      return revokeRemediation(scan.facts, scan.findings);
    case "password-policy":
      return policyRemediation(scan.findings);
    case "prerequisites":
      return [];
  }
}

export function toAutomaticResult(
  scan: StepScan,
  confidence: "verified" | "evidence",
  pending: readonly PendingChange[],
  now: Date,
  collectedAt?: string,
): AutomaticResult {
  const counts: Record<string, number> = {};
  for (const f of scan.findings) counts[f.code] = (counts[f.code] ?? 0) + 1;
  const evidence: Record<string, unknown> = {
    source: scan.describe,
    summary: scan.summary,
    connector: scan.facts.connector
      ? `${scan.facts.connector.name} (${scan.facts.connector.how})`
      : "not settled",
    scope: scan.facts.scope.join("; "),
    findings: counts,
  };
  if (scan.facts.users) evidence.users = scan.facts.users;
  // "Read 37 changes since 10:42 UTC" or "Full scan: the connector's groups changed" (lib/directory/delta.ts).
  if (scan.reading) {
    evidence.reading = scan.reading.sentence;
    evidence.entriesRead = scan.reading.entriesRead;
  }
  if (collectedAt) evidence.collectedAt = collectedAt;
  let status: AutomaticResult["status"] = scanVerdict(scan);
  if (status === "failed" && confidence === "verified") {
    const latest = pending
      .filter((p) => p.stepId === scan.stepId)
      .sort((a, b) => b.appliedAt.localeCompare(a.appliedAt))[0];
    const schedule = latest ? nextRecheck(new Date(latest.appliedAt), now) : null;
    if (schedule) {
      status = "waiting";
      evidence.recheck = schedule;
    } else if (latest && now.getTime() >= new Date(latest.appliedAt).getTime() + RECHECK_WINDOW_MS) {
      const deadline = new Date(new Date(latest.appliedAt).getTime() + RECHECK_WINDOW_MS).toISOString();
      return {
        status,
        confidence,
        findings: [replicationOverFinding(latest.appliedAt, deadline), ...compactFindings(scan)],
        evidence: { ...evidence, replicationWindowClosedAt: deadline },
        remediation: remediationFor(scan),
      };
    }
  }
  return { status, confidence, findings: compactFindings(scan), evidence, remediation: remediationFor(scan) };
}
