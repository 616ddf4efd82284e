import { CONFIDENCE_LABELS } from "@/lib/steps/catalogue";
import { type Confidence } from "@/lib/steps/types";

/**
 * How a step's result was established, beside its status: verified (read from the system), evidence (an indirect
 * signal) or attested (a person said so). Words, not colour alone; the explanation is the tooltip and the hint.
 */
export function ConfidenceTag({ confidence }: { confidence: Confidence | null }) {
  if (!confidence) return null;
  const { label, explanation } = CONFIDENCE_LABELS[confidence];
  return (
    <span
      title={explanation}
      className="inline-block whitespace-nowrap rounded border border-slate-400 px-2 py-0.5 text-sm text-slate-800 dark:border-slate-500 dark:text-slate-200"
    >
      <span className="sr-only">Confidence: </span>
      {label}
    </span>
  );
}
