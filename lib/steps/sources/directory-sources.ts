import { type DirectoryContext } from "@/lib/directory/context";
import { isDirectoryError } from "@/lib/directory/errors";
import { type DirectoryPort } from "@/lib/directory/port";
import { DirectoryScanner, type DirectoryStepId } from "@/lib/directory/scan";
import { toAutomaticResult } from "@/lib/directory/step-results";
import { type StepId } from "../ids";
import { type AutomaticResult, type VerificationSource, type VerifyContext } from "../verifiers";

// Verification sources that read Active Directory (LDAP, an uploaded snapshot, or the sandbox snapshot).
// LDAP first (confidence "verified": read from the system of record), then the run's uploaded snapshot ("evidence":
// the same checks on what the collector script read). A source that cannot reach its directory stands aside with a
// notice that says why and what to do; the run is not changed by a check that could not run.

async function runOn(
  ctx: VerifyContext,
  directory: DirectoryContext,
  port: DirectoryPort,
  stepId: DirectoryStepId,
  confidence: "verified" | "evidence",
): Promise<AutomaticResult> {
  try {
    const scanner = new DirectoryScanner(port, directory.settings, {
      onProgress: (p) => directory.onProgress?.(stepId, p),
      userTotal: directory.previousUserTotal ?? null,
    });
    const scan = await scanner.run(stepId);
    await directory.recordScan(scan);
    const collectedAt = port.kind === "snapshot" ? /collected (\S+)/.exec(port.describe())?.[1] : undefined;
    return toAutomaticResult(scan, confidence, directory.pending, ctx.now, collectedAt);
  } finally {
    await port.close();
  }
}

function standAside(ctx: VerifyContext, error: unknown, what: string): null {
  if (!isDirectoryError(error)) throw error;
  (ctx.notices ??= []).push({
    code: `directory-${error.kind}`,
    severity: "warning",
    message: `${what}: ${error.sentence}`,
  });
  return null;
}

function ldapSource(stepId: DirectoryStepId): VerificationSource {
  return {
    confidence: "verified",
    describe: "Active Directory over LDAPS (or StartTLS) with the wizard's read-only account",
    part: "directory",
    async check(ctx) {
      const directory = ctx.directory;
      if (!directory?.openLdap) return null;
      let port: DirectoryPort;
      try {
        port = await directory.openLdap();
      } catch (error) {
        return standAside(ctx, error, "The domain controller could not be read");
      }
      try {
        return await runOn(ctx, directory, port, stepId, "verified");
      } catch (error) {
        return standAside(ctx, error, "Reading the directory failed");
      }
    },
  };
}

function snapshotSource(stepId: DirectoryStepId): VerificationSource {
  return {
    confidence: "evidence",
    describe: "The evidence snapshot uploaded for this run (collector script output)",
    part: "directory",
    async check(ctx) {
      const directory = ctx.directory;
      if (!directory) return null;
      let port: DirectoryPort | null;
      try {
        port = await directory.openSnapshot();
      } catch (error) {
        return standAside(ctx, error, "The uploaded snapshot could not be read");
      }
      if (!port) return null;
      try {
        return await runOn(ctx, directory, port, stepId, "evidence");
      } catch (error) {
        return standAside(ctx, error, "Checking the uploaded snapshot failed");
      }
    },
  };
}

export const DIRECTORY_SOURCES: Partial<Record<StepId, readonly VerificationSource[]>> = {
  // Prerequisites from a snapshot: DC versions, policy-hints controls (rootDSE supportedControl) and the connector
  // account as the collector read them — "evidence", so the step's directory part is the weaker of the two.
  prerequisites: [ldapSource("prerequisites"), snapshotSource("prerequisites")],
  "connector-permissions": [ldapSource("connector-permissions"), snapshotSource("connector-permissions")],
  "password-policy": [ldapSource("password-policy"), snapshotSource("password-policy")],
  "revoke-connector-permissions": [
    ldapSource("revoke-connector-permissions"),
    snapshotSource("revoke-connector-permissions"),
  ],
};
