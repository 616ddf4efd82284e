"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CLOUD_SYNC_COLLECT_SCRIPT_URL, cloudSyncApi } from "@/lib/client/cloud-sync-api";
import { useRunAccess } from "@/lib/client/run-access";
import { type CloudSyncAgentSummary } from "@/lib/contract/cloud-sync";
import { formatDateTime } from "@/lib/format";
import { type StepId } from "@/lib/steps/ids";
import { EvidenceFileInput, LiveMessage, useEvidencePanel } from "./evidence-panel";

// The cloud sync provisioning agents' own state (issue 13, item 5), on the prerequisites step: download the
// read-only agent collector, upload the file it writes on each agent server, read what each file says, remove one.
// Every string shown here comes from a file; React renders it as text, never as HTML. After a change the step is
// checked again, so its verdict follows the files. An upload by someone else shows up when the run's version moves
// on (the run layout's RunWatcher keeps the run polled).

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[12rem_1fr]">
      <dt className="font-medium">{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function writebackText(agent: CloudSyncAgentSummary): string {
  if (agent.writeback.enabled === true) return "On, as the file reports it";
  if (agent.writeback.enabled === false) return "Off, as the file reports it";
  return "Not readable on the agent server: check the admin center's On-premises integration page";
}

function versionText(agent: CloudSyncAgentSummary, minimum: string): string {
  if (!agent.installed) return "No provisioning agent found on this server";
  if (!agent.agentVersion) return "Not read";
  if (agent.belowMinimum)
    return `${agent.agentVersion}: older than ${minimum}, the minimum for password writeback`;
  return agent.agentVersion;
}

function serviceText(agent: CloudSyncAgentSummary): string {
  if (!agent.service)
    return agent.serviceError ? `Could not be read (${agent.serviceError})` : "Not registered on this server";
  const mode = agent.service.startMode ? `, start mode ${agent.service.startMode}` : "";
  return `${agent.service.state}${mode}`;
}

/** The provisioning agents' files, for a run that writes passwords back through cloud sync. */
export function CloudSyncEvidencePanel({ stepId }: { stepId: StepId }) {
  const access = useRunAccess();
  const { runId, state, busy, message, act } = useEvidencePanel(stepId, cloudSyncApi.state);
  // Closed until the run has a file; then open, and from there as the reader leaves it (a removal keeps it open).
  const [open, setOpen] = useState(false);
  const openedOnce = useRef(false);
  useEffect(() => {
    if (state && state.agents.length > 0 && !openedOnce.current) {
      openedOnce.current = true;
      setOpen(true);
    }
  }, [state]);

  function upload(text: string) {
    void act(async () => {
      const result = await cloudSyncApi.upload(runId, text);
      return {
        state: result,
        text: `The file of ${result.agent.computerName} was accepted; the step was checked again with it.`,
      };
    }, "The upload failed.");
  }

  function remove(computerName: string) {
    void act(
      async () => ({
        state: await cloudSyncApi.remove(runId, computerName),
        text: `The file of ${computerName} was removed; the step was checked again without it.`,
      }),
      "The removal failed.",
    );
  }

  const readOnly = access.role === "view";
  const agents = state?.agents ?? [];
  const minimum = state?.minimumAgentVersion ?? "1.1.977.0";
  const headingId = `${stepId}-cloud-sync`;
  const fileId = `${stepId}-cloud-sync-file`;
  const messageId = `${stepId}-cloud-sync-message`;
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary className="cursor-pointer">
          <h2 id={headingId} className="inline text-xl font-semibold">
            Using cloud sync instead of Connect?
          </h2>
        </summary>
        <div className="mt-3 space-y-3">
          <p>
            With Microsoft Entra Cloud Sync, passwords are written back by the provisioning agent on one or
            more of your servers. Run the read-only collector on each of them, in PowerShell as a local
            administrator, and upload the JSON file it writes. The wizard then checks the agent&apos;s version
            (writeback needs {minimum} or later) and its service. The result counts as evidence.
          </p>
          <p>
            <a className="underline" href={CLOUD_SYNC_COLLECT_SCRIPT_URL} download>
              Download the provisioning agent collector (PowerShell)
            </a>
          </p>
          {readOnly ? null : (
            <EvidenceFileInput
              id={fileId}
              label="Upload an agent server's file (.json); a new file from the same server replaces its old one"
              busy={busy}
              messageId={messageId}
              onText={upload}
            />
          )}
          <LiveMessage id={messageId} message={message} />
          {agents.length === 0 ? (
            <p>No provisioning agent file has been uploaded for this run.</p>
          ) : (
            <ul className="space-y-3">
              {agents.map((agent) => (
                <li
                  key={agent.computerName}
                  className="space-y-2 rounded-md border border-slate-300 p-3 dark:border-slate-600"
                >
                  <h3 className="font-semibold">Agent server {agent.computerName}</h3>
                  {agent.stale ? (
                    <p className="rounded-md bg-amber-50 p-2 text-amber-950 dark:bg-amber-950 dark:text-amber-50">
                      Collected more than 24 hours ago. It still counts, but run the collector again and
                      upload the new file.
                    </p>
                  ) : null}
                  <dl className="space-y-1">
                    <Row term="Agent version">{versionText(agent, minimum)}</Row>
                    <Row term="Agent service">{serviceText(agent)}</Row>
                    <Row term="Runs as">{agent.service?.account ?? "Not read"}</Row>
                    <Row term="Password writeback">{writebackText(agent)}</Row>
                    <Row term="Collected">{formatDateTime(agent.collectedAt)}</Row>
                  </dl>
                  {readOnly ? null : (
                    <Button
                      type="button"
                      variant="secondary"
                      disabled={busy}
                      onClick={() => remove(agent.computerName)}
                    >
                      Remove the file of {agent.computerName}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      </details>
    </section>
  );
}
