"use client";

import { Button } from "@/components/ui/button";
import { CONNECT_COLLECT_SCRIPT_URL, connectApi } from "@/lib/client/connect-api";
import { useRunAccess } from "@/lib/client/run-access";
import { useRunStore } from "@/lib/client/run-store-provider";
import { type ConnectEvidenceSummary, type SandboxConnectAction } from "@/lib/contract/connect";
import { formatDateTime } from "@/lib/format";
import { type StepId } from "@/lib/steps/ids";
import { EvidenceFileInput, LiveMessage, useEvidencePanel } from "./evidence-panel";

// The Connect server's own state (issue 13): download the read-only collector, upload the file it writes, and
// read what it says. Every string shown here comes from that file; React renders it as text, never as HTML.
// After an upload the step is checked again, so the verdict (at confidence "evidence") follows the file. Other
// people looking at the run see a new upload through the run's polling (its version moves on).

const SANDBOX_ACTIONS: { action: SandboxConnectAction; label: string }[] = [
  { action: "upload-evidence", label: "Simulate: the Connect server's evidence is uploaded" },
  { action: "stop-adsync", label: "Simulate: the ADSync service stops" },
  { action: "block-service-bus", label: "Simulate: a firewall blocks Service Bus" },
  { action: "restore", label: "Simulate: the Connect server is repaired" },
];

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[14rem_1fr]">
      <dt className="font-medium">{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Summary({ evidence, headingId }: { evidence: ConnectEvidenceSummary; headingId: string }) {
  return (
    <div className="space-y-3">
      <h3 id={headingId} className="text-lg font-semibold">
        What the collector found on {evidence.computerName}
      </h3>
      {evidence.stale ? (
        <p
          role="status"
          className="rounded-md bg-amber-50 p-2 text-amber-950 dark:bg-amber-950 dark:text-amber-50"
        >
          This file was collected {formatDateTime(evidence.collectedAt)}, more than 24 hours ago. It still
          counts, but run the collector again and upload the new file so the check reflects the server as it
          is now.
        </p>
      ) : null}
      <dl className="space-y-2">
        <Row term="Collected">{formatDateTime(evidence.collectedAt)}</Row>
        <Row term="Password writeback">
          {evidence.writeback
            ? `${evidence.writeback.enabled ? "On" : "Off"} (connector “${evidence.writeback.connector}”)`
            : "Not read: the collector could not read the setting"}
        </Row>
        <Row term="ADSync service">
          {evidence.service
            ? `${evidence.service.status}${evidence.service.startType ? ` (start type ${evidence.service.startType})` : ""}`
            : "Not installed on this server"}
        </Row>
        <Row term="Connect version">{evidence.connectVersion ?? "Not read"}</Row>
        <Row term="Service Bus heartbeat (31019)">
          {evidence.heartbeat.lastTime
            ? `Last at ${formatDateTime(evidence.heartbeat.lastTime)} (${evidence.heartbeat.count.toLocaleString("en-US")} since ${formatDateTime(evidence.eventsSince)})`
            : `None since ${formatDateTime(evidence.eventsSince)}`}
        </Row>
        <Row term="Service Bus on port 443">
          {evidence.serviceBus.length === 0 ? (
            "Not tested (Microsoft names no host to test in this cloud)"
          ) : (
            <ul>
              {evidence.serviceBus.map((probe) => (
                <li key={probe.computerName}>
                  {probe.computerName}: {probe.reachable ? "reachable" : "not reachable"}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row term="AD DS connector account">
          {evidence.connectorAccounts.length === 0
            ? "None found"
            : evidence.connectorAccounts.map((a) => `${a.account} (connector “${a.connector}”)`).join(", ")}
        </Row>
        <Row term="Runs on a domain controller">{evidence.domainController ? "Yes" : "No"}</Row>
      </dl>
      <h4 className="font-semibold">Writeback errors since {formatDateTime(evidence.eventsSince)}</h4>
      {evidence.errors.length === 0 ? (
        <p>None logged.</p>
      ) : (
        <ul className="space-y-2">
          {evidence.errors.map((e) => (
            <li
              key={`${e.providerName}-${e.id}`}
              className="rounded-md border border-slate-300 p-2 dark:border-slate-600"
            >
              <p className="font-medium">
                {e.providerName} {e.id} {e.name}: {e.count.toLocaleString("en-US")} time
                {e.count === 1 ? "" : "s"}, last at {formatDateTime(e.lastTime)}
              </p>
              <p>{e.meaning}</p>
              {e.fix ? <p>What to do: {e.fix}</p> : null}
              {e.newestMessage ? (
                <p className="text-sm text-slate-700 dark:text-slate-300">
                  Newest message: <span className="break-words font-mono">{e.newestMessage}</span>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const loadEvidence = (runId: string) => connectApi.state(runId).then((s) => s.evidence);

/** The Connect server's evidence on connect-writeback, disable-connect-writeback and prerequisites. */
export function ConnectEvidencePanel({ stepId }: { stepId: StepId }) {
  const mode = useRunStore((s) => s.run.mode);
  const access = useRunAccess();
  const { runId, state: evidence, loaded, busy, message, act } = useEvidencePanel(stepId, loadEvidence);

  function upload(text: string) {
    void act(async () => {
      const { evidence: summary } = await connectApi.upload(runId, text);
      return {
        state: summary,
        text: `Evidence from ${summary.computerName} accepted; the step was checked again with it.`,
      };
    }, "The upload failed.");
  }

  function simulate(action: SandboxConnectAction) {
    void act(async () => {
      const result = await connectApi.sandbox(runId, action);
      return { state: result.evidence, text: result.message };
    }, "The simulation failed.");
  }

  if (!loaded) return null;
  const readOnly = access.role === "view";
  const headingId = `${stepId}-connect-evidence`;
  const messageId = `${stepId}-connect-message`;
  return (
    <section
      aria-labelledby={headingId}
      className="space-y-3 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <h2 id={headingId} className="text-xl font-semibold">
        The Connect server&apos;s own state
      </h2>
      <p>
        Microsoft offers no API for the Connect server. Run the read-only collector there, in an elevated
        PowerShell (it uses the ADSync module Connect installs), and upload the JSON file it writes: the
        wizard then checks the writeback setting, the ADSync service, the Connect version, the heartbeat,
        Service Bus and TLS 1.2 itself. The result counts as evidence.
      </p>
      <p>
        <a className="underline" href={CONNECT_COLLECT_SCRIPT_URL} download>
          Download the Connect server collector (PowerShell)
        </a>
      </p>
      {readOnly ? null : (
        <EvidenceFileInput
          id={`${stepId}-connect-file`}
          label="Upload the Connect server's evidence (.json)"
          busy={busy}
          messageId={messageId}
          onText={upload}
        />
      )}
      {mode === "sandbox" && !readOnly ? (
        <fieldset className="space-y-2">
          <legend className="font-medium">Sandbox: play the Connect server</legend>
          <div className="flex flex-wrap gap-2">
            {SANDBOX_ACTIONS.map(({ action, label }) => (
              <Button
                key={action}
                type="button"
                variant="secondary"
                disabled={busy}
                onClick={() => simulate(action)}
              >
                {label}
              </Button>
            ))}
          </div>
        </fieldset>
      ) : null}
      <LiveMessage id={messageId} message={message} />
      {evidence ? (
        <Summary evidence={evidence} headingId={`${stepId}-connect-summary`} />
      ) : (
        <p>No Connect server evidence has been uploaded for this run yet.</p>
      )}
    </section>
  );
}
