"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiCallError } from "@/lib/client/api";
import { useRunAccess } from "@/lib/client/run-access";
import { useRunStore } from "@/lib/client/run-store-provider";
import { fetchSandbox, sandboxControl, type SandboxControl, type SandboxView } from "@/lib/client/tenant-api";

// Sandbox only: buttons that play the parts a person plays in the real systems (the Connect wizard, the admin
// center, a user doing SSPR), so that the checks have something to find. Each one changes the simulated tenant
// exactly as the real action changes a real one, audit records included.

type Variant = "connect" | "portal" | "unlock";

const BOX =
  "space-y-3 rounded-lg border border-amber-400 bg-amber-50 p-4 text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-50";

export function SandboxControls({ variant }: { variant: Variant }) {
  const runId = useRunStore((s) => s.run.id);
  // A view link shows the run's simulated tenant but may not change it (the server refuses it too).
  const readOnly = useRunAccess().role === "view";
  const [view, setView] = useState<SandboxView | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    fetchSandbox(runId)
      .then((v) => live && setView(v))
      .catch(() => live && setMessage("The sandbox tenant could not be read."));
    return () => {
      live = false;
    };
  }, [runId]);

  async function act(control: SandboxControl) {
    setBusy(true);
    try {
      const next = await sandboxControl(runId, control);
      setView(next);
      setMessage(next.message);
    } catch (error) {
      setMessage(error instanceof ApiCallError ? error.message : "The sandbox did not answer.");
    } finally {
      setBusy(false);
    }
  }

  const s = view?.switches;
  return (
    <section aria-labelledby="sandbox-heading" className={BOX}>
      <h2 id="sandbox-heading" className="text-lg font-semibold">
        Sandbox tenant
      </h2>
      <p className="text-sm">
        In the sandbox you play the admin&apos;s part here; then press “Check now” to see what the wizard
        finds.
      </p>
      {s ? (
        <p className="text-sm">
          Connect option: <strong>{s.connectWriteback ? "on" : "off"}</strong> · Writeback switch:{" "}
          <strong>{s.portalWriteback ? "on" : "off"}</strong> · Unlock:{" "}
          <strong>{s.unlock ? "on" : "off"}</strong>
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {variant === "connect" ? (
          <>
            <Button
              variant="secondary"
              disabled={busy || readOnly}
              onClick={() => act({ action: "connect-writeback", on: true })}
            >
              Simulate: tick Password writeback in Connect
            </Button>
            <Button
              variant="secondary"
              disabled={busy || readOnly}
              onClick={() => act({ action: "connect-writeback", on: false })}
            >
              Simulate: clear Password writeback in Connect
            </Button>
          </>
        ) : null}
        {variant === "portal" ? (
          <>
            <Button
              variant="secondary"
              disabled={busy || readOnly}
              onClick={() => act({ action: "portal-writeback", on: true })}
            >
              Simulate: the portal writeback switch is on
            </Button>
            <Button
              variant="secondary"
              disabled={busy || readOnly}
              onClick={() => act({ action: "portal-writeback", on: false })}
            >
              Simulate: the portal writeback switch is off
            </Button>
          </>
        ) : null}
        {variant === "unlock" ? (
          <>
            <Button
              variant="secondary"
              disabled={busy || readOnly}
              onClick={() => act({ action: "portal-unlock", on: true })}
            >
              Simulate: the unlock switch is on
            </Button>
            <Button
              variant="secondary"
              disabled={busy || readOnly}
              onClick={() => act({ action: "portal-unlock", on: false })}
            >
              Simulate: the unlock switch is off
            </Button>
            <Button
              variant="secondary"
              disabled={busy || readOnly}
              onClick={() => act({ action: "self-service-unlock" })}
            >
              Simulate: a synced user unlocks their account
            </Button>
          </>
        ) : null}
        {variant !== "unlock" ? (
          <Button
            variant="secondary"
            disabled={busy || readOnly}
            onClick={() => act({ action: "self-service-reset" })}
          >
            Simulate: a synced user resets their password
          </Button>
        ) : null}
      </div>
      <div aria-live="polite" className="text-sm font-medium">
        {message}
      </div>
    </section>
  );
}
