import { afterEach, describe, expect, it, vi } from "vitest";
import { integrationRequired, prerequisite } from "./integration";

describe("prerequisite", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("skips an absent prerequisite in an ordinary run", () => {
    vi.stubEnv("REQUIRE_INTEGRATION", "");
    expect(integrationRequired()).toBe(false);
    expect(prerequisite("no lab").skip).toBe(true);
    expect(prerequisite(null).skip).toBe(false);
  });

  it("does not skip, and fails with the reason, when REQUIRE_INTEGRATION=1", () => {
    vi.stubEnv("REQUIRE_INTEGRATION", "1");
    const absent = prerequisite("the lab is not provisioned (node cli/bin.mjs lab up)");
    expect(absent.skip).toBe(false);
    expect(() => absent.assertPresent()).toThrow(
      "REQUIRE_INTEGRATION=1, but the lab is not provisioned (node cli/bin.mjs lab up)",
    );
    expect(() => prerequisite(null).assertPresent()).not.toThrow();
  });
});
