import "server-only";
import { notFound, redirect } from "next/navigation";
import { type Principal, type RunAccess } from "./access";
import { ApiError } from "./api-error";
import { pagePrincipal } from "./page-session";
import { type LostLinkView, type RunAccessView, type RunView } from "@/lib/contract/runs";
import { authorizeRun, loadRunAs, runViewPage } from "./runs-service";

/** Loads the run a page shows and the viewer's access to it, or renders the not-found page. */
export async function runAccessForPage(
  id: string,
  /** Only the latest page of the timeline (what GET /api/runs/<id> answers); the timeline reads older pages itself. */
  options: { latestEvents?: boolean } = {},
): Promise<{ run: RunView; access: RunAccess; principal: Principal }> {
  const principal = await pagePrincipal();
  if (!principal) notFound();
  try {
    if (options.latestEvents) {
      const { record, access } = await authorizeRun(principal, id);
      return { run: await runViewPage(record), access, principal };
    }
    const { view, access } = await loadRunAs(principal, id);
    return { run: view, access, principal };
  } catch (error) {
    // A link this browser opened was revoked or has expired: the page that says so, not a bare 404.
    const lost = error instanceof ApiError ? (error.extra.lostLink as LostLinkView | undefined) : undefined;
    if (lost) redirect(`/share/invalid?${new URLSearchParams({ reason: lost.reason, at: lost.at })}`);
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  }
}

/** Loads the run a page shows, or renders the not-found page. */
export async function runForPage(id: string): Promise<RunView> {
  return (await runAccessForPage(id)).run;
}

/** What the browser needs to know about the viewer's access. */
export function clientAccess(access: RunAccess, principal: Principal): RunAccessView {
  return {
    role: access.role,
    actor: access.actor,
    linkLabel: access.link?.label ?? null,
    name: principal.session.name,
  };
}
