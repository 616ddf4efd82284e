import Link from "next/link";

/** The way back from a page that could not show what was asked for (a 404, a dead share link). */
export function StartPageLink() {
  return (
    <p>
      <Link href="/" className="font-medium text-brand-700 underline underline-offset-2 dark:text-brand-300">
        Go to the start page
      </Link>
    </p>
  );
}
