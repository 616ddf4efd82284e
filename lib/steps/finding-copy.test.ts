import { describe, expect, it } from "vitest";
import { FINDING_CODES } from "./finding-codes";
import { codesWithoutCopy, DIRECTORY_FINDING_COPY, findingCopy, SEVERITY_WORDS } from "./finding-copy";

describe("finding copy", () => {
  it("has copy for every code of finding-codes.ts", () => {
    expect(codesWithoutCopy()).toEqual([]);
    for (const code of FINDING_CODES) {
      const copy = DIRECTORY_FINDING_COPY[code];
      expect(copy.title, code).toMatch(/^[A-Z]/);
      expect(copy.title, code).not.toContain(code);
      expect(copy.short.length, code).toBeGreaterThan(3);
      expect(copy.meaning, code).toMatch(/\.$/);
    }
  });

  it("gives every severity a word, not only a colour", () => {
    expect(SEVERITY_WORDS).toEqual({ blocking: "Blocking", warning: "Warning", information: "Information" });
  });

  it("takes the check's own severity over the table's", () => {
    expect(findingCopy({ code: "orphaned-admincount", message: "x", severity: "warning" }).severity).toBe(
      "warning",
    );
    expect(findingCopy({ code: "orphaned-admincount", message: "x" }).severity).toBe("blocking");
    expect(
      findingCopy({ code: "dc-policy-hints-unsupported", message: "x", severity: "error" }).severity,
    ).toBe("blocking");
    expect(findingCopy({ code: "samserver-read", message: "x", severity: "info" }).severity).toBe(
      "information",
    );
  });

  it("offers the wizard's own action where it can act", () => {
    expect(findingCopy({ code: "missing-delegation", message: "x" }).action).toBe("apply-fix");
    expect(findingCopy({ code: "connector-unconfirmed", message: "x" }).action).toBe("confirm-connector");
    expect(findingCopy({ code: "delegation-still-present", message: "x" }).action).toBe("apply-revoke");
    expect(findingCopy({ code: "protected-account", message: "x" }).action).toBeUndefined();
  });

  it("titles an unknown code from its own first sentence", () => {
    const copy = findingCopy({
      code: "brand-new",
      message: "Something odd happened. Do this.",
      severity: "warning",
    });
    expect(copy).toMatchObject({ severity: "warning", title: "Something odd happened", short: "brand new" });
  });
});
