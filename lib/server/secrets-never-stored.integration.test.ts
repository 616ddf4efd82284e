import { readFileSync } from "node:fs";
import type * as Fs from "node:fs";
import type * as Path from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Secrets never enter what the wizard stores: a live-mode run reads the Samba lab over LDAPS with the wizard's own
// password, is checked with a Graph token, has a fix attempted with a privileged password typed for it, has its
// connector confirmed, and is shared through a link that is opened; then every row of every table of the database
// is read back and searched for each of those secrets (and for the session and link cookies).

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

const setup = vi.hoisted(() => {
  // Read synchronously before any app module loads: the env module parses process.env once.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fs = require("node:fs") as typeof Fs;
  const path = require("node:path") as typeof Path;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const dir = process.env.SSPR_LAB_DIR ? path.resolve(process.env.SSPR_LAB_DIR) : path.resolve(".lab");
  const file = path.join(dir, "settings.json");
  const lab = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, "utf8")) as {
        url: string;
        caFile: string;
        serverName: string;
        baseDn: string;
        wizard: { dn: string; passwordFile: string };
        connector: { dn: string };
        seed: { ous: { staff: string } };
      })
    : null;
  const databaseFile = `/tmp/wizard-secrets-test-${process.pid}-${Date.now()}/wizard.db`;
  process.env.DATABASE_FILE = databaseFile;
  process.env.DATABASE_URL = "";
  process.env.SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";
  process.env.ENTRA_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
  process.env.ENTRA_TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  if (lab) {
    process.env.DIRECTORY_LDAP_URL = lab.url;
    process.env.DIRECTORY_CA_FILE = lab.caFile;
    process.env.DIRECTORY_TLS_SERVER_NAME = lab.serverName;
    process.env.DIRECTORY_BIND_DN = lab.wizard.dn;
    process.env.DIRECTORY_BIND_PASSWORD_FILE = lab.wizard.passwordFile;
    process.env.DIRECTORY_BASE_DN = lab.baseDn;
    // A small part of the domain keeps the scans short.
    process.env.DIRECTORY_SCOPE = lab.seed.ous.staff;
  }
  return { lab, databaseFile };
});

import * as directoryRoute from "@/app/api/runs/[id]/directory/route";
import * as fixApplyRoute from "@/app/api/runs/[id]/directory/fix/apply/route";
import * as fixPreviewRoute from "@/app/api/runs/[id]/directory/fix/preview/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as prerequisitesRoute from "@/app/api/verify/prerequisites/route";
import * as connectorRoute from "@/app/api/verify/connector-permissions/route";
import { installLdaptsParsePatch } from "@/lib/directory/ldapts-parse-patch";
import { LINK_GRANTS_COOKIE } from "@/lib/server/link-grants";
import { encodeSession, type Session } from "@/lib/server/session";
import { prerequisite } from "@/lib/testing/integration";
import { call, makeSession } from "@/lib/testing/route-harness";
import { createLink, createRunAs, openLink } from "@/lib/testing/share-harness";
import { fakeGraphToken, startSimulator, type SimulatorServer } from "@/lib/testing/simulator-server";

const lab = prerequisite(setup.lab ? null : "the Samba lab is not provisioned (node cli/bin.mjs lab up)");

const owner: Session = {
  ...makeSession("Ada Admin"),
  entra: {
    tid: TENANT_ID,
    oid: "00000000-0000-0000-0000-00000000000a",
    upn: "ada.admin@contoso.onmicrosoft.com",
  },
};
const graphToken = fakeGraphToken(
  { tid: TENANT_ID, appid: CLIENT_ID, uti: "secrets-test" },
  "User.Read Policy.Read.All AuditLog.Read.All Organization.Read.All Directory.Read.All RoleManagement.Read.Directory",
);
// Typed for the fix, for an account that does not exist: the bind is refused and nothing is written to the lab.
const typedPassword = `Typed-${randomBytes(9).toString("base64url")}-Pw!`;

let sim: SimulatorServer;
beforeAll(async () => {
  if (lab.skip) return;
  installLdaptsParsePatch();
  sim = await startSimulator("");
  process.env.GRAPH_BASE_URL = sim.baseUrl;
});
afterAll(async () => {
  await sim?.close();
});

/** Every value of every row of every table, as text. */
function everythingStored(): string {
  const db = new Database(setup.databaseFile, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["runs", "events", "share_links"]));
    return tables
      .map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t.name.replace(/"/g, '""')}"`).all()))
      .join("\n");
  } finally {
    db.close();
  }
}

describe.skipIf(lab.skip)("secrets never reach the database", () => {
  it("after LDAP and Graph checks, a fix with a typed password and a share link, no secret is stored", async () => {
    lab.assertPresent();
    const settings = setup.lab!;
    const runId = await createRunAs(owner, "enable");
    const bearer = { authorization: `Bearer ${graphToken}` };

    // Both parts of the prerequisites: the tenant through Graph with the token, the directory over LDAPS.
    const checked = await call(
      prerequisitesRoute.POST,
      "/api/verify/prerequisites",
      {},
      { method: "POST", body: { runId }, session: owner, headers: bearer },
    );
    expect(checked.status, checked.text).toBe(200);
    expect(sim.requests.some((r) => r.authorization === `Bearer ${graphToken}`)).toBe(true);

    // The connector confirmed (a timeline entry), then the directory step read over LDAPS.
    const confirmed = await call(
      directoryRoute.PATCH,
      `/api/runs/${runId}/directory`,
      { id: runId },
      { method: "PATCH", body: { confirmedConnectorDn: settings.connector.dn }, session: owner },
    );
    expect(confirmed.status, confirmed.text).toBe(200);
    const rights = await call(
      connectorRoute.POST,
      "/api/verify/connector-permissions",
      {},
      { method: "POST", body: { runId }, session: owner },
    );
    expect(rights.status, rights.text).toBe(200);

    // The fix, with a privileged account typed for it: previewed, then refused at the bind.
    const preview = await call(
      fixPreviewRoute.POST,
      `/api/runs/${runId}/directory/fix/preview`,
      { id: runId },
      { method: "POST", body: { stepId: "connector-permissions" }, session: owner },
    );
    expect(preview.status, preview.text).toBe(200);
    const applied = await call(
      fixApplyRoute.POST,
      `/api/runs/${runId}/directory/fix/apply`,
      { id: runId },
      {
        method: "POST",
        session: owner,
        body: {
          stepId: "connector-permissions",
          planId: String((preview.json as { planId: string }).planId),
          credential: {
            bindDn: `CN=nobody-uxrun-${Date.now()},CN=Users,${settings.baseDn}`,
            password: typedPassword,
          },
        },
      },
    );
    // Refused (the account does not exist) unless the plan was empty; either way never a 5xx.
    expect(applied.status, applied.text).toBeLessThan(500);
    expect(applied.text).not.toContain(typedPassword);

    // A share link, created and opened.
    const link = await createLink(owner, runId, { role: "edit", label: "domain admin" });
    const helper = makeSession("Dee Admin");
    const opened = await openLink(link.token, helper);
    expect(opened.status).toBe(303);
    const asHelper = await call(
      runRoute.GET,
      `/api/runs/${runId}`,
      { id: runId },
      {
        session: helper,
        cookies: { [LINK_GRANTS_COOKIE]: opened.grants ?? "" },
      },
    );
    expect(asHelper.status).toBe(200);

    const stored = everythingStored();
    // The run was really recorded: the checks, the confirmation and the link are there.
    expect(stored).toContain("connector-confirmed");
    expect(stored).toContain("share-link-created");
    expect(stored).toContain("link-opened");
    const secrets: Record<string, string> = {
      "the wizard's LDAP password": readFileSync(settings.wizard.passwordFile, "utf8").trim(),
      "the typed privileged password": typedPassword,
      "the Graph token": graphToken,
      "the Graph token's signature": graphToken.split(".")[2] ?? graphToken,
      "the share token": link.token,
      "the session cookie": await encodeSession(owner),
      "the helper's session cookie": await encodeSession(helper),
      "the link grants cookie": opened.grants ?? "unset",
    };
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).toBeGreaterThan(6);
      expect(stored.includes(secret), `${what} is stored`).toBe(false);
    }
    expect(stored).not.toMatch(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./);
    expect(stored).not.toMatch(/Bearer\s+[A-Za-z0-9._~+/=-]{8,}/);
    expect(stored).not.toContain(`/share/${link.token}`);
  });
});
