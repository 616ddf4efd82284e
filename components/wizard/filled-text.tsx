import { fillPlaceholders, type PlaceholderValues } from "@/lib/steps/placeholders";

/**
 * Text from the catalogue with the run's values in place of its placeholders; a placeholder the run cannot fill
 * is highlighted and says "fill this in" (visibly on hover, and to screen readers).
 */
export function FilledText({ text, values }: { text: string; values: PlaceholderValues }) {
  const { segments } = fillPlaceholders(text, values);
  return (
    <>
      {segments.map((segment, i) =>
        segment.kind === "text" ? (
          <span key={i}>{segment.text}</span>
        ) : segment.value !== null ? (
          <span key={i} data-filled={segment.name}>
            {segment.value}
          </span>
        ) : (
          <mark
            key={i}
            title="Fill this in"
            className="relative rounded bg-yellow-200 px-0.5 text-slate-950 dark:bg-yellow-300 dark:text-slate-950"
          >
            {`<${segment.name}>`}
            <span className="sr-only"> (fill this in)</span>
          </mark>
        ),
      )}
    </>
  );
}
