import { describe, expect, it } from "vitest";
import { type RunDirectory } from "@/lib/directory/run-directory";
import { SnapshotDirectory } from "@/lib/directory/snapshot";
import { fixtureSnapshot } from "@/lib/directory/testing/fixture";
import { getStep } from "@/lib/steps/catalogue";
import { resultOf } from "@/lib/testing/verify";
import { runVerifier, VERIFIERS } from "../run-verifier";
import { type VerificationSource, type VerifyContext } from "../types";

// The prerequisites' directory part from an uploaded snapshot (no LDAP connection): DC versions, policy-hints
// controls and the connector account, as evidence.

type Snapshot = ReturnType<typeof fixtureSnapshot>;

function directoryFrom(snapshot: Snapshot | null, confirmedConnectorDn: string | null = null): RunDirectory {
  return {
    openLive: null,
    openSnapshot: async () => (snapshot ? new SnapshotDirectory(snapshot) : null),
    settings: { connector: null, confirmedConnectorDn, scope: [] },
    pending: [],
    recordScan: async () => {},
  };
}

const ctxWith = (directory?: RunDirectory): VerifyContext => ({
  run: { id: "r", flow: "enable", mode: "live" },
  now: new Date("2026-11-25T10:00:00Z"),
  ...(directory ? { directory } : {}),
});

/** The fixture with only its Windows Server 2022 DC (which offers the policy-hints control). */
function healthySnapshot(): Snapshot {
  const snapshot = fixtureSnapshot();
  for (const d of snapshot.domains) d.domainControllers = d.domainControllers.slice(0, 1);
  return snapshot;
}
const CONNECTOR_DN = fixtureSnapshot().connector!.dn;

const snapshotSource = (): VerificationSource => {
  const source = VERIFIERS.prerequisites.sources.find((s) => s.confidence === "evidence");
  if (!source) throw new Error("no snapshot source for the prerequisites");
  return source;
};

describe("prerequisites from an uploaded snapshot", () => {
  it("is accepted by the catalogue as evidence and sits after LDAP, in the directory part", () => {
    expect(getStep("prerequisites").verification.kinds).toContain("evidence");
    const sources = VERIFIERS.prerequisites.sources.filter((s) => s.part === "directory");
    expect(sources.map((s) => [s.confidence, s.part])).toEqual([
      ["verified", "directory"],
      ["evidence", "directory"],
    ]);
  });

  it("reports the old DC, the missing policy-hints control and the unconfirmed connector as evidence", async () => {
    const result = await resultOf(snapshotSource().check(ctxWith(directoryFrom(fixtureSnapshot()))));
    expect(result).toMatchObject({ status: "failed", confidence: "evidence" });
    const codes = result!.findings.map((f) => `${f.code}:${f.target?.split(",")[0]}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "dc-os-old:CN=DC02",
        "dc-policy-hints-unsupported:CN=DC02",
        "connector-unconfirmed:CN=MSOL_ab12cd34ef56",
      ]),
    );
    expect(result!.evidence).toMatchObject({
      collectedAt: "2026-11-25T09:00:00.000Z",
      connector: expect.stringContaining("MSOL_ab12cd34ef56"),
    });
    expect(String(result!.evidence.summary)).toMatch(/2 domain controllers read/);
  });

  it("passes the directory part for a healthy snapshot with the connector confirmed", async () => {
    const result = await resultOf(
      snapshotSource().check(ctxWith(directoryFrom(healthySnapshot(), CONNECTOR_DN))),
    );
    expect(result?.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(result).toMatchObject({ status: "passed", confidence: "evidence" });
  });

  it("stands aside without a snapshot (and without LDAP)", async () => {
    expect(await resultOf(snapshotSource().check(ctxWith(directoryFrom(null))))).toBeNull();
    expect(await resultOf(snapshotSource().check(ctxWith()))).toBeNull();
  });

  it("through the step's verifier: a failing snapshot fails the step even with the tenant part unread", async () => {
    const outcome = await runVerifier(VERIFIERS["prerequisites"], ctxWith(directoryFrom(fixtureSnapshot())));
    expect(outcome).toMatchObject({ kind: "checked", result: { status: "failed", confidence: "evidence" } });
    if (outcome.kind === "checked") expect(outcome.result.evidence).toHaveProperty("directory");
  });
});
