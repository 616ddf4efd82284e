import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.DATABASE_FILE = `/tmp/wizard-connect-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  // Sandbox: no Entra app, no domain controller; the run's simulated directory names CONTOSO\MSOL_d351318b693c.
  process.env.ENTRA_CLIENT_ID = "";
  process.env.DIRECTORY_LDAP_URL = "";
});

import * as runRoute from "@/app/api/runs/[id]/route";
import * as evidenceRoute from "@/app/api/runs/[id]/connect-evidence/route";
import * as collectRoute from "@/app/api/connect/collect-script/route";
import * as sandboxConnectRoute from "@/app/api/sandbox/connect/route";
import * as sandboxTenantRoute from "@/app/api/sandbox/tenant/route";
import * as connectWritebackRoute from "@/app/api/verify/connect-writeback/route";
import * as disableConnectWritebackRoute from "@/app/api/verify/disable-connect-writeback/route";
import * as prerequisitesRoute from "@/app/api/verify/prerequisites/route";
import { CONNECT_EVIDENCE_MAX_BYTES } from "@/lib/connect/evidence-schema";
import { runDirectoryFor } from "@/lib/server/directory/run-directory";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createRunAs, linkCaller } from "@/lib/testing/share-harness";

// The Connect evidence routes: upload by the owner or an edit link, a readable summary back, every bad file
// refused with a 4xx naming what is wrong and nothing stored, and the Connect checks deciding at evidence level.

const SAMPLE = readFileSync(join(process.cwd(), "lib/connect/samples/connect-evidence.sample.json"), "utf8");
const owner = makeSession("Olivia Owner");

function fresh(change: (o: Record<string, unknown>) => void = () => {}): string {
  const o = JSON.parse(SAMPLE) as Record<string, unknown>;
  // Dated now, so no staleness finding; heartbeat just before.
  const now = Date.now();
  o.collectedAt = new Date(now).toISOString();
  const summary = (o.Events as { Summary: { Id: number; LastTime: string }[] }).Summary;
  for (const s of summary) if (s.Id === 31019) s.LastTime = new Date(now - 120_000).toISOString();
  change(o);
  return JSON.stringify(o);
}

const upload = (
  runId: string,
  rawBody: string,
  caller: { session: typeof owner; cookies?: Record<string, string> } = { session: owner },
  headers: Record<string, string> = {},
) =>
  call(
    evidenceRoute.POST,
    `/api/runs/${runId}/connect-evidence`,
    { id: runId },
    { method: "POST", rawBody, headers, ...caller },
  );
const read = (
  runId: string,
  caller: { session: typeof owner; cookies?: Record<string, string> } = { session: owner },
) => call(evidenceRoute.GET, `/api/runs/${runId}/connect-evidence`, { id: runId }, caller);
const version = async (runId: string) =>
  Number((await call(runRoute.GET, `/api/runs/${runId}`, { id: runId }, { session: owner })).json.version);

describe("the Connect evidence routes", () => {
  it("serve the collector script as a download", async () => {
    const res = await call(collectRoute.GET, "/api/connect/collect-script", {}, { session: owner });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("Collect-SsprWritebackConnect.ps1");
    expect(res.text).toContain("Get-ADSyncAADPasswordResetConfiguration");
  });

  it("store the owner's upload (201), answer a readable summary, and move the run's version on", async () => {
    const runId = await createRunAs(owner);
    expect((await read(runId)).json).toEqual({ evidence: null });
    const before = await version(runId);
    const res = await upload(runId, fresh());
    expect(res.status).toBe(201);
    expect(res.json.evidence).toMatchObject({
      computerName: "SYNC01",
      connectVersion: "2.4.131.0",
      service: { status: "Running" },
      writeback: { connector: "contoso.onmicrosoft.com - AAD", enabled: true },
      stale: false,
      connectorAccounts: [{ connector: "contoso.com", account: "CONTOSO\\MSOL_0123456789ab" }],
    });
    const errors = (res.json.evidence as { errors: { id: number; name: string }[] }).errors;
    expect(errors.map((e) => `${e.id} ${e.name}`)).toEqual([
      "6329 MMS error during a password set",
      "33004 ADPermissionsError",
    ]);
    expect((await read(runId)).json.evidence).toEqual(res.json.evidence);
    expect(await version(runId)).toBe(before + 1);
  });

  it("accept an upload through an edit link, refuse a view link (403) and strangers (404)", async () => {
    const runId = await createRunAs(owner);
    const admin = await linkCaller(owner, runId, "edit", { name: "Sam Sync", label: "Connect server admin" });
    const viewer = await linkCaller(owner, runId, "view");
    expect((await upload(runId, fresh(), admin)).status).toBe(201);
    expect((await read(runId)).json.evidence).toMatchObject({ computerName: "SYNC01" });
    expect((await read(runId, viewer)).status).toBe(200);
    expect((await upload(runId, fresh(), viewer)).status).toBe(403);
    expect((await upload(runId, fresh(), { session: makeSession("Mallory") })).status).toBe(404);
  });

  describe("refuse every bad file with a 4xx naming what is wrong, and store nothing", () => {
    const cases: [string, () => string, number, RegExp, string[] | null, Record<string, string>?][] = [
      ["a file that is not JSON", () => "Get-ADSyncConnector : not recognized", 422, /not JSON/, ["body"]],
      [
        "another format version",
        () => fresh((o) => (o.format = "sspr-writeback-connect/2")),
        422,
        /format is "sspr-writeback-connect\/2"/,
        ["body.format"],
      ],
      ["a missing field", () => fresh((o) => delete o.Service), 422, /Service/, ["body.Service"]],
      [
        "a mistyped field",
        () => fresh((o) => ((o.ServiceBus as { TcpTestSucceeded: unknown }[])[0]!.TcpTestSucceeded = "true")),
        422,
        /ServiceBus\[0\]\.TcpTestSucceeded/,
        ["body.ServiceBus[0].TcpTestSucceeded"],
      ],
      [
        "an event list of a million entries",
        () => fresh((o) => ((o.Events as { Summary: unknown[] }).Summary = new Array(1_000_000).fill(1))),
        413,
        /larger than the 524288-byte limit/,
        null,
      ],
      [
        "an event list over its cap but under the size limit",
        () =>
          fresh((o) => ((o.Events as { RecentErrors: unknown[] }).RecentErrors = new Array(1000).fill(1))),
        422,
        /Events\.RecentErrors holds 1000 entries/,
        ["body.Events.RecentErrors"],
      ],
      [
        "a file over the size limit",
        () => fresh((o) => (o.pad = "x".repeat(CONNECT_EVIDENCE_MAX_BYTES))),
        413,
        /larger than/,
        null,
      ],
      [
        "a body that is not sent as JSON",
        () => fresh(),
        415,
        /Content-Type: application\/json/,
        null,
        { "content-type": "text/plain" },
      ],
    ];
    for (const [name, body, status, message, fields, headers] of cases) {
      it(name, async () => {
        const runId = await createRunAs(owner);
        expect(
          (
            await upload(
              runId,
              fresh((o) => (o.ComputerName = "FIRST")),
            )
          ).status,
        ).toBe(201);
        const before = await version(runId);
        const res = await upload(runId, body(), { session: owner }, headers ?? {});
        expect(res.status).toBe(status);
        const error = res.json.error as { message: string };
        expect(error.message).toMatch(message);
        if (fields) expect(res.json.fields).toEqual(fields);
        // The step and the stored file are unchanged.
        expect(await version(runId)).toBe(before);
        expect((await read(runId)).json.evidence).toMatchObject({ computerName: "FIRST" });
      });
    }
  });

  it("decide connect-writeback at evidence level from the uploaded file, and fail it when ADSync is stopped", async () => {
    const runId = await createRunAs(owner);
    await upload(runId, fresh());
    const passed = await call(
      connectWritebackRoute.POST,
      "/api/verify/connect-writeback",
      {},
      {
        method: "POST",
        body: { runId },
        session: owner,
      },
    );
    expect(passed.status).toBe(200);
    expect(passed.json).toMatchObject({ status: "passed", confidence: "evidence" });
    expect((passed.json.evidence as { source: string }).source).toBe("connect-evidence");

    await upload(
      runId,
      fresh((o) => ((o.Service as { Status: string }).Status = "Stopped")),
    );
    const failed = await call(
      connectWritebackRoute.POST,
      "/api/verify/connect-writeback",
      {},
      {
        method: "POST",
        body: { runId },
        session: owner,
      },
    );
    expect(failed.json).toMatchObject({ status: "failed", confidence: "evidence" });
    expect((failed.json.findings as { code: string }[]).map((f) => f.code)).toContain("adsync-stopped");
  });

  it("confirm the directory's connector from the single AD connector account the evidence names", async () => {
    const runId = await createRunAs(owner);
    expect((await runDirectoryFor(runId)).settings.connector).toBeNull();
    await upload(runId, fresh());
    expect((await runDirectoryFor(runId)).settings.connector).toBe("CONTOSO\\MSOL_0123456789ab");
  });

  it("let a sandbox run upload its simulated server's evidence, and break it with a stopped service", async () => {
    const runId = await createRunAs(owner);
    const control = (action: string) =>
      call(
        sandboxConnectRoute.POST,
        "/api/sandbox/connect",
        {},
        { method: "POST", body: { runId, action }, session: owner },
      );
    const check = () =>
      call(
        connectWritebackRoute.POST,
        "/api/verify/connect-writeback",
        {},
        { method: "POST", body: { runId }, session: owner },
      );
    // An enable run's simulated server starts with writeback off, as a real one before the Connect wizard.
    await control("upload-evidence");
    const off = await check();
    expect(off.json).toMatchObject({ status: "failed", confidence: "evidence" });
    expect((off.json.findings as { code: string }[]).map((f) => f.code)).toContain("connect-writeback-off");
    await call(
      sandboxTenantRoute.POST,
      "/api/sandbox/tenant",
      {},
      {
        method: "POST",
        body: { runId, control: { action: "connect-writeback", on: true } },
        session: owner,
      },
    );
    const uploaded = await control("upload-evidence");
    expect(uploaded.status).toBe(200);
    expect(uploaded.json.evidence).toMatchObject({
      service: { status: "Running" },
      writeback: { enabled: true },
    });
    expect((await check()).json).toMatchObject({ status: "passed", confidence: "evidence" });
    expect((await control("stop-adsync")).json.message).toMatch(/ADSync service stopped/);
    const failed = await check();
    expect(failed.json).toMatchObject({ status: "failed", confidence: "evidence" });
    const finding = (failed.json.findings as { code: string; message: string }[]).find(
      (f) => f.code === "adsync-stopped",
    );
    expect(finding?.message).toMatch(/Start it \(services\.msc or Start-Service ADSync\)/);
    expect((await control("nonsense")).status).toBe(422);
    await control("restore");
    expect((await check()).json).toMatchObject({ status: "passed" });
  });

  it("add the Connect server's health to the prerequisites as a part of its own, only once uploaded", async () => {
    const runId = await createRunAs(owner);
    const check = () =>
      call(
        prerequisitesRoute.POST,
        "/api/verify/prerequisites",
        {},
        { method: "POST", body: { runId }, session: owner },
      );
    const before = await check();
    expect(before.status).toBe(200);
    expect(JSON.stringify(before.json.evidence ?? {})).not.toContain("connect-evidence");
    await upload(
      runId,
      fresh((o) => ((o.Service as { Status: string }).Status = "Stopped")),
    );
    const after = await check();
    expect(after.json.status).toBe("failed");
    expect((after.json.findings as { code: string }[]).map((f) => f.code)).toContain("adsync-stopped");
    expect((after.json.evidence as { connect?: { source: string } }).connect?.source).toBe(
      "connect-evidence",
    );
  });

  it("decide disable-connect-writeback from the setting in a clean-up run", async () => {
    const runId = await createRunAs(owner, "cleanup");
    const check = () =>
      call(
        disableConnectWritebackRoute.POST,
        "/api/verify/disable-connect-writeback",
        {},
        {
          method: "POST",
          body: { runId },
          session: owner,
        },
      );
    await upload(runId, fresh());
    const on = await check();
    expect(on.json).toMatchObject({ status: "failed", confidence: "evidence" });
    expect((on.json.findings as { code: string }[]).map((f) => f.code)).toContain(
      "connect-writeback-still-on",
    );
    await upload(
      runId,
      fresh((o) => ((o.PasswordResetConfiguration as { Enabled: boolean }).Enabled = false)),
    );
    expect((await check()).json).toMatchObject({ status: "passed", confidence: "evidence" });
  });
});
