import type { ReactNode } from "react";
import { RunAccessProvider } from "@/lib/client/run-access";
import { RunStoreProvider } from "@/lib/client/run-store-provider";
import { clientAccess, runAccessForPage } from "@/lib/server/run-page";
import { AccessBanner } from "@/components/wizard/access-banner";
import { ConflictBanner } from "@/components/wizard/conflict-banner";
import { RunWatcher } from "@/components/wizard/run-watcher";

export default async function RunLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  // The store starts with the timeline's latest page, as polling refreshes it; older pages are read on request.
  const { run, access, principal } = await runAccessForPage(id, { latestEvents: true });
  return (
    <RunAccessProvider access={clientAccess(access, principal)}>
      <RunStoreProvider initialRun={run}>
        <RunWatcher />
        <AccessBanner />
        <ConflictBanner />
        {children}
      </RunStoreProvider>
    </RunAccessProvider>
  );
}
