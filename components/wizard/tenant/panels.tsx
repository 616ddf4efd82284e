"use client";

import { type ComponentType } from "react";
import { useRunStore } from "@/lib/client/run-store-provider";
import { type StepId } from "@/lib/steps/ids";
import { EndToEndPanel } from "./end-to-end-panel";
import { NoApiNotice } from "./no-api-notice";
import { SandboxControls } from "./sandbox-controls";
import { SignInPanel } from "./sign-in-panel";

// Step-specific panels for the cloud steps (sign-in, Graph results, the end-to-end test). Live runs show the
// Entra sign-in (MSAL loads only then); sandbox runs show the controls that play the real systems' part.

function Tenant({ stepId, children }: { stepId: StepId; children?: React.ReactNode }) {
  const mode = useRunStore((s) => s.run.mode);
  return (
    <div className="space-y-4">
      {mode === "live" ? <SignInPanel stepId={stepId} /> : null}
      {children}
    </div>
  );
}

function sandboxOnly(variant: "connect" | "portal" | "unlock") {
  return function SandboxPart() {
    const mode = useRunStore((s) => s.run.mode);
    return mode === "sandbox" ? <SandboxControls variant={variant} /> : null;
  };
}

const ConnectSandbox = sandboxOnly("connect");
const PortalSandbox = sandboxOnly("portal");
const UnlockSandbox = sandboxOnly("unlock");

export const TENANT_PANELS: Partial<Record<StepId, ComponentType<{ stepId: StepId }>>> = {
  prerequisites: ({ stepId }) => <Tenant stepId={stepId} />,
  "connect-writeback": ({ stepId }) => (
    <Tenant stepId={stepId}>
      <ConnectSandbox />
    </Tenant>
  ),
  "disable-connect-writeback": ({ stepId }) => (
    <Tenant stepId={stepId}>
      <ConnectSandbox />
    </Tenant>
  ),
  "sspr-writeback": ({ stepId }) => (
    <Tenant stepId={stepId}>
      <NoApiNotice />
      <PortalSandbox />
    </Tenant>
  ),
  "sspr-unlock": ({ stepId }) => (
    <Tenant stepId={stepId}>
      <NoApiNotice />
      <UnlockSandbox />
    </Tenant>
  ),
  "disable-sspr-options": ({ stepId }) => (
    <Tenant stepId={stepId}>
      <NoApiNotice />
      <PortalSandbox />
    </Tenant>
  ),
  "confirm-disabled": ({ stepId }) => (
    <Tenant stepId={stepId}>
      <NoApiNotice />
    </Tenant>
  ),
  "end-to-end-test": ({ stepId }) => (
    <Tenant stepId={stepId}>
      <EndToEndPanel />
    </Tenant>
  ),
};
