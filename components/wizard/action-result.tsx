"use client";

import { useEffect, useRef } from "react";

/** What one click answered: a status word, one sentence why, and what to do next. */
export interface ActionOutcome {
  /** `failure`: a check answered "failed" (red, announced politely); `error`: the request itself failed (an alert). */
  tone: "success" | "failure" | "error" | "warning" | "info";
  /** One or two words: "Passed", "Failed", "Saved", "Not done". */
  status: string;
  /** One sentence: what happened. */
  reason: string;
  /** What to do next, when there is something to do. */
  next?: string;
  /** Changes on every new answer, so an identical answer to a second click is announced and focused again. */
  key: number;
}

const TONES: Record<ActionOutcome["tone"], { icon: string; box: string }> = {
  success: {
    icon: "✓",
    box: "border-green-700 bg-green-50 text-green-950 dark:border-green-400 dark:bg-green-950 dark:text-green-50",
  },
  failure: {
    icon: "✕",
    box: "border-red-700 bg-red-50 text-red-950 dark:border-red-400 dark:bg-red-950 dark:text-red-50",
  },
  error: {
    icon: "✕",
    box: "border-red-700 bg-red-50 text-red-950 dark:border-red-400 dark:bg-red-950 dark:text-red-50",
  },
  warning: {
    icon: "!",
    box: "border-amber-600 bg-amber-50 text-amber-950 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-50",
  },
  info: {
    icon: "i",
    box: "border-sky-600 bg-sky-50 text-sky-950 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-50",
  },
};

let counter = 0;
/** A fresh key for {@link ActionOutcome}. */
export function outcomeKey(): number {
  counter += 1;
  return counter;
}

/**
 * The answer to a click, placed right after the control that asked (GOV.UK: errors repeated beside the field). The
 * live region is always in the page so screen readers announce what appears in it; focus moves to the answer so the
 * keyboard stays where the eye is, instead of falling back to <body> when the button re-renders or disappears.
 */
export function ActionResult({ outcome, label }: { outcome: ActionOutcome | null; label?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = outcome?.key;
  useEffect(() => {
    if (key === undefined) return;
    ref.current?.focus({ preventScroll: true });
    ref.current?.scrollIntoView({ block: "nearest" });
  }, [key]);
  const tone = outcome ? TONES[outcome.tone] : null;
  return (
    <div aria-live="polite" data-action-result={label ?? ""}>
      {outcome && tone ? (
        <div
          ref={ref}
          tabIndex={-1}
          role={outcome.tone === "error" ? "alert" : "status"}
          className={`space-y-1 rounded-md border-l-4 p-3 outline-offset-2 focus:outline-2 focus:outline-slate-900 dark:focus:outline-slate-100 ${tone.box}`}
        >
          <p className="flex items-center gap-2 font-semibold">
            <span
              aria-hidden="true"
              className="inline-flex h-5 w-5 items-center justify-center rounded-full border border-current text-xs"
            >
              {tone.icon}
            </span>
            <span>{outcome.status}</span>
          </p>
          <p>{outcome.reason}</p>
          {outcome.next ? <p className="text-sm">Next: {outcome.next}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
