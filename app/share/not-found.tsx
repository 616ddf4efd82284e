import { StartPageLink } from "@/components/ui/start-page-link";

export default function ShareLinkNotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">This link does not work</h1>
      <p>
        The share link may have expired, or the person who shared it may have revoked it. Links can also be
        mistyped when copied by hand.
      </p>
      <p>Ask the person who sent it for a new link.</p>
      <StartPageLink />
    </div>
  );
}
