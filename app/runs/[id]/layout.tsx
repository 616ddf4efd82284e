import type { ReactNode } from "react";
import { RunStoreProvider } from "@/lib/client/run-store-provider";
import { runForPage } from "@/lib/server/run-page";
import { ConflictBanner } from "@/components/wizard/conflict-banner";

export default async function RunLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  const run = await runForPage(id);
  return (
    <RunStoreProvider initialRun={run}>
      <ConflictBanner />
      {children}
    </RunStoreProvider>
  );
}
