"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiCallError } from "@/lib/client/api";
import { useRunAccess } from "@/lib/client/run-access";
import {
  fetchSandboxDirectory,
  sandboxDirectoryControl,
  type SandboxDirectoryControl,
  type SandboxDirectoryView,
} from "@/lib/client/sandbox-directory";
import { type StepId } from "@/lib/steps/ids";

// Sandbox only: buttons that play the domain admin's part outside the wizard in the run's simulated directory —
// the changes the wizard cannot make itself (upgrading domain controllers, a Group Policy setting) and, for a
// clean-up run, the delegation an earlier enable flow left. The checks then find the result as over LDAP.

const BOX =
  "space-y-3 rounded-lg border border-amber-400 bg-amber-50 p-4 text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-50";

const BUTTONS: Partial<Record<StepId, { control: SandboxDirectoryControl; label: string }[]>> = {
  prerequisites: [
    {
      control: { action: "upgrade-domain-controllers" },
      label: "Simulate: the DCs are upgraded to Windows Server 2016 or later (policy hints supported)",
    },
  ],
  "password-policy": [
    {
      control: { action: "minimum-password-age-zero" },
      label: "Simulate: the domain's minimum password age is set to 0",
    },
  ],
  "revoke-connector-permissions": [
    {
      control: { action: "delegation-in-place" },
      label: "Simulate: the connector still holds the writeback delegation from the enable flow",
    },
  ],
};

export function SandboxDirectoryControls({ runId, stepId }: { runId: string; stepId: StepId }) {
  // A view link shows the run's simulated directory but may not change it (the server refuses it too).
  const readOnly = useRunAccess().role === "view";
  const [view, setView] = useState<SandboxDirectoryView | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    fetchSandboxDirectory(runId)
      .then((v) => live && setView(v))
      .catch(() => live && setMessage("The sandbox directory could not be read."));
    return () => {
      live = false;
    };
  }, [runId]);

  async function act(control: SandboxDirectoryControl) {
    setBusy(true);
    try {
      const next = await sandboxDirectoryControl(runId, control);
      setView(next);
      setMessage(next.message);
    } catch (error) {
      setMessage(error instanceof ApiCallError ? error.message : "The sandbox did not answer.");
    } finally {
      setBusy(false);
    }
  }

  const headingId = `${stepId}-sandbox-directory`;
  return (
    <section aria-labelledby={headingId} className={BOX}>
      <h3 id={headingId} className="text-lg font-semibold">
        Sandbox directory
      </h3>
      <p className="text-sm">
        This run reads a simulated copy of a domain exported from the test lab. The buttons here play the
        domain admin&apos;s part outside the wizard; the wizard&apos;s own fixes, on the permission steps,
        change the copy too. Then press “Check now” to see what the wizard finds.
      </p>
      {view ? (
        <ul className="list-disc pl-6 text-sm">
          {view.domainControllers.map((dc) => (
            <li key={dc.name}>
              Domain controller {dc.name}: <strong>{dc.operatingSystem}</strong>, password-policy hints{" "}
              <strong>{dc.policyHints ? "supported" : "not supported"}</strong>
            </li>
          ))}
          {view.minimumPasswordAge.map((p) => (
            <li key={p.policy}>
              {p.policy}: minimum password age <strong>{p.age}</strong>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {(BUTTONS[stepId] ?? []).map((b) => (
          <Button
            key={b.control.action}
            variant="secondary"
            disabled={busy || readOnly}
            onClick={() => act(b.control)}
          >
            {b.label}
          </Button>
        ))}
        <Button variant="secondary" disabled={busy || readOnly} onClick={() => act({ action: "restore" })}>
          Restore the sandbox directory to its starting state
        </Button>
      </div>
      <div aria-live="polite" className="text-sm font-medium">
        {message}
      </div>
    </section>
  );
}
