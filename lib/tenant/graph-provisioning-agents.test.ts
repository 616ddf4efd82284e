import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STEP_CATALOGUE } from "@/lib/steps/catalogue";
import { GRAPH_VERSION } from "./graph-client";

// Microsoft Graph lists provisioning agents (cloud sync) only in beta, with id, machine name, external IP and
// status, and only under the delegated permission OnPremisesPublishingProfiles.ReadWrite.All. The wizard reads
// v1.0 and asks for no write permission to check, so it does not call that endpoint, and says it cannot check it.

describe("cloud sync provisioning agents through Microsoft Graph", () => {
  it("are not read: Graph v1.0 only, no OnPremisesPublishingProfiles permission, no call to the endpoint", () => {
    expect(GRAPH_VERSION).toBe("v1.0");
    for (const step of Object.values(STEP_CATALOGUE))
      expect(step.graphScopes.join(" ")).not.toMatch(/OnPremisesPublishingProfiles/i);
    const adapter = readFileSync(join(__dirname, "graph-adapter.ts"), "utf8");
    expect(adapter).not.toMatch(/onPremisesPublishingProfiles/i);
  });

  it("and the prerequisites step says that it cannot check them, and what answers instead", () => {
    const text = STEP_CATALOGUE.prerequisites.verification.description;
    expect(text).toMatch(
      /Not checked through Microsoft Graph: whether cloud sync agents are installed and active/,
    );
    expect(text).toMatch(/provisioning agent collector/);
  });
});
