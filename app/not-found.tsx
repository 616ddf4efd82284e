import { StartPageLink } from "@/components/ui/start-page-link";

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
      <StartPageLink />
    </div>
  );
}
