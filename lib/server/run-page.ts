import "server-only";
import { notFound } from "next/navigation";
import { ApiError } from "./api-error";
import { pageSession } from "./page-session";
import { loadRun, type RunView } from "./runs-service";

/** Loads the run a page shows, or renders the not-found page. */
export async function runForPage(id: string): Promise<RunView> {
  const session = await pageSession();
  if (!session) notFound();
  try {
    return await loadRun(session, id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  }
}
