/** A section of a long page, by the id of its heading. */
export interface PageSection {
  id: string;
  label: string;
}

/**
 * The GOV.UK "contents list": the sections of a long page as links to their headings, so an admin who came to press
 * one button or copy one script gets there without scrolling through the rest.
 */
export function OnThisPage({ sections }: { sections: readonly PageSection[] }) {
  return (
    <nav aria-label="On this page" className="text-sm">
      <ul className="flex flex-wrap gap-x-4 gap-y-1">
        {sections.map((section) => (
          <li key={section.id}>
            <a
              href={`#${section.id}`}
              className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800 dark:text-brand-300"
            >
              {section.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
