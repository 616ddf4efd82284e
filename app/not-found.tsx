import Link from "next/link";

export default function NotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Page not found</h1>
      <p>
        There is nothing at this address. If you followed a link to a run, the run may belong to another
        browser session, or the address may be mistyped.
      </p>
      <p>
        If you reached this run through a share link, the link may have expired or been revoked. Ask the
        person who shared it for a new one.
      </p>
      <p>
        <Link
          href="/"
          className="font-medium text-brand-700 underline underline-offset-2 dark:text-brand-300"
        >
          Go to the start page
        </Link>
      </p>
    </div>
  );
}
