import { type FixPreviewView } from "@/lib/contract/directory";

type Preview = FixPreviewView["previews"][number];

const LINE_STYLES = {
  "+": "bg-green-50 text-green-900 dark:bg-green-950 dark:text-green-100",
  "-": "bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
  " ": "text-slate-800 dark:text-slate-200",
} as const;

/**
 * One planned change: the plain sentence first, the exact SDDL diff behind a disclosure. The diff wraps (never cut
 * off); an added entry starts with "+" and a removed one with "−" as well as its colour, and each says so to a
 * screen reader.
 */
export function ChangePreview({ preview, includeOptional }: { preview: Preview; includeOptional: boolean }) {
  const added = preview.diff?.lines.filter((l) => l.startsWith("+")).length ?? 0;
  const removed = preview.diff?.lines.filter((l) => l.startsWith("-")).length ?? 0;
  return (
    <div className="space-y-1">
      <p>
        {preview.change.optional ? <strong>Optional: </strong> : null}
        <strong>{preview.label}</strong> on <span className="break-all">{preview.change.dn}</span>
      </p>
      <p>{preview.summary}</p>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Why: {preview.change.why}
        {preview.change.optional && !includeOptional ? " Not applied unless you tick the box below." : ""}
      </p>
      {preview.note ? <p className="text-sm">{preview.note}</p> : null}
      {preview.diff ? (
        <details className="rounded-md border border-slate-300 p-2 dark:border-slate-700">
          <summary className="cursor-pointer font-medium">
            Exact permission change (SDDL): {added} added, {removed} removed
          </summary>
          <pre
            tabIndex={0}
            aria-label={`SDDL change on ${preview.change.dn}`}
            className="mt-2 whitespace-pre-wrap rounded-md bg-slate-100 p-2 text-xs [overflow-wrap:anywhere] dark:bg-slate-900"
          >
            {preview.diff.lines.map((line, j) => {
              const mark = line.startsWith("+") ? "+" : line.startsWith("-") ? "-" : " ";
              return (
                <span key={j} className={`block ${LINE_STYLES[mark]}`}>
                  <span aria-hidden="true">{mark === "-" ? "−" : mark} </span>
                  {mark === "+" ? <span className="sr-only">Added: </span> : null}
                  {mark === "-" ? <span className="sr-only">Removed: </span> : null}
                  {line.slice(2)}
                </span>
              );
            })}
          </pre>
        </details>
      ) : null}
    </div>
  );
}
