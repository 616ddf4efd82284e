"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiCallError, saveNameRequest } from "@/lib/client/api";
import { lostLinkSentence, useRunAccess } from "@/lib/client/run-access";
import { formatDateTime } from "@/lib/format";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

/** Tells a person who came through a share link what the link lets them do and how they appear. */
export function AccessBanner() {
  const access = useRunAccess();
  const router = useRouter();
  const [name, setName] = useState(access.name ?? "");
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  if (access.role === "owner") return null;
  if (access.lost) {
    // Sticky, so it is in view wherever the person had scrolled to; an alert, so a screen reader says it at once.
    return (
      <section
        role="alert"
        aria-labelledby="access-heading"
        className="no-print sticky top-0 z-20 mb-6 space-y-2 rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-slate-900 shadow dark:border-red-300 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id="access-heading" className="font-semibold">
          {lostLinkSentence(access.lost, formatDateTime)}
        </h2>
        <p>
          Nothing on this page can be changed any more. What you did stays in the run&apos;s timeline. Ask the
          person who shared the run for a new link.
        </p>
      </section>
    );
  }

  async function save(event: React.FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setMessage("Enter the name the timeline should show.");
    setSaving(true);
    try {
      await saveNameRequest(trimmed);
      setMessage(`Saved. Your changes now appear as ${trimmed}.`);
      router.refresh();
    } catch (error) {
      setMessage(error instanceof ApiCallError ? error.message : "The name could not be saved.");
    } finally {
      setSaving(false);
    }
  }

  return (
    <section
      aria-labelledby="access-heading"
      className="no-print mb-6 space-y-2 rounded-md border-l-4 border-brand-600 bg-brand-50 p-4 text-slate-900 dark:border-brand-300 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id="access-heading" className="font-semibold">
        {access.role === "edit" ? "This run was shared with you" : "This run was shared with you to read"}
      </h2>
      <p>
        {access.role === "edit"
          ? `Through the link “${access.linkLabel ?? ""}” you can run checks, confirm steps and add notes. You cannot share the run further.`
          : `Through the link “${access.linkLabel ?? ""}” you can follow the run and download its report, but not change anything.`}
      </p>
      {access.role === "edit" ? (
        <form onSubmit={save} className="flex flex-wrap items-end gap-3" noValidate>
          <div className="min-w-0 grow sm:max-w-xs">
            <label htmlFor="timeline-name" className="text-sm font-medium">
              Name shown in the timeline
            </label>
            <input
              id="timeline-name"
              autoComplete="name"
              className={FIELD}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-describedby="timeline-name-hint"
            />
          </div>
          <Button type="submit" variant="secondary" disabled={saving}>
            Save name
          </Button>
          <p id="timeline-name-hint" className="w-full text-sm text-slate-700 dark:text-slate-300">
            Your changes appear as “{access.actor}”.
          </p>
        </form>
      ) : null}
      <p aria-live="polite" className="text-sm">
        {message}
      </p>
    </section>
  );
}
