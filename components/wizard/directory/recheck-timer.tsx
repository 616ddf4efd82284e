"use client";

import { useEffect, useRef } from "react";
import { formatDateTime } from "@/lib/format";

/** The server's scheduler ticks every ~15 s; the page only steps in when it has not answered well after that. */
const CLIENT_GRACE_MS = 45_000;

const timeOfDay = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${timeOfDay.format(date)} UTC`;
}

/**
 * While a step waits for replication after a fix, shows the schedule persisted on the run (30 s, then doubling, up
 * to an hour after the change). The server re-checks on that schedule whether or not a page is open; the polled
 * run brings its answer here. As a convenience, an open page re-checks itself when the server has not moved the
 * schedule on some time after it was due (the scheduler is off or down).
 */
export function RecheckTimer({
  nextCheckAt,
  deadline,
  attempt,
  attempts,
  recheck,
}: {
  nextCheckAt: string;
  deadline: string;
  attempt: number | null;
  attempts: number | null;
  recheck: () => void;
}) {
  const fired = useRef<string | null>(null);
  useEffect(() => {
    const delay = Math.max(0, new Date(nextCheckAt).getTime() + CLIENT_GRACE_MS - Date.now());
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
      A change was made and may still be replicating. Next automatic re-check at {formatTime(nextCheckAt)}
      {attempt && attempts ? ` (attempt ${attempt} of ${attempts})` : ""}. The wizard keeps re-checking, less
      and less often, until {formatDateTime(deadline)}, also when this page is closed.
    </p>
  );
}
