import { formatDateTime } from "@/lib/format";
import { summarizeEvidence } from "@/lib/steps/evidence-summary";

/** A step's evidence as a few sentences; the stored JSON only behind "Technical details". */
export function EvidenceView({ evidence }: { evidence: Record<string, unknown> }) {
  if (Object.keys(evidence).length === 0) return null;
  const lines = summarizeEvidence(evidence, formatDateTime);
  return (
    <section aria-label="Evidence" className="space-y-2">
      <h3 className="text-lg font-semibold">What the wizard read</h3>
      {lines.length > 0 ? (
        <ul className="list-disc space-y-1 pl-6">
          {lines.map((line, i) => (
            <li key={i} className="break-words">
              {line}
            </li>
          ))}
        </ul>
      ) : (
        <p>The facts behind this result are in the technical details.</p>
      )}
      <details className="rounded-md border border-slate-300 p-3 dark:border-slate-700">
        <summary className="cursor-pointer font-medium">Technical details</summary>
        <pre
          tabIndex={0}
          aria-label="Evidence as stored (JSON)"
          className="mt-2 whitespace-pre-wrap rounded-md bg-slate-100 p-3 text-xs [overflow-wrap:anywhere] dark:bg-slate-900"
        >
          {JSON.stringify(evidence, null, 2)}
        </pre>
      </details>
    </section>
  );
}
