"use client";

import { useCallback } from "react";
import { ApiCallError, patchRunRequest, verifyRequest } from "@/lib/client/api";
import { type VerifyResponse } from "@/lib/contract/runs";
import { useRunStoreApi } from "@/lib/client/run-store-provider";
import { type StepId } from "@/lib/steps/ids";
import { type RunChange } from "@/lib/steps/run-changes";

export type ActionResult<T> =
  | { ok: true; value: T }
  /** `conflict`: a 412; the conflict banner already tells the person, with the fresh run on screen. */
  | { ok: false; message: string; conflict?: boolean };

/** Writes go out with the version on screen; a 412 swaps in the server's run and keeps the drafts. */
export function useRunActions() {
  const store = useRunStoreApi();

  const guard = useCallback(
    async <T>(work: () => Promise<T>): Promise<ActionResult<T>> => {
      store.getState().setPending(true);
      try {
        return { ok: true, value: await work() };
      } catch (error) {
        if (error instanceof ApiCallError && error.status === 412 && error.current) {
          store.getState().conflictWith(error.current, error.message);
          return { ok: false, message: error.message, conflict: true };
        }
        return { ok: false, message: error instanceof Error ? error.message : "The request failed." };
      } finally {
        store.getState().setPending(false);
      }
    },
    [store],
  );

  const patch = useCallback(
    (changes: RunChange[]) =>
      guard(async () => {
        const run = await patchRunRequest(store.getState().run, changes);
        store.getState().receive(run);
        store.getState().dismissConflict();
        return run;
      }),
    [guard, store],
  );

  const verify = useCallback(
    (stepId: StepId, attestation?: { by: string; note?: string }) =>
      guard(async (): Promise<VerifyResponse> => {
        const { run } = store.getState();
        const result = await verifyRequest(stepId, {
          runId: run.id,
          expectedVersion: run.version,
          attestation,
        });
        store.getState().receive(result.run);
        store.getState().dismissConflict();
        return result;
      }),
    [guard, store],
  );

  return { patch, verify, guard };
}
