"use client";

import { Button } from "@/components/ui/button";
import { useRunStore } from "@/lib/client/run-store-provider";

/** Shown after a 412: the run changed elsewhere. The fresh state is already on screen; drafts are kept. */
export function ConflictBanner() {
  const conflict = useRunStore((s) => s.conflict);
  const dismiss = useRunStore((s) => s.dismissConflict);
  if (!conflict) return null;
  return (
    <div
      role="alert"
      className="mb-6 rounded-md border-l-4 border-amber-500 bg-amber-50 p-4 text-amber-950 dark:bg-amber-950 dark:text-amber-50"
    >
      <h2 className="font-semibold">This run changed elsewhere</h2>
      <p className="mt-1">
        {conflict.message} What you see now is the current state; your unsaved input is still in the form.
        Check it, then save again.
      </p>
      <Button variant="secondary" className="mt-3" onClick={dismiss}>
        Dismiss
      </Button>
    </div>
  );
}
