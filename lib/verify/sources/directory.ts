import { type RunDirectory } from "@/lib/directory/run-directory";
import { isDirectoryError } from "@/lib/directory/errors";
import { type DirectoryPort } from "@/lib/directory/port";
import { DirectoryScanner, type DirectoryStepId } from "@/lib/directory/scan";
import { type AutomaticResult } from "@/lib/steps/types";
import { result, type SourceAnswer, standAside, type VerificationSource, type VerifyContext } from "../types";
import { toAutomaticResult } from "../verdicts/directory";

// Verification sources that read Active Directory (LDAP, the sandbox's simulated directory, or an uploaded snapshot).
// The directory itself first (confidence "verified": read from the system of record), then the run's uploaded snapshot ("evidence":
// the same checks on what the collector script read). A source that cannot reach its directory stands aside with a
// notice that says why and what to do; the run is not changed by a check that could not run.

async function runOn(
  ctx: VerifyContext,
  directory: RunDirectory,
  port: DirectoryPort,
  stepId: DirectoryStepId,
  confidence: "verified" | "evidence",
): Promise<AutomaticResult> {
  try {
    // Delta re-checks (lib/directory/delta.ts) for the live directory's connector-permissions check: scheduled
    // re-checks, "Check now" and drift re-checks all come through here and read only what changed when they can.
    const store =
      confidence === "verified" && stepId === "connector-permissions" ? directory.deltaBaseline : undefined;
    const scanner = new DirectoryScanner(port, directory.settings, {
      onProgress: (p) => directory.onProgress?.(stepId, p),
      userTotal: directory.previousUserTotal ?? null,
      ...(store
        ? { delta: { baseline: await store.read(), save: (b) => store.save(b), now: () => ctx.now } }
        : {}),
    });
    const scan = await scanner.run(stepId);
    await directory.recordScan(scan);
    const collectedAt = port.kind === "snapshot" ? /collected (\S+)/.exec(port.describe())?.[1] : undefined;
    return toAutomaticResult(scan, confidence, directory.pending, ctx.now, collectedAt);
  } finally {
    await port.close();
  }
}

/** A directory that could not be read: the source stands aside and says why. Anything else is a bug: it throws. */
function unreadable(error: unknown, what: string): SourceAnswer {
  if (!isDirectoryError(error)) throw error;
  return standAside("unreachable", {
    code: `directory-${error.kind}`,
    severity: "warning",
    message: `${what}: ${error.sentence}`,
  });
}

export function liveDirectorySource(stepId: DirectoryStepId): VerificationSource {
  return {
    confidence: "verified",
    describe:
      "Active Directory over LDAPS (or StartTLS) with the wizard's read-only account; in the sandbox, the run's simulated directory",
    part: "directory",
    async check(ctx) {
      const directory = ctx.directory;
      if (!directory?.openLive) return standAside("not-configured");
      let port: DirectoryPort;
      try {
        port = await directory.openLive();
      } catch (error) {
        return unreadable(error, "The domain controller could not be read");
      }
      try {
        return result(await runOn(ctx, directory, port, stepId, "verified"));
      } catch (error) {
        return unreadable(error, "Reading the directory failed");
      }
    },
  };
}

export function snapshotSource(stepId: DirectoryStepId): VerificationSource {
  return {
    confidence: "evidence",
    describe: "The evidence snapshot uploaded for this run (collector script output)",
    part: "directory",
    async check(ctx) {
      const directory = ctx.directory;
      if (!directory) return standAside("not-configured");
      let port: DirectoryPort | null;
      try {
        port = await directory.openSnapshot();
      } catch (error) {
        return unreadable(error, "The uploaded snapshot could not be read");
      }
      if (!port) return standAside("not-configured");
      try {
        return result(await runOn(ctx, directory, port, stepId, "evidence"));
      } catch (error) {
        return unreadable(error, "Checking the uploaded snapshot failed");
      }
    },
  };
}

/** A directory step reads the directory itself first (verified), then the run's uploaded snapshot (evidence). */
export function directorySources(stepId: DirectoryStepId): VerificationSource[] {
  return [liveDirectorySource(stepId), snapshotSource(stepId)];
}
