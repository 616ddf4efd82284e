// How a step reads the Connect server's own state: the evidence file the Connect collector wrote on that server and
// someone uploaded for this run (ctx.connectEvidence), judged by ../verdicts/connect.ts at confidence "evidence".
// Without a file the source stands aside, saying how to get one.

import { result, standAside, type VerificationSource } from "../types";
import { type ConnectQuestion, evaluateConnectEvidence } from "../verdicts/connect";

const HOW =
  "Download the Connect server collector on this step, run it in an elevated PowerShell on the Microsoft Entra Connect server, and upload the file it writes here: the wizard then checks the server itself (writeback setting, ADSync service, version, heartbeat, Service Bus, TLS 1.2).";

export function connectEvidenceSource(
  question: ConnectQuestion,
  options: { part?: string; optional?: boolean } = {},
): VerificationSource {
  return {
    confidence: "evidence",
    describe: "the Connect server's own state, from the collector's file uploaded for this run",
    ...options,
    async check(ctx) {
      const evidence = ctx.connectEvidence ? await ctx.connectEvidence() : null;
      if (!evidence)
        return standAside(
          "not-configured",
          options.optional ? null : { code: "connect-evidence-missing", severity: "info", message: HOW },
        );
      return result(evaluateConnectEvidence(evidence, question, ctx.now));
    },
  };
}
