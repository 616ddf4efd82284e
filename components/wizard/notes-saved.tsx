"use client";

import { useState } from "react";
import { useRunStore } from "@/lib/client/run-store-provider";
import { formatDateTime } from "@/lib/format";
import { type StepId } from "@/lib/steps/ids";

/**
 * Beside "Save notes": the confirmation that the notes or the assignee were saved, read from the run's timeline so
 * it also shows a save made in another window. Announced politely; a save made before the page opened is only
 * shown, without the tick.
 */
export function NotesSaved({ stepId }: { stepId: StepId }) {
  const last = useRunStore((s) =>
    s.run.events.findLast((e) => e.stepId === stepId && (e.type === "note" || e.type === "assigned")),
  );
  const [firstSeen] = useState(() => last?.id ?? null);
  const fresh = last !== undefined && last.id !== firstSeen;
  return (
    <p aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
      {last ? (
        <>
          {fresh ? <span aria-hidden="true">✓ </span> : null}
          {fresh ? "Saved" : "Last saved"} by {last.actor}, {formatDateTime(last.at)}.
        </>
      ) : null}
    </p>
  );
}
