"use client";

import { useEffect, useRef } from "react";
import { formatDateTime } from "@/lib/format";

/**
 * While a step waits for replication after a fix, re-checks it at the time the server scheduled (30 s, then doubling,
 * up to an hour after the change). Runs while the page is open; the schedule itself is on the run.
 */
export function RecheckTimer({
  nextCheckAt,
  deadline,
  recheck,
}: {
  nextCheckAt: string;
  deadline: string;
  recheck: () => void;
}) {
  const fired = useRef<string | null>(null);
  useEffect(() => {
    const delay = Math.max(0, new Date(nextCheckAt).getTime() - Date.now());
    const timer = setTimeout(() => {
      if (fired.current === nextCheckAt) return;
      fired.current = nextCheckAt;
      recheck();
    }, delay);
    return () => clearTimeout(timer);
  }, [nextCheckAt, recheck]);
  return (
    <p
      role="status"
      className="rounded-md border-l-4 border-amber-600 bg-amber-50 p-3 text-amber-950 dark:bg-amber-950 dark:text-amber-50"
    >
      A change was made and may still be replicating. Next automatic re-check: {formatDateTime(nextCheckAt)}{" "}
      (the wizard keeps re-checking, less and less often, until {formatDateTime(deadline)}).
    </p>
  );
}
