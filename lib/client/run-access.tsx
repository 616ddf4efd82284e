"use client";

import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import { type LostLinkView, type RunAccessView } from "@/lib/contract/runs";

// The viewer's role is a fact about the request, not about the run, so it lives beside the run store rather
// than in it (the store is persisted per run and shared by everyone who opens it in this browser).
// When the link the viewer came through stops working (revoked, expired), the poller says so here: the role
// drops to "view", so every control that writes is disabled or gone at once, and `lost` says why.

export interface RunAccessState extends RunAccessView {
  /** Set when the share link this page was opened through no longer works. */
  lost: LostLinkView | null;
}

const RunAccessContext = createContext<{ access: RunAccessState; lose(lost: LostLinkView): void } | null>(
  null,
);

export function RunAccessProvider({ access, children }: { access: RunAccessView; children: ReactNode }) {
  const [lost, setLost] = useState<LostLinkView | null>(null);
  // `lose` is setLost itself: stable, so the poller that calls it is not restarted by the change it reports.
  const value = useMemo(
    () => ({
      access: lost ? { ...access, role: "view" as const, lost } : { ...access, lost: null },
      lose: setLost,
    }),
    [access, lost],
  );
  return <RunAccessContext.Provider value={value}>{children}</RunAccessContext.Provider>;
}

function useRunAccessContext() {
  const context = useContext(RunAccessContext);
  if (!context) throw new Error("useRunAccess must be used inside <RunAccessProvider>.");
  return context;
}

export function useRunAccess(): RunAccessState {
  return useRunAccessContext().access;
}

/** For the poller: records that the viewer's link stopped working. */
export function useLoseRunAccess(): (lost: LostLinkView) => void {
  return useRunAccessContext().lose;
}

/** The sentence a person whose link stopped working reads. */
export function lostLinkSentence(lost: LostLinkView, formatDateTime: (iso: string) => string): string {
  return lost.reason === "revoked"
    ? "This link was revoked by its owner."
    : `This link expired on ${formatDateTime(lost.at)}.`;
}
