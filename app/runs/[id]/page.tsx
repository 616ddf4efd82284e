import type { Metadata } from "next";
import { LiveUpdates } from "@/components/wizard/live-updates";
import { MySteps } from "@/components/wizard/my-steps";
import { NextAction } from "@/components/wizard/next-action";
import { RunHeading } from "@/components/wizard/run-heading";
import { SharePanel } from "@/components/wizard/share-panel";
import { TaskList } from "@/components/wizard/task-list";
import { Timeline } from "@/components/wizard/timeline";
import { runAccessForPage } from "@/lib/server/run-page";
import { listShareLinks } from "@/lib/server/share-service";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { access, principal } = await runAccessForPage(id, { latestEvents: true });
  const links = access.role === "owner" ? await listShareLinks(principal, id) : [];
  return (
    <div className="space-y-8">
      <RunHeading />
      <LiveUpdates />
      {access.role === "owner" ? <NextAction /> : <MySteps />}
      <TaskList />
      {access.role === "owner" ? <SharePanel initialLinks={links} /> : null}
      <Timeline />
    </div>
  );
}
