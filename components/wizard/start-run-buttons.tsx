"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiCallError, createRunRequest } from "@/lib/client/api";

export function StartRunButtons() {
  const router = useRouter();
  const [pending, setPending] = useState<"enable" | "cleanup" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function start(flow: "enable" | "cleanup") {
    setPending(flow);
    setError(null);
    try {
      const run = await createRunRequest(flow);
      router.push(`/runs/${run.id}`);
    } catch (e) {
      setError(e instanceof ApiCallError ? e.message : "The run could not be created.");
      setPending(null);
    }
  }

  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <section
        className="rounded-lg border border-slate-300 p-5 dark:border-slate-700"
        aria-labelledby="start-enable"
      >
        <h2 id="start-enable" className="text-lg font-semibold">
          Turn on password writeback
        </h2>
        <p className="mt-2 text-slate-700 dark:text-slate-300">
          Seven steps, from prerequisites to a real password reset that lands in Active Directory.
        </p>
        <Button className="mt-4" onClick={() => start("enable")} disabled={pending !== null}>
          {pending === "enable" ? "Starting…" : "Start enabling writeback"}
        </Button>
      </section>
      <section
        className="rounded-lg border border-slate-300 p-5 dark:border-slate-700"
        aria-labelledby="start-cleanup"
      >
        <h2 id="start-cleanup" className="text-lg font-semibold">
          Turn it off cleanly
        </h2>
        <p className="mt-2 text-slate-700 dark:text-slate-300">
          Switch the portal options and the Connect feature off, then take back the rights the connector no
          longer needs.
        </p>
        <Button
          variant="secondary"
          className="mt-4"
          onClick={() => start("cleanup")}
          disabled={pending !== null}
        >
          {pending === "cleanup" ? "Starting…" : "Start clean-up"}
        </Button>
      </section>
      {error ? (
        <p role="alert" className="text-red-800 dark:text-red-300 sm:col-span-2">
          {error}
        </p>
      ) : null}
    </div>
  );
}
