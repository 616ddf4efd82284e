import { fillPlaceholders, type PlaceholderValues } from "@/lib/steps/placeholders";
import { CopyButton } from "./copy-button";
import { FilledText } from "./filled-text";

/** A script with the run's values filled in (`values`); placeholders left are highlighted, and listed under it. */
export function ScriptBlock({
  title,
  language,
  script,
  values = {},
}: {
  title: string;
  language: string;
  script: string;
  values?: PlaceholderValues;
}) {
  const filled = fillPlaceholders(script, values);
  return (
    <figure className="space-y-2">
      <figcaption className="flex flex-wrap items-center justify-between gap-2">
        <span className="font-medium">
          {title} <span className="text-sm text-slate-600 dark:text-slate-400">({language})</span>
        </span>
        <CopyButton text={filled.text} label={title} />
      </figcaption>
      {/* relative: the containing block of the "fill this in" screen-reader text, so it scrolls (and is clipped) with
          the script instead of widening the page at 360 px. */}
      <pre
        tabIndex={0}
        aria-label={`${title} script`}
        className="relative overflow-x-auto rounded-md bg-slate-900 p-3 text-sm text-slate-50 dark:bg-black"
      >
        <code>
          <FilledText text={script} values={values} />
        </code>
      </pre>
      {filled.missing.length > 0 ? (
        <p className="text-sm">
          Fill in before running:{" "}
          {filled.missing.map((name, i) => (
            <span key={name}>
              {i > 0 ? ", " : ""}
              <mark className="rounded bg-yellow-200 px-0.5 text-slate-950">{`<${name}>`}</mark>
            </span>
          ))}
        </p>
      ) : null}
    </figure>
  );
}
