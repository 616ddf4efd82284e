import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-cloud-sync-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  // Sandbox: no Entra app, no domain controller.
  process.env.ENTRA_CLIENT_ID = "";
  process.env.DIRECTORY_LDAP_URL = "";
});

import * as runRoute from "@/app/api/runs/[id]/route";
import * as evidenceRoute from "@/app/api/runs/[id]/cloud-sync-evidence/route";
import * as collectRoute from "@/app/api/cloud-sync/collect-script/route";
import * as prerequisitesRoute from "@/app/api/verify/prerequisites/route";
import { getDatabase } from "@/lib/server/db";
import { env } from "@/lib/server/env";
import { CLOUD_SYNC_EVIDENCE_MAX_BYTES } from "@/lib/verify/cloud-sync/evidence";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createRunAs, linkCaller } from "@/lib/testing/share-harness";

// The cloud sync agent file routes: one file per agent server (a new one from the same server replaces it), upload
// by the owner or an edit link, every bad file refused with a 4xx naming what is wrong and nothing stored, removal
// of one server's file, and the prerequisites step judging the agents from what was stored.

const SAMPLE = readFileSync(
  join(process.cwd(), "docs/samples/sspr-writeback-cloud-sync.sample.json"),
  "utf8",
);
const owner = makeSession("Olivia Owner");
type Caller = { session: typeof owner | null; cookies?: Record<string, string> };

function file(change: (o: Record<string, unknown>) => void = () => {}): string {
  const o = JSON.parse(SAMPLE) as Record<string, unknown>;
  o.collectedAt = new Date().toISOString();
  change(o);
  return JSON.stringify(o);
}
const named = (name: string, more: (o: Record<string, unknown>) => void = () => {}) =>
  file((o) => {
    o.computerName = name;
    more(o);
  });

const base = (runId: string) => `/api/runs/${runId}/cloud-sync-evidence`;
const upload = (runId: string, rawBody: string, caller: Caller = { session: owner }, headers = {}) =>
  call(evidenceRoute.POST, base(runId), { id: runId }, { method: "POST", rawBody, headers, ...caller });
const read = (runId: string, caller: Caller = { session: owner }) =>
  call(evidenceRoute.GET, base(runId), { id: runId }, caller);
const remove = (runId: string, query: string, caller: Caller = { session: owner }) =>
  call(evidenceRoute.DELETE, `${base(runId)}${query}`, { id: runId }, { method: "DELETE", ...caller });
const runOf = async (runId: string) =>
  (await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner })).json as {
    version: number;
    events: { type: string; summary: string; actor: string }[];
  };
const machines = async (runId: string) =>
  ((await read(runId)).json.agents as { computerName: string }[]).map((a) => a.computerName).sort();
const prerequisites = (runId: string) =>
  call(
    prerequisitesRoute.POST,
    "/api/verify/prerequisites",
    {},
    { method: "POST", body: { runId }, session: owner },
  );
async function storedRow(runId: string): Promise<string | null> {
  const { db } = await getDatabase({ url: env().DATABASE_URL, file: env().DATABASE_FILE });
  const row = await db
    .selectFrom("directory_artifacts")
    .select("body")
    .where("run_id", "=", runId)
    .where("kind", "=", "cloud-sync-evidence")
    .executeTakeFirst();
  return row?.body ?? null;
}

describe("the cloud sync agent file routes", () => {
  it("serve the agent collector as a download", async () => {
    const res = await call(collectRoute.GET, "/api/cloud-sync/collect-script", {}, { session: owner });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("Collect-SsprWritebackCloudSync.ps1");
    expect(res.text).toContain("sspr-writeback-cloud-sync/1");
    expect(res.text).toContain("AADConnectProvisioningAgent");
  });

  it("store the owner's upload (201) with a readable summary, record it on the run and move its version on", async () => {
    const runId = await createRunAs(owner);
    expect((await read(runId)).json).toEqual({ agents: [], minimumAgentVersion: "1.1.977.0", maxAgents: 20 });
    const before = await runOf(runId);
    const res = await upload(runId, file());
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json.agent).toMatchObject({
      computerName: "SYNC01",
      installed: true,
      agentVersion: "1.1.2505.0",
      belowMinimum: false,
      stale: false,
      service: { state: "Running", startMode: "Auto", account: "CONTOSO\\provAgentgMSA$" },
      writeback: { enabled: null, source: "not-readable-on-server" },
    });
    expect((await read(runId)).json.agents).toEqual([res.json.agent]);
    const after = await runOf(runId);
    expect(after.version).toBe(before.version + 1);
    expect(after.events.at(-1)).toMatchObject({
      type: "cloud-sync-evidence-uploaded",
      actor: "Olivia Owner",
    });
    expect(after.events.at(-1)?.summary).toMatch(/^Uploaded the provisioning agent file of SYNC01/);
  });

  it("keep one file per agent server: a second server adds one, the same server (any case) replaces its own", async () => {
    const runId = await createRunAs(owner);
    await upload(runId, named("SYNC01"));
    await upload(runId, named("SYNC02"));
    expect(await machines(runId)).toEqual(["SYNC01", "SYNC02"]);
    const replaced = await upload(
      runId,
      named("sync01", (o) => ((o.agent as { fileVersion: string }).fileVersion = "1.1.2600.0")),
    );
    expect(replaced.status).toBe(201);
    expect(await machines(runId)).toEqual(["SYNC02", "sync01"]);
    const agents = (await read(runId)).json.agents as { computerName: string; agentVersion: string }[];
    expect(agents[0]).toMatchObject({ computerName: "sync01", agentVersion: "1.1.2600.0" });
  });

  it("mark a file older than 24 hours as stale, and still keep it", async () => {
    const runId = await createRunAs(owner);
    const old = new Date(Date.now() - 25 * 3_600_000).toISOString();
    const res = await upload(
      runId,
      file((o) => (o.collectedAt = old)),
    );
    expect(res.status).toBe(201);
    expect(res.json.agent).toMatchObject({ stale: true, collectedAt: old });
  });

  it("let prerequisites read the stored files: an agent older than 1.1.977.0 fails the step at evidence level", async () => {
    const runId = await createRunAs(owner);
    const without = await prerequisites(runId);
    expect(without.status).toBe(200);
    expect(JSON.stringify(without.json.evidence ?? {})).not.toContain("cloudSyncAgents");

    await upload(runId, named("SYNC01"));
    await upload(
      runId,
      named("OLDAGENT", (o) => {
        (o.agent as { fileVersion: string; productVersion: string }).fileVersion = "1.1.818.0";
        (o.agent as { fileVersion: string; productVersion: string }).productVersion = "1.1.818.0";
      }),
    );
    const failed = await prerequisites(runId);
    expect(failed.status).toBe(200);
    expect(failed.json).toMatchObject({ status: "failed", confidence: "evidence" });
    const findings = failed.json.findings as { code: string; target?: string; message: string }[];
    const tooOld = findings.find((f) => f.code === "cloud-sync-agent-too-old");
    expect(tooOld).toMatchObject({ target: "OLDAGENT" });
    expect(tooOld?.message).toMatch(/1\.1\.818\.0.*1\.1\.977\.0/);
    expect(
      (failed.json.evidence as Record<string, { cloudSyncAgents: { computerName: string }[] }>)[
        "cloud-sync-agent"
      ]?.cloudSyncAgents.map((a) => a.computerName),
    ).toEqual(expect.arrayContaining(["SYNC01", "OLDAGENT"]));

    // Removing the old agent's file takes its failure away with it.
    expect((await remove(runId, "?computerName=oldagent")).status).toBe(200);
    const after = await prerequisites(runId);
    expect((after.json.findings as { code: string }[]).map((f) => f.code)).not.toContain(
      "cloud-sync-agent-too-old",
    );
  });

  it("accept an upload and a removal through an edit link, refuse a view link (403) and strangers (404)", async () => {
    const runId = await createRunAs(owner);
    const admin = await linkCaller(owner, runId, "edit", { name: "Sam Sync", label: "agent server admin" });
    const viewer = await linkCaller(owner, runId, "view");
    const stranger = { session: makeSession("Mallory") };
    expect((await upload(runId, named("SYNC01"), admin)).status).toBe(201);
    expect((await runOf(runId)).events.at(-1)?.actor).toContain("Sam Sync");
    expect((await read(runId, viewer)).status).toBe(200);
    expect(await machines(runId)).toEqual(["SYNC01"]);

    const before = await storedRow(runId);
    const version = (await runOf(runId)).version;
    expect((await upload(runId, named("SYNC02"), viewer)).status).toBe(403);
    expect((await remove(runId, "?computerName=SYNC01", viewer)).status).toBe(403);
    expect((await upload(runId, named("SYNC02"), stranger)).status).toBe(404);
    expect((await remove(runId, "?computerName=SYNC01", stranger)).status).toBe(404);
    expect((await read(runId, stranger)).status).toBe(404);
    expect((await upload(runId, named("SYNC02"), { session: null })).status).toBe(401);
    expect(await storedRow(runId)).toBe(before);
    expect((await runOf(runId)).version).toBe(version);

    expect((await remove(runId, "?computerName=SYNC01", admin)).status).toBe(200);
    expect(await machines(runId)).toEqual([]);
  });

  describe("refuse every bad file with a 4xx naming what is wrong, and store nothing", () => {
    const cases: [string, () => string, number, RegExp, string[] | null, Record<string, string>?][] = [
      ["a file that is not JSON", () => "Get-CimInstance : access denied", 422, /not JSON/, ["body"]],
      [
        "another format version",
        () => file((o) => (o.format = "sspr-writeback-cloud-sync/2")),
        422,
        /format is "sspr-writeback-cloud-sync\/2"/,
        ["body.format"],
      ],
      ["a missing field", () => file((o) => delete o.agent), 422, /agent/, ["body.agent"]],
      [
        "a mistyped field",
        () => file((o) => ((o.agent as { installed: unknown }).installed = "yes")),
        422,
        /agent\.installed must be true or false/,
        ["body.agent.installed"],
      ],
      [
        "a time that is not ISO-8601",
        () => file((o) => (o.collectedAt = "yesterday")),
        422,
        /collectedAt is not an ISO-8601 time/,
        ["body.collectedAt"],
      ],
      [
        "a file without the server's name",
        () => file((o) => delete o.computerName),
        422,
        /computerName is missing/,
        ["body.computerName"],
      ],
      ["a JSON array instead of the file", () => "[1, 2, 3]", 422, /not valid/, ["body"]],
      [
        "a file over the size limit",
        () => file((o) => (o.pad = "x".repeat(CLOUD_SYNC_EVIDENCE_MAX_BYTES))),
        413,
        /larger than the 65536-byte limit/,
        null,
      ],
      [
        "a body that is not sent as JSON",
        () => file(),
        415,
        /Content-Type: application\/json/,
        null,
        { "content-type": "text/plain" },
      ],
    ];
    for (const [name, body, status, message, fields, headers] of cases) {
      it(name, async () => {
        const runId = await createRunAs(owner);
        expect((await upload(runId, named("FIRST"))).status).toBe(201);
        const before = await runOf(runId);
        const stored = await storedRow(runId);
        const res = await upload(runId, body(), { session: owner }, headers ?? {});
        expect(res.status, JSON.stringify(res.json)).toBe(status);
        expect((res.json.error as { message: string }).message).toMatch(message);
        if (fields) expect(res.json.fields).toEqual(fields);
        // The run and the stored files are unchanged.
        const after = await runOf(runId);
        expect(after.version).toBe(before.version);
        expect(after.events.length).toBe(before.events.length);
        expect(await storedRow(runId)).toBe(stored);
        expect(await machines(runId)).toEqual(["FIRST"]);
      });
    }
  });

  it("remove one server's file, record it, and refuse a removal without or with an unknown name", async () => {
    const runId = await createRunAs(owner);
    await upload(runId, named("SYNC01"));
    await upload(runId, named("SYNC02"));
    const version = (await runOf(runId)).version;

    const missing = await remove(runId, "");
    expect(missing.status).toBe(422);
    expect(missing.json.fields).toEqual(["query.computerName"]);
    const empty = await remove(runId, "?computerName=%20");
    expect(empty.status).toBe(422);
    expect((empty.json.error as { message: string }).message).toMatch(/query\.computerName: is empty/);
    const unknown = await remove(runId, "?computerName=NOPE01");
    expect(unknown.status).toBe(404);
    expect((unknown.json.error as { message: string }).message).toMatch(
      /no provisioning agent file from "NOPE01"/,
    );
    expect((await runOf(runId)).version).toBe(version);

    const res = await remove(runId, "?computerName=sync02");
    expect(res.status).toBe(200);
    expect((res.json.agents as { computerName: string }[]).map((a) => a.computerName)).toEqual(["SYNC01"]);
    const run = await runOf(runId);
    expect(run.version).toBe(version + 1);
    expect(run.events.at(-1)).toMatchObject({
      type: "cloud-sync-evidence-removed",
      summary: "Removed the provisioning agent file of SYNC02",
    });
    expect((await remove(runId, "?computerName=SYNC01")).status).toBe(200);
    // The last file gone, the row is gone too.
    expect(await storedRow(runId)).toBeNull();
    expect((await read(runId)).json.agents).toEqual([]);
  });

  it("hold at most 20 agent servers per run: the 21st is refused (409) and nothing stored; a known one still replaces", async () => {
    const runId = await createRunAs(owner);
    for (let i = 1; i <= 20; i++)
      expect((await upload(runId, named(`AGENT${String(i).padStart(2, "0")}`))).status).toBe(201);
    const before = await runOf(runId);
    const stored = await storedRow(runId);
    const refused = await upload(runId, named("AGENT21"));
    expect(refused.status).toBe(409);
    expect((refused.json.error as { message: string }).message).toMatch(/20 agent servers/);
    expect(await storedRow(runId)).toBe(stored);
    const after = await runOf(runId);
    expect(after.version).toBe(before.version);
    expect(after.events.length).toBe(before.events.length);
    expect((await upload(runId, named("agent07"))).status).toBe(201);
    expect((await machines(runId)).length).toBe(20);
  });
});
