"use client";

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useStore } from "zustand";
import { createRunStore, type RunStore, type RunStoreApi } from "./run-store";
import { type RunView } from "@/lib/contract/runs";

const RunStoreContext = createContext<RunStoreApi | null>(null);

export function RunStoreProvider({ initialRun, children }: { initialRun: RunView; children: ReactNode }) {
  const [store] = useState(() => createRunStore(initialRun));
  useEffect(() => {
    void store.persist.rehydrate();
  }, [store]);
  // A fresher server render (navigation, router.refresh) flows into the cache.
  useEffect(() => {
    store.getState().receive(initialRun);
  }, [store, initialRun]);
  return <RunStoreContext.Provider value={store}>{children}</RunStoreContext.Provider>;
}

export function useRunStore<T>(selector: (state: RunStore) => T): T {
  const store = useContext(RunStoreContext);
  if (!store) throw new Error("useRunStore must be used inside <RunStoreProvider>.");
  return useStore(store, selector);
}

export function useRunStoreApi(): RunStoreApi {
  const store = useContext(RunStoreContext);
  if (!store) throw new Error("useRunStoreApi must be used inside <RunStoreProvider>.");
  return store;
}

/** True once the persisted drafts have been read back from browser storage. */
export function useRunStoreHydrated(): boolean {
  const store = useRunStoreApi();
  return useSyncExternalStore(
    (notify) => store.persist.onFinishHydration(notify),
    () => store.persist.hasHydrated(),
    () => false,
  );
}
