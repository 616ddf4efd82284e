"use client";

/** The run page says that it follows changes made elsewhere; the polling itself is the layout's RunWatcher. */
export function LiveUpdates() {
  return (
    <p className="no-print text-sm text-slate-600 dark:text-slate-400">
      This page updates by itself while it is open.
    </p>
  );
}
