import { SEVERITY_WORDS, type FindingSeverity } from "@/lib/steps/finding-copy";

// An icon and a word for each severity, so it never rests on colour alone (WCAG 1.4.1).
const STYLES: Record<FindingSeverity, { icon: string; className: string }> = {
  blocking: {
    icon: "✕",
    className: "bg-red-100 text-red-900 ring-red-700 dark:bg-red-950 dark:text-red-100 dark:ring-red-400",
  },
  warning: {
    icon: "!",
    className:
      "bg-amber-100 text-amber-950 ring-amber-700 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-400",
  },
  information: {
    icon: "i",
    className: "bg-sky-100 text-sky-950 ring-sky-700 dark:bg-sky-950 dark:text-sky-100 dark:ring-sky-400",
  },
};

export function SeverityBadge({ severity }: { severity: FindingSeverity }) {
  const style = STYLES[severity];
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-2 py-0.5 text-sm font-semibold ring-1 ${style.className}`}
    >
      <span aria-hidden="true">{style.icon}</span>
      {SEVERITY_WORDS[severity]}
    </span>
  );
}
