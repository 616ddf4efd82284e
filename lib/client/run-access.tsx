"use client";

import { createContext, useContext, type ReactNode } from "react";
import { type RunAccessView } from "@/lib/contract/runs";

// The viewer's role is a fact about the request, not about the run, so it lives beside the run store rather
// than in it (the store is persisted per run and shared by everyone who opens it in this browser).

const RunAccessContext = createContext<RunAccessView | null>(null);

export function RunAccessProvider({ access, children }: { access: RunAccessView; children: ReactNode }) {
  return <RunAccessContext.Provider value={access}>{children}</RunAccessContext.Provider>;
}

export function useRunAccess(): RunAccessView {
  const access = useContext(RunAccessContext);
  if (!access) throw new Error("useRunAccess must be used inside <RunAccessProvider>.");
  return access;
}
