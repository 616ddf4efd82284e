import { describe, expect, it } from "vitest";
import { type AutomaticResult } from "@/lib/steps/types";
import { runVerifier, standAsideSummary } from "./run-verifier";
import {
  result as answer,
  standAside,
  type StepVerifier,
  type VerificationSource,
  type VerifyContext,
} from "./types";

// Steps judged in parts (prerequisites: the directory part and the tenant part): every part must answer for a pass,
// a failure of any part is recorded, and the weakest confidence wins.

const ctx: VerifyContext = { run: { id: "r", flow: "enable", mode: "sandbox" }, now: new Date() };
const result = (
  status: AutomaticResult["status"],
  confidence: AutomaticResult["confidence"],
  code: string,
): AutomaticResult => ({
  status,
  confidence,
  findings: [{ code, message: code, severity: status === "failed" ? "error" : "info" }],
  evidence: { code },
  remediation: [],
});
const source = (given: AutomaticResult | null, part?: string): VerificationSource => ({
  confidence: "verified",
  describe: "",
  check: async () => (given ? answer(given) : standAside("not-configured")),
  ...(part ? { part } : {}),
});
const verifier = (...sources: VerificationSource[]): StepVerifier => ({ stepId: "prerequisites", sources });

describe("runVerifier with parts", () => {
  it("passes only when every part passes, with the weakest confidence and both parts' findings", async () => {
    const outcome = await runVerifier(
      verifier(
        source(result("passed", "verified", "dir"), "directory"),
        source(result("passed", "evidence", "tenant")),
      ),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "passed", confidence: "evidence" } });
    if (outcome.kind === "checked")
      expect(outcome.result.findings.map((f) => f.code)).toEqual(["dir", "tenant"]);
  });

  it("records a failure of one part even when the other could not be read", async () => {
    const outcome = await runVerifier(
      verifier(source(result("failed", "verified", "dir"), "directory"), source(null)),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "failed" } });
  });

  it("asks for an attestation when a part could not be read and nothing failed", async () => {
    const outcome = await runVerifier(
      verifier(source(result("passed", "verified", "dir"), "directory"), source(null)),
      ctx,
    );
    expect(outcome.kind).toBe("needs-attestation");
    if (outcome.kind === "needs-attestation") expect(outcome.findings[0]?.message).toMatch(/\(main\)/);
  });

  it("keeps the first-answer-wins rule within a part and for steps without parts", async () => {
    const outcome = await runVerifier(
      verifier(source(null), source(result("passed", "evidence", "second"))),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: "checked", result: { confidence: "evidence" } });
  });
});

describe("the summary of a step no source could judge says why", () => {
  const reasonSource = (reason: Parameters<typeof standAside>[0]): VerificationSource => ({
    confidence: "evidence",
    describe: "",
    check: async () => standAside(reason, { code: `n-${reason}`, severity: "info", message: reason }),
  });
  const summaryOf = async (...sources: VerificationSource[]) => {
    const outcome = await runVerifier(verifier(...sources), ctx);
    if (outcome.kind !== "needs-attestation") throw new Error("expected attestation");
    return outcome.findings[0]!.message;
  };

  it("nothing recorded yet: the system was read, so no word of a connection", async () => {
    const message = await summaryOf(reasonSource("nothing-recorded"));
    expect(message).toMatch(
      /^The wizard read the system it checks, but what it judges this step by has not been recorded yet/,
    );
    expect(message).not.toMatch(/reach|connection/);
  });

  it("unreachable: the connection or the access is named", async () => {
    expect(await summaryOf(reasonSource("unreachable"))).toMatch(
      /^An automatic check could not read the system/,
    );
  });

  it("not configured: says what to set up", async () => {
    expect(await summaryOf(reasonSource("not-configured"))).toMatch(
      /^No automatic check has anything to read/,
    );
  });

  it("both at once: both are told, the record first", async () => {
    const message = await summaryOf(reasonSource("unreachable"), reasonSource("nothing-recorded"));
    expect(message).toMatch(/has not been recorded yet.*Another automatic check could not read/);
  });

  it("no source at all", () => {
    expect(standAsideSummary(new Set(), 0)).toMatch(/cannot check this step automatically yet/);
  });
});

describe("runVerifier with an optional part", () => {
  const optional = (given: AutomaticResult | null): VerificationSource => ({
    ...source(given, "connect"),
    optional: true,
  });

  it("does not hold the step back when the optional part has nothing to read", async () => {
    const outcome = await runVerifier(
      verifier(
        source(result("passed", "verified", "dir"), "directory"),
        source(result("passed", "verified", "t"), "tenant"),
        optional(null),
      ),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "passed", confidence: "verified" } });
  });

  it("fails the step when the optional part answers with a failure", async () => {
    const outcome = await runVerifier(
      verifier(
        source(result("passed", "verified", "dir"), "directory"),
        source(result("passed", "verified", "t"), "tenant"),
        optional(result("failed", "evidence", "adsync-stopped")),
      ),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "failed", confidence: "evidence" } });
  });
});
