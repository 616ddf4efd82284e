"use client";

import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiCallError } from "@/lib/client/api";
import { useRunAccess } from "@/lib/client/run-access";
import { useRunStore, useRunStoreApi } from "@/lib/client/run-store-provider";
import { preflightEndToEndTest, searchTestUsers, startEndToEndTest } from "@/lib/client/tenant-api";
import { type EndToEndPreflightResponse, type PreflightCheck, type TestUser } from "@/lib/contract/tenant";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

const OUTCOME_LABEL: Record<PreflightCheck["outcome"], string> = {
  ok: "OK",
  note: "Note",
  refuse: "Stops the test",
  unknown: "Not checked",
};

/**
 * Pick a synchronised test user, see what the wizard knows about it (the pre-flight), confirm, reset through Graph;
 * the password is shown once and kept nowhere.
 */
export function EndToEndPanel() {
  const runId = useRunStore((s) => s.run.id);
  const store = useRunStoreApi();
  const readOnly = useRunAccess().role === "view";
  const [search, setSearch] = useState("");
  const [users, setUsers] = useState<TestUser[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ upn: string; password: string | null; outcome: string } | null>(null);
  const [preflight, setPreflight] = useState<EndToEndPreflightResponse | null>(null);
  const [preflightError, setPreflightError] = useState<string | null>(null);

  // The pre-flight is asked for when a user is chosen, never from an effect: the choice is the event. An answer
  // for a user chosen earlier (slower than the one after it) is dropped.
  const lookingAt = useRef<string | null>(null);
  async function look(userId: string | null) {
    lookingAt.current = userId;
    setPreflight(null);
    setPreflightError(null);
    if (!userId) return;
    try {
      const answer = await preflightEndToEndTest(runId, userId);
      if (lookingAt.current === userId) setPreflight(answer);
    } catch (e) {
      if (lookingAt.current === userId)
        setPreflightError(e instanceof ApiCallError ? e.message : "The wizard could not look at this user.");
    }
  }

  function choose(userId: string) {
    setChosen(userId);
    void look(userId);
  }

  async function find(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (!search.trim()) return setError("Type the start of a name or user principal name.");
    setBusy(true);
    try {
      const found = await searchTestUsers(runId, search.trim());
      setUsers(found);
      setChosen(found[0]?.id ?? null);
      void look(found[0]?.id ?? null);
    } catch (e) {
      setError(e instanceof ApiCallError ? e.message : "The search failed.");
    } finally {
      setBusy(false);
    }
  }

  async function run(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (!chosen) return setError("Choose a test user first.");
    if (preflight && !preflight.canReset)
      return setError("The wizard will not reset this user: see “Before the reset” above.");
    if (!confirmed) return setError("Confirm that this user's password may be replaced.");
    setBusy(true);
    try {
      const result = await startEndToEndTest(runId, chosen);
      store.getState().receive(result.verification.run);
      const v = result.verification;
      setDone({
        upn: result.record.userPrincipalName,
        password: result.password,
        outcome: `Test result: ${v.status}${v.findings[0] ? ` — ${v.findings[0].message}` : ""}`,
      });
      setConfirmed(false);
    } catch (e) {
      setError(e instanceof ApiCallError ? e.message : "The test could not be started.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      aria-labelledby="e2e-heading"
      className="space-y-4 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <h2 id="e2e-heading" className="text-xl font-semibold">
        Run the end-to-end test
      </h2>
      <form onSubmit={find} className="flex flex-wrap items-end gap-2" noValidate>
        <div className="grow">
          <label htmlFor="e2e-search" className="font-medium">
            Find a synchronised test user (start of name or UPN)
          </label>
          <input
            id="e2e-search"
            className={FIELD}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            autoComplete="off"
          />
        </div>
        <Button type="submit" variant="secondary" disabled={busy}>
          Find users
        </Button>
      </form>
      {users !== null && users.length === 0 ? (
        <p>No synchronised user starts with that. Cloud-only users cannot test writeback.</p>
      ) : null}
      {users && users.length > 0 ? (
        <form onSubmit={run} className="space-y-3" noValidate>
          <fieldset className="space-y-1">
            <legend className="font-medium">Test user</legend>
            {users.map((user) => (
              <div key={user.id} className="flex items-center gap-2">
                <input
                  type="radio"
                  id={`e2e-user-${user.id}`}
                  name="e2e-user"
                  checked={chosen === user.id}
                  onChange={() => choose(user.id)}
                />
                <label htmlFor={`e2e-user-${user.id}`}>
                  {user.displayName} ({user.userPrincipalName})
                </label>
              </div>
            ))}
          </fieldset>
          {preflight ? (
            <div aria-labelledby="e2e-preflight-heading" role="group" className="space-y-1">
              <h3 id="e2e-preflight-heading" className="font-medium">
                Before the reset: {preflight.userPrincipalName}
              </h3>
              <ul className="space-y-1">
                {preflight.checks.map((check) => (
                  <li
                    key={check.code}
                    data-outcome={check.outcome}
                    className={
                      check.outcome === "refuse"
                        ? "border-l-4 border-red-700 pl-2 text-red-900 dark:text-red-200"
                        : check.outcome === "note" || check.outcome === "unknown"
                          ? "border-l-4 border-amber-600 pl-2"
                          : "border-l-4 border-emerald-700 pl-2"
                    }
                  >
                    <span className="font-semibold">{OUTCOME_LABEL[check.outcome]}:</span> {check.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {preflightError ? <p className="text-red-900 dark:text-red-200">{preflightError}</p> : null}
          <div className="flex items-start gap-2">
            <input
              id="e2e-confirm"
              type="checkbox"
              checked={confirmed}
              onChange={(e) => setConfirmed(e.target.checked)}
              className="mt-1"
            />
            <label htmlFor="e2e-confirm">
              I understand that this user&apos;s password is replaced now, and that it is not a
              colleague&apos;s real account.
            </label>
          </div>
          <Button type="submit" disabled={busy || readOnly || (preflight !== null && !preflight.canReset)}>
            {busy ? "Working…" : "Reset the password and test writeback"}
          </Button>
        </form>
      ) : null}
      <div aria-live="polite" className="space-y-2">
        {error ? (
          <p className="rounded-md border-l-4 border-red-700 bg-red-50 p-3 text-red-900 dark:bg-red-950 dark:text-red-100">
            {error}
          </p>
        ) : null}
        {done ? (
          <div className="space-y-2 rounded-md border-l-4 border-sky-600 bg-sky-50 p-3 text-sky-950 dark:bg-sky-950 dark:text-sky-50">
            {done.password ? (
              <p>
                New password of {done.upn} — shown once, copy it now if the user needs it:{" "}
                <code className="select-all font-mono font-semibold" aria-label="New password">
                  {done.password}
                </code>
              </p>
            ) : null}
            <p>{done.outcome}</p>
          </div>
        ) : null}
      </div>
    </section>
  );
}
