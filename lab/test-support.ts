// How integration tests find the lab: via loadLabSettings(). Without a provisioned lab they are
// skipped, unless REQUIRE_INTEGRATION=1 (CI), where a missing lab is a failure with a clear message.

import { describe, it } from "vitest";

import { integrationRequired } from "@/lib/testing/integration";

import { installLdaptsParsePatch } from "@/lib/directory/ldapts-parse-patch";
import { type LabSettings, LabNotProvisionedError, defaultLabDir, tryLoadLabSettings } from "./settings";

export interface IntegrationLab {
  settings: LabSettings | undefined;
  /** True when the suite should be skipped (no lab and not required). */
  skip: boolean;
}

export function integrationLab(): IntegrationLab {
  // The lab suites read the directory as the server does, so with the same start-up patch.
  installLdaptsParsePatch();
  const settings = tryLoadLabSettings();
  if (!settings && integrationRequired()) {
    // Registered at collection time so the run fails visibly instead of silently skipping.
    describe("lab integration prerequisites", () => {
      it("needs a provisioned lab (REQUIRE_INTEGRATION=1)", () => {
        throw new LabNotProvisionedError(defaultLabDir());
      });
    });
  }
  return { settings, skip: !settings };
}

/** Narrows the settings inside a suite that only runs when they exist. */
export function requireSettings(lab: IntegrationLab): LabSettings {
  if (!lab.settings) throw new LabNotProvisionedError(defaultLabDir());
  return lab.settings;
}
