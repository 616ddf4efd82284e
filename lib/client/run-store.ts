import { createStore } from "zustand/vanilla";
import { createJSONStorage, persist } from "zustand/middleware";
import { type StepId } from "@/lib/steps/ids";
import { type RunView } from "@/lib/contract/runs";

// A cache of the server's run plus the person's unsaved input. The server stays the source of truth: a run
// received from it replaces the cached one unless the cached one is newer.

export interface StepDraft {
  notes?: string;
  attestBy?: string;
  attestNote?: string;
  skipReason?: string;
  assignee?: string;
}

export interface RunStoreState {
  /** The latest run the server sent. */
  run: RunView;
  /** Unsaved input per step; survives reloads and conflicts. */
  drafts: Partial<Record<StepId, StepDraft>>;
  /** Set when the server refused a write because the run changed elsewhere (HTTP 412). */
  conflict: { message: string; at: string } | null;
  /** A request is in flight; disables the buttons that would race it. */
  pending: boolean;
}

export interface RunStoreActions {
  /** Replaces the cached run when the given one is at least as new. */
  receive(run: RunView): void;
  setDraft(stepId: StepId, patch: StepDraft): void;
  clearDraft(stepId: StepId, keys: (keyof StepDraft)[]): void;
  /** Records a 412: adopts the server's current run, keeps every draft. */
  conflictWith(current: RunView, message: string): void;
  dismissConflict(): void;
  setPending(pending: boolean): void;
  reset(run: RunView): void;
}

export type RunStore = RunStoreState & RunStoreActions;

export function storageKey(runId: string): string {
  return `sspr-run:${runId}`;
}

export function createRunStore(initial: RunView) {
  return createStore<RunStore>()(
    persist(
      (set, get) => ({
        run: initial,
        drafts: {},
        conflict: null,
        pending: false,
        receive: (run) => {
          if (run.version >= get().run.version) set({ run });
        },
        setDraft: (stepId, patch) =>
          set((state) => ({ drafts: { ...state.drafts, [stepId]: { ...state.drafts[stepId], ...patch } } })),
        clearDraft: (stepId, keys) =>
          set((state) => {
            const draft = { ...state.drafts[stepId] };
            for (const key of keys) delete draft[key];
            return { drafts: { ...state.drafts, [stepId]: draft } };
          }),
        conflictWith: (current, message) =>
          set({ run: current, conflict: { message, at: new Date().toISOString() } }),
        dismissConflict: () => set({ conflict: null }),
        setPending: (pending) => set({ pending }),
        reset: (run) => set({ run, drafts: {}, conflict: null, pending: false }),
      }),
      {
        name: storageKey(initial.id),
        storage: createJSONStorage(() => localStorage),
        skipHydration: true,
        partialize: (state) => ({ run: state.run, drafts: state.drafts }),
        // The page was rendered from the server's run: keep it unless the stored copy is newer.
        merge: (persisted, current) => {
          const stored = persisted as Partial<RunStoreState> | undefined;
          const storedRun = stored?.run;
          const run =
            storedRun && storedRun.id === current.run.id && storedRun.version > current.run.version
              ? storedRun
              : current.run;
          return { ...current, run, drafts: stored?.drafts ?? current.drafts };
        },
      },
    ),
  );
}

export type RunStoreApi = ReturnType<typeof createRunStore>;
