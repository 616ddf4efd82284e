"use client";

import { createContext, useContext, type ReactNode } from "react";
import { type ClientAccess } from "./types";

// The viewer's role is a fact about the request, not about the run, so it lives beside the run store rather
// than in it (the store is persisted per run and shared by everyone who opens it in this browser).

const RunAccessContext = createContext<ClientAccess | null>(null);

export function RunAccessProvider({ access, children }: { access: ClientAccess; children: ReactNode }) {
  return <RunAccessContext.Provider value={access}>{children}</RunAccessContext.Provider>;
}

export function useRunAccess(): ClientAccess {
  const access = useContext(RunAccessContext);
  if (!access) throw new Error("useRunAccess must be used inside <RunAccessProvider>.");
  return access;
}
