import { CopyButton } from "./copy-button";

export function ScriptBlock({
  title,
  language,
  script,
}: {
  title: string;
  language: string;
  script: string;
}) {
  return (
    <figure className="space-y-2">
      <figcaption className="flex flex-wrap items-center justify-between gap-2">
        <span className="font-medium">
          {title} <span className="text-sm text-slate-600 dark:text-slate-400">({language})</span>
        </span>
        <CopyButton text={script} label={title} />
      </figcaption>
      <pre
        tabIndex={0}
        aria-label={`${title} script`}
        className="overflow-x-auto rounded-md bg-slate-900 p-3 text-sm text-slate-50 dark:bg-black"
      >
        <code>{script}</code>
      </pre>
    </figure>
  );
}
