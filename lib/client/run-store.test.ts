import { beforeEach, describe, expect, it } from "vitest";
import { initialStepState } from "@/lib/steps/machine";
import { createRunStore, storageKey } from "./run-store";
import { type RunView } from "@/lib/contract/runs";

class MemoryStorage {
  private data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

function run(version: number, notes = ""): RunView {
  return {
    id: "run1",
    flow: "enable",
    mode: "sandbox",
    title: "t",
    version,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    steps: {
      prerequisites: { ...initialStepState(), notes },
    },
    events: [],
  };
}

beforeEach(() => {
  (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
});

describe("run store", () => {
  it("accepts newer or equal server state and ignores older", () => {
    const store = createRunStore(run(3));
    store.getState().receive(run(2, "old"));
    expect(store.getState().run.version).toBe(3);
    store.getState().receive(run(4, "new"));
    expect(store.getState().run.steps.prerequisites?.notes).toBe("new");
  });

  it("on a conflict adopts the server's run and keeps every draft", () => {
    const store = createRunStore(run(1));
    store.getState().setDraft("prerequisites", { notes: "my unsaved text" });
    store.getState().conflictWith(run(5, "theirs"), "changed elsewhere");
    const state = store.getState();
    expect(state.run.version).toBe(5);
    expect(state.drafts.prerequisites?.notes).toBe("my unsaved text");
    expect(state.conflict?.message).toBe("changed elsewhere");
    state.dismissConflict();
    expect(store.getState().conflict).toBeNull();
  });

  it("persists drafts, and on rehydration keeps the server render unless the stored run is newer", async () => {
    const first = createRunStore(run(2));
    await first.persist.rehydrate();
    first.getState().setDraft("prerequisites", { attestBy: "Ada" });
    expect(localStorage.getItem(storageKey("run1"))).toContain("Ada");

    const fresher = createRunStore(run(7, "server"));
    await fresher.persist.rehydrate();
    expect(fresher.getState().run.version).toBe(7);
    expect(fresher.getState().drafts.prerequisites?.attestBy).toBe("Ada");

    localStorage.setItem(
      storageKey("run1"),
      JSON.stringify({ state: { run: run(9, "cached"), drafts: {} }, version: 0 }),
    );
    const stale = createRunStore(run(8, "server"));
    await stale.persist.rehydrate();
    expect(stale.getState().run.steps.prerequisites?.notes).toBe("cached");
  });

  it("clears only the named draft fields", () => {
    const store = createRunStore(run(1));
    store.getState().setDraft("prerequisites", { notes: "n", assignee: "a" });
    store.getState().clearDraft("prerequisites", ["notes"]);
    expect(store.getState().drafts.prerequisites).toEqual({ assignee: "a" });
  });
});
