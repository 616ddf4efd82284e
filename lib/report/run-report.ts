import { formatDateTime } from "@/lib/format";
import { CONFIDENCE_LABELS, getStep, STATUS_LABELS, stepsForFlow } from "@/lib/steps/catalogue";
import { isStepId } from "@/lib/steps/ids";
import { runProgress } from "@/lib/steps/machine";
import { type StepStatus } from "@/lib/steps/types";
import {
  REPORT_FORMAT,
  type ReportDirectoryChange,
  type ReportDriftStep,
  type ReportStep,
  type RunReport,
} from "@/lib/contract/report";
import { collapseTimeline, describeLine } from "@/lib/steps/timeline";
import { type StepState } from "@/lib/steps/types";
import { type RunEventView, type RunView } from "@/lib/contract/runs";

// The run as a report: one model, rendered as JSON, Markdown and the printable page. Pure.
// Everything that leaves through an export goes through `redact` last, so a password pasted into a note, a
// token in evidence or a share link in a summary is replaced before anyone downloads it.

/** The run the report is built from: the API's run, with the timeline fields the report reads. */
export type ReportInput = Omit<RunView, "events"> & {
  events: (Pick<RunEventView, "at" | "actor" | "type" | "stepId" | "summary"> &
    Partial<Pick<RunEventView, "detail">>)[];
};

const EVIDENCE_VALUE_LIMIT = 300;

// Keys whose values are never exported, whatever they hold: those that name a secret, judged by the key's last
// word ("bindPassword", "client_secret", "tokenHash", "apiKey"). A key that names a fact about a secret keeps its
// value: "passed", "pwdLastSet", "passwordNeverExpires", "passwordSetAt" are what a report is for.
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "secret",
  "token",
  "credential",
  "credentials",
  "bearer",
  "authorization",
  "authorisation",
  "cookie",
  "hash",
]);
const KEY_QUALIFIERS = new Set(["api", "private", "secret", "access", "signing"]);
// "passwordValue", "secret_text": the secret itself under another last word.
const VALUE_WORDS = new Set(["value", "text", "plain", "raw", "string", "data", "b64", "base64"]);

/** Whether a key names a secret (its value is dropped from every export). */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const last = words.at(-1);
  if (!last) return false;
  const secretWord = (w: string) => SECRET_WORDS.has(w) || SECRET_WORDS.has(w.replace(/s$/, ""));
  if (secretWord(last)) return true;
  if (VALUE_WORDS.has(last) && words.slice(0, -1).some(secretWord)) return true;
  return (last === "key" || last === "keys") && words.length > 1 && KEY_QUALIFIERS.has(words.at(-2) ?? "");
}

const TEXT_RULES: [RegExp, string][] = [
  // A share link in any text: the path gives the token away.
  [/\/share\/[A-Za-z0-9_-]+/g, "/share/[redacted]"],
  // JSON Web Tokens (Graph access tokens).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted token]"],
  // "password: hunter2", "secret = …", "Bearer …".
  [
    /\b(password|passwd|pwd|secret|client[-_ ]?secret|api[-_ ]?key|token)(\s*[:=]\s*)("[^"]*"|'[^']*'|\S+)/gi,
    "$1$2[redacted]",
  ],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, "Bearer [redacted]"],
  // A share token on its own: exactly 43 base64url characters (256 bits), upper case, lower case and digits mixed.
  // Only that shape: longer identifiers (an audit record's id, a tenant-prefixed GUID) are what support asks for.
  [
    /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    "[redacted]",
  ],
  // SHA-256 digests in hex (a share token's hash).
  [/(?<![A-Za-z0-9])[a-f0-9]{64}(?![A-Za-z0-9])/gi, "[redacted]"],
];

export function redactText(text: string): string {
  return TEXT_RULES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Deep copy with every string redacted and every secret-looking key's value dropped. */
export function redact<T>(value: T): T {
  return redactValue(value) as T;
}

/**
 * Whether a value under this key is dropped. A yes/no or a number is a fact, never a secret: `changePassword: true`
 * (an effective right), `passwordCount: 3` stay; a string or structure under a secret's name goes.
 */
function dropsValue(key: string, value: unknown): boolean {
  if (typeof value === "boolean" || typeof value === "number" || value === null) return false;
  return isSecretKey(key);
}

function redactValue(value: unknown, key?: string): unknown {
  if (key !== undefined && dropsValue(key, value)) return "[redacted]";
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  }
  return value;
}

function summariseEvidence(evidence: Record<string, unknown>): { key: string; value: string }[] {
  return Object.entries(evidence).map(([key, value]) => {
    if (dropsValue(key, value)) return { key, value: "[redacted]" };
    const text = typeof value === "string" ? value : (JSON.stringify(redact(value)) ?? String(value));
    return {
      key,
      value: text.length > EVIDENCE_VALUE_LIMIT ? `${text.slice(0, EVIDENCE_VALUE_LIMIT)}…` : text,
    };
  });
}

/** The `source` sentences a check left in its evidence (a directory scan says what it read, and from where). */
function evidenceSources(evidence: Record<string, unknown>): string[] {
  const found: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== "object" || Array.isArray(value) || depth > 2) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "source" && typeof inner === "string" && inner.trim()) found.push(inner.trim());
      else visit(inner, depth + 1);
    }
  };
  visit(evidence, 0);
  return [...new Set(found)];
}

/** Where a step's confidence came from, in one sentence. */
export function confidenceSource(state: StepState, mode: ReportInput["mode"]): string {
  if (!state.confidence) return "Not established yet.";
  if (state.confidence === "attested" && state.attestation) {
    return `Confirmed by ${state.attestation.by}, ${formatDateTime(state.attestation.at)}; nothing the wizard can read shows it.`;
  }
  const sources = evidenceSources(state.evidence);
  // A scan says what it read: "the sandbox directory (…)", "snapshot collected …", "LDAPS to <host> as <account>".
  const read =
    sources.length > 0 ? `Read from ${sources.join("; ")}.` : CONFIDENCE_LABELS[state.confidence].explanation;
  const when = state.checkedAt ? ` Checked ${formatDateTime(state.checkedAt)}.` : "";
  const sandbox = mode === "sandbox" ? " Sandbox run: the tenant and directory read are simulated." : "";
  return `${read}${when}${sandbox}`;
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** The wizard's own writes to the directory, from the timeline entries the fix service records. */
function directoryChanges(events: ReportInput["events"]): ReportDirectoryChange[] {
  return events
    .filter((e) => e.type === "fix-applied" || e.type === "fix-revoked")
    .map((e) => {
      const detail = e.detail ?? {};
      const targets = Array.isArray(detail.targets)
        ? detail.targets.filter((t): t is string => typeof t === "string")
        : [];
      return {
        at: e.at,
        actor: e.actor,
        kind: e.type === "fix-revoked" ? "revoked" : "applied",
        stepId: e.stepId,
        summary: e.summary,
        changes: num(detail.changes),
        entriesAdded: num(detail.entriesAdded),
        entriesRemoved: num(detail.entriesRemoved),
        targets,
      };
    });
}

function latestDrift(events: ReportInput["events"]): RunReport["drift"] {
  const event = events.filter((e) => e.type === "reverified").at(-1);
  const drift = event?.detail?.drift as { changed?: number; steps?: ReportDriftStep[] } | undefined;
  if (!event || !drift || !Array.isArray(drift.steps)) return null;
  return { at: event.at, actor: event.actor, changed: drift.changed ?? 0, steps: drift.steps };
}

export function buildRunReport(run: ReportInput, generatedAt: Date = new Date()): RunReport {
  const progress = runProgress(run.flow, run.steps);
  const steps: ReportStep[] = [];
  for (const step of stepsForFlow(run.flow)) {
    const state = run.steps[step.id];
    if (!state) continue;
    const last = run.events.filter((e) => e.stepId === step.id).at(-1);
    steps.push({
      id: step.id,
      title: step.title,
      optional: step.optional,
      status: state.status,
      statusLabel: STATUS_LABELS[state.status],
      confidence: state.confidence,
      confidenceLabel: state.confidence ? CONFIDENCE_LABELS[state.confidence].label : "Not established",
      confidenceSource: confidenceSource(state, run.mode),
      assignee: state.assignee,
      recordedAt: state.checkedAt,
      lastChangedBy: last?.actor ?? null,
      lastChangedAt: last?.at ?? null,
      attestation: state.attestation
        ? { by: state.attestation.by, at: state.attestation.at, note: state.attestation.note ?? null }
        : null,
      skipReason: state.skipReason,
      notes: state.notes,
      findings: state.findings.map((f) => ({
        code: f.code,
        severity: f.severity ?? "info",
        message: f.message,
        target: f.target ?? null,
      })),
      evidence: summariseEvidence(state.evidence),
    });
  }
  return redact<RunReport>({
    format: REPORT_FORMAT,
    generatedAt: generatedAt.toISOString(),
    run: {
      id: run.id,
      title: run.title,
      flow: run.flow,
      mode: run.mode,
      version: run.version,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
    },
    progress: { total: progress.total, complete: progress.complete, counts: progress.counts },
    steps,
    drift: latestDrift(run.events),
    directoryChanges: directoryChanges(run.events),
    timeline: run.events.map((e) => ({
      at: e.at,
      actor: e.actor,
      type: e.type,
      stepId: e.stepId,
      summary: e.summary,
    })),
  });
}

/** Markdown cells may not contain pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function statusTitle(status: string): string {
  return STATUS_LABELS[status as StepStatus] ?? status;
}

export function renderReportMarkdown(report: RunReport): string {
  const lines: string[] = [];
  const { run, progress } = report;
  lines.push(`# ${run.title}`, "");
  lines.push(
    `${run.flow === "enable" ? "Enable" : "Clean-up"} flow · ${run.mode === "sandbox" ? "sandbox" : "live"} · version ${run.version}`,
    "",
    `- Started: ${formatDateTime(run.createdAt)}`,
    `- Last change: ${formatDateTime(run.updatedAt)}`,
    `- Report generated: ${formatDateTime(report.generatedAt)}`,
    `- Progress: ${progress.counts.passed} passed, ${progress.counts.skipped} skipped, ${progress.counts.failed} failed of ${progress.total} steps${progress.complete ? " — complete" : ""}`,
    "",
    "## Steps",
    "",
    "| Step | Status | Confidence | Who and when |",
    "| --- | --- | --- | --- |",
  );
  for (const step of report.steps) {
    const who = step.attestation
      ? `${step.attestation.by}, ${formatDateTime(step.attestation.at)}`
      : step.lastChangedBy && step.lastChangedAt
        ? `${step.lastChangedBy}, ${formatDateTime(step.lastChangedAt)}`
        : "—";
    lines.push(
      `| ${cell(step.title)} | ${cell(step.statusLabel)} | ${cell(step.confidenceLabel)} | ${cell(who)} |`,
    );
  }
  for (const step of report.steps) {
    lines.push("", `### ${step.title}${step.optional ? " (optional)" : ""}`, "");
    lines.push(
      `- Status: ${step.statusLabel}`,
      `- Confidence: ${step.confidenceLabel} — ${step.confidenceSource}`,
    );
    if (isStepId(step.id)) {
      const page = getStep(step.id).learnMore;
      lines.push(`- Microsoft's page: [${page.title}](${page.url})`);
    }
    if (step.recordedAt) lines.push(`- Recorded: ${formatDateTime(step.recordedAt)}`);
    if (step.attestation) {
      lines.push(
        `- Confirmed by: ${step.attestation.by}, ${formatDateTime(step.attestation.at)}${step.attestation.note ? ` — “${step.attestation.note}”` : ""}`,
      );
    }
    if (step.lastChangedBy && step.lastChangedAt) {
      lines.push(`- Last change: ${step.lastChangedBy}, ${formatDateTime(step.lastChangedAt)}`);
    }
    if (step.assignee) lines.push(`- Assigned to: ${step.assignee}`);
    if (step.skipReason) lines.push(`- Skipped because: ${step.skipReason}`);
    if (step.notes.trim()) lines.push(`- Notes: ${step.notes.replace(/\r?\n/g, " ")}`);
    if (step.findings.length > 0) {
      lines.push("", "Findings:", "");
      for (const f of step.findings) {
        lines.push(`- \`${f.code}\` (${f.severity}) ${f.message}${f.target ? ` — ${f.target}` : ""}`);
      }
    }
    if (step.evidence.length > 0) {
      lines.push("", "Evidence:", "");
      for (const e of step.evidence) lines.push(`- ${e.key}: ${e.value}`);
    }
  }
  if (report.drift) {
    lines.push(
      "",
      "## Last re-verification",
      "",
      `${report.drift.actor}, ${formatDateTime(report.drift.at)}: ${report.drift.changed} step(s) changed.`,
      "",
      "| Step | Before | Now | Findings appeared | Findings gone |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const s of report.drift.steps) {
      const title = safeTitle(s.stepId);
      lines.push(
        `| ${cell(title)} | ${cell(`${statusTitle(s.before.status)} (${s.before.confidence ?? "—"})`)} | ${cell(
          s.outcome === "no-automatic-check"
            ? "not checkable automatically"
            : `${statusTitle(s.after.status)} (${s.after.confidence ?? "—"})`,
        )} | ${cell(s.appeared.map((f) => f.code).join(", ") || "—")} | ${cell(s.disappeared.map((f) => f.code).join(", ") || "—")} |`,
      );
    }
  }
  lines.push("", "## Changes the wizard made to the directory", "");
  if (report.directoryChanges.length === 0) lines.push("None: the wizard wrote nothing to the directory.");
  for (const c of report.directoryChanges) {
    lines.push(
      `- ${formatDateTime(c.at)} — ${c.actor}: ${c.summary}. ${c.changes} object(s), ${c.entriesAdded} permission entr(y/ies) added, ${c.entriesRemoved} removed.`,
    );
    for (const dn of c.targets) lines.push(`  - ${dn}`);
  }
  lines.push("", "## Timeline", "");
  for (const line of collapseTimeline(report.timeline.map((e, i) => ({ ...e, id: i })))) {
    lines.push(
      `- ${formatDateTime(line.last.at)} — ${line.last.actor}: ${describeLine(line, formatDateTime)}`,
    );
  }
  lines.push("");
  // Redacted once more: the Markdown is the text people paste into tickets.
  return redactText(lines.join("\n"));
}

function safeTitle(stepId: string): string {
  return isStepId(stepId) ? getStep(stepId).title : stepId;
}
