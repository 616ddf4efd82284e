"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        className="min-h-9 px-3 py-1 text-sm"
        onClick={copy}
        aria-label={`Copy ${label}`}
      >
        Copy
      </Button>
      <span aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed — select the text instead" : ""}
      </span>
    </span>
  );
}
