"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiCallError, createRunRequest } from "@/lib/client/api";
import { type Flow } from "@/lib/steps/types";

const FLOW_CARDS: {
  flow: Flow;
  heading: string;
  text: string;
  action: string;
  variant: "primary" | "secondary";
}[] = [
  {
    flow: "enable",
    heading: "Turn on password writeback",
    text: "Seven steps, from prerequisites to a real password reset that lands in Active Directory.",
    action: "Start enabling writeback",
    variant: "primary",
  },
  {
    flow: "cleanup",
    heading: "Turn it off cleanly",
    text: "Switch the portal options and the Connect feature off, then take back the rights the connector no longer needs.",
    action: "Start clean-up",
    variant: "secondary",
  },
];

export function StartRunButtons() {
  const router = useRouter();
  const [pending, setPending] = useState<Flow | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function start(flow: Flow) {
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
      {FLOW_CARDS.map((card) => (
        <section
          key={card.flow}
          className="flex flex-col rounded-lg border border-slate-300 p-5 dark:border-slate-700"
          aria-labelledby={`start-${card.flow}`}
        >
          <h2 id={`start-${card.flow}`} className="text-lg font-semibold">
            {card.heading}
          </h2>
          <p className="mt-2 text-slate-700 dark:text-slate-300">{card.text}</p>
          {/* Pushed to the bottom of the card, so both start buttons sit on one line side by side. */}
          <div className="mt-auto pt-4">
            <Button variant={card.variant} onClick={() => start(card.flow)} disabled={pending !== null}>
              {pending === card.flow ? "Starting…" : card.action}
            </Button>
          </div>
        </section>
      ))}
      {error ? (
        <p role="alert" className="text-red-800 dark:text-red-300 sm:col-span-2">
          {error}
        </p>
      ) : null}
    </div>
  );
}
