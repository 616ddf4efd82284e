import type { Metadata } from "next";
import { TaskList } from "@/components/wizard/task-list";
import { Timeline } from "@/components/wizard/timeline";
import { RunHeading } from "@/components/wizard/run-heading";

export const metadata: Metadata = { title: "Run" };

export default function RunPage() {
  return (
    <div className="space-y-8">
      <RunHeading />
      <TaskList />
      <Timeline />
    </div>
  );
}
