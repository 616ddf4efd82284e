"use client";

import { Button } from "@/components/ui/button";
import { useRunStore } from "@/lib/client/run-store-provider";
import { fetchSandbox, sandboxControl } from "@/lib/client/tenant-api";
import { type SandboxControl, type SandboxView } from "@/lib/contract/sandbox";
import { ActionResult } from "../action-result";
import { SANDBOX_BOX, useSandboxControls } from "../use-sandbox-controls";

// Sandbox only: buttons that play the parts a person plays in the real systems (the Connect wizard, the admin
// center, a user doing SSPR), so that the checks have something to find. Each one changes the simulated tenant
// exactly as the real action changes a real one, audit records included.

type Variant = "connect" | "portal" | "unlock";

const TENANT_API = { read: fetchSandbox, act: sandboxControl };

export function SandboxControls({ variant }: { variant: Variant }) {
  const runId = useRunStore((s) => s.run.id);
  const { view, message, outcome, busy, readOnly, act } = useSandboxControls<SandboxView, SandboxControl>(
    runId,
    TENANT_API,
    "sandbox tenant",
  );

  const s = view?.switches;
  return (
    <section aria-labelledby="sandbox-heading" className={SANDBOX_BOX}>
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
      {view && view.auditDelaySeconds > 0 ? (
        <p className="text-sm">
          As in a real tenant, a new audit record shows in the log after a short delay (here{" "}
          {view.auditDelaySeconds} s)
          {view.auditRecordsOnTheirWay > 0 ? (
            <>
              : <strong>{view.auditRecordsOnTheirWay}</strong> on the way
            </>
          ) : null}
          .
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
      {message ? <p className="text-sm font-medium">{message}</p> : null}
      <ActionResult outcome={outcome} label="sandbox" />
    </section>
  );
}
