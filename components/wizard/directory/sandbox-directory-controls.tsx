"use client";

import { Button } from "@/components/ui/button";
import { fetchSandboxDirectory, sandboxDirectoryControl } from "@/lib/client/sandbox-directory";
import { type SandboxDirectoryControl, type SandboxDirectoryView } from "@/lib/contract/sandbox";
import { type StepId } from "@/lib/steps/ids";
import { ActionResult } from "../action-result";
import { SANDBOX_BOX, useSandboxControls } from "../use-sandbox-controls";

// Sandbox only: buttons that play the domain admin's part outside the wizard in the run's simulated directory —
// the changes the wizard cannot make itself (upgrading domain controllers, a Group Policy setting) and, for a
// clean-up run, the delegation an earlier enable flow left. The checks then find the result as over LDAP.

const DIRECTORY_API = { read: fetchSandboxDirectory, act: sandboxDirectoryControl };

const BUTTONS: Partial<Record<StepId, { control: SandboxDirectoryControl; label: string }[]>> = {
  prerequisites: [
    {
      control: { action: "upgrade-domain-controllers" },
      label: "Simulate: the DCs offer the password-policy hints control",
    },
  ],
  "password-policy": [
    {
      control: { action: "minimum-password-age-zero" },
      label: "Simulate: the minimum password age is set to 0 in every password policy",
    },
    {
      control: { action: "password-settings-readable" },
      label: "Simulate: the wizard's account is granted Read on the Password Settings Container",
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
  const { view, message, outcome, busy, readOnly, act } = useSandboxControls<
    SandboxDirectoryView,
    SandboxDirectoryControl
  >(runId, DIRECTORY_API, "sandbox directory");

  const headingId = `${stepId}-sandbox-directory`;
  return (
    <section aria-labelledby={headingId} className={SANDBOX_BOX}>
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
          {view.unreadablePolicies.map((policy) => (
            <li key={policy}>
              {policy}: <strong>not readable by the wizard&apos;s account</strong>
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
      {message ? <p className="text-sm font-medium">{message}</p> : null}
      <ActionResult outcome={outcome} label="sandbox" />
    </section>
  );
}
