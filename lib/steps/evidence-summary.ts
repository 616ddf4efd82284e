// A step's evidence (the facts a verdict rests on, stored as JSON) as a few sentences a person reads: where the
// wizard read and what it found. The raw JSON stays available behind "Technical details". Pure.

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

// Facts shown elsewhere on the page (the findings, the re-check timer) or only useful to an engineer.
const SKIP = new Set(["findings", "recheck", "syncFeatures", "ssprReadiness", "scope"]);

const PART_NAMES: Record<string, string> = { directory: "Directory", tenant: "Tenant", main: "" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "lastSyncAgeMinutes" -> "Last sync age minutes"; "auditRecordId" -> "Audit record id". */
export function keyInWords(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type DateFormat = (iso: string) => string;

function plain(value: unknown, date: DateFormat): string | null {
  if (typeof value === "string") return ISO.test(value) ? date(value) : value;
  if (typeof value === "number") return value.toLocaleString("en-US");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number"))
    return value.length === 0 ? "none" : value.map((v) => plain(v, date)).join(", ");
  return null;
}

function auditSentence(record: Record<string, unknown>, date: DateFormat): string {
  const parts = [`audit record “${String(record.activity)}”`];
  if (typeof record.at === "string") parts.push(`on ${date(record.at)}`);
  if (typeof record.initiatedBy === "string" && record.initiatedBy) parts.push(`by ${record.initiatedBy}`);
  if (typeof record.target === "string" && record.target) parts.push(`for ${record.target}`);
  if (typeof record.result === "string" && record.result) parts.push(`(${record.result})`);
  return parts.join(" ");
}

function describePart(evidence: Record<string, unknown>, date: DateFormat): string[] {
  const out: string[] = [];
  // The directory checks: where they read and their one-line summary ("1 domain controller read; connector …").
  if (typeof evidence.source === "string" && typeof evidence.summary === "string") {
    let sentence = `Read ${evidence.source}: ${evidence.summary.replace(/\.$/, "")}`;
    if (
      typeof evidence.connector === "string" &&
      !evidence.summary.includes(evidence.connector.split(" ")[0]!)
    )
      sentence += `; connector ${evidence.connector}`;
    out.push(`${sentence}.`);
    if (isRecord(evidence.users) && typeof evidence.users.total === "number")
      out.push(
        `Users checked: ${plain(evidence.users.total, date)}, ready: ${plain(evidence.users.ready ?? 0, date)}.`,
      );
    if (typeof evidence.collectedAt === "string")
      out.push(`Snapshot collected ${date(evidence.collectedAt)}.`);
    return out;
  }
  // The tenant read of the prerequisites.
  if (typeof evidence.tenant === "string") {
    const bits = [`Read tenant ${evidence.tenant}`];
    if (typeof evidence.signedInAs === "string") bits.push(`signed in as ${evidence.signedInAs}`);
    const roles = plain(evidence.activeRoles, date);
    if (roles) bits.push(`active roles: ${roles}`);
    const plans = plain(evidence.premiumPlans, date);
    if (plans) bits.push(`licence plans: ${plans}`);
    if (typeof evidence.lastSyncAgeMinutes === "number")
      bits.push(`last synchronisation ${evidence.lastSyncAgeMinutes} minutes ago`);
    out.push(`${bits.join("; ")}.`);
    return out;
  }
  for (const [key, value] of Object.entries(evidence)) {
    if (SKIP.has(key)) continue;
    if (isRecord(value) && typeof value.activity === "string") {
      out.push(`${keyInWords(key)}: ${auditSentence(value, date)}.`);
      continue;
    }
    const text = plain(value, date);
    if (text !== null) out.push(`${keyInWords(key)}: ${text}.`);
    else if (isRecord(value)) out.push(...describePart(value, date).map((s) => `${keyInWords(key)} — ${s}`));
  }
  return out;
}

/**
 * Sentences for a step's evidence. A result of several sources is stored as `{ directory: {…}, tenant: {…} }`; each
 * part gets its own sentences, prefixed with its name.
 */
export function summarizeEvidence(
  evidence: Record<string, unknown>,
  date: DateFormat = (iso) => iso,
): string[] {
  const entries = Object.entries(evidence);
  const multipart = entries.length > 0 && entries.every(([k, v]) => k in PART_NAMES && isRecord(v));
  if (!multipart) return describePart(evidence, date);
  return entries.flatMap(([part, value]) => {
    const name = PART_NAMES[part];
    return describePart(value as Record<string, unknown>, date).map((s) => (name ? `${name}: ${s}` : s));
  });
}
