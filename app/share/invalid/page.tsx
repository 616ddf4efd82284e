import type { Metadata } from "next";
import { StartPageLink } from "@/components/ui/start-page-link";
import { notFound } from "next/navigation";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Link not valid", robots: { index: false, follow: false } };

/**
 * Where a dead share link lands: the 404 in ../not-found.tsx, at an address without the token. A run page opened
 * through a link that was revoked or expired since comes here with the reason (lib/server/run-page.ts); the
 * reason is only words on this page and grants nothing.
 */
export default async function InvalidShareLinkPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { reason, at } = await searchParams;
  if (reason !== "revoked" && reason !== "expired") notFound();
  const when = typeof at === "string" && !Number.isNaN(Date.parse(at)) ? formatDateTime(at) : null;
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">
        {reason === "revoked" ? "This link was revoked by its owner" : "This link has expired"}
      </h1>
      <p>
        {reason === "revoked"
          ? `The person who shared the run took the link back${when ? ` on ${when}` : ""}. Nothing you did is lost: it stays in the run's timeline.`
          : `The link expired${when ? ` on ${when}` : ""}. Nothing you did is lost: it stays in the run's timeline.`}
      </p>
      <p>Ask the person who sent it for a new link.</p>
      <StartPageLink />
    </div>
  );
}
