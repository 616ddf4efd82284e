// The lab's API: bring a seeded Samba AD DC up, stop it, or ask how it is. The CLI (`lab up|down|
// status`) and the integration tests call these; they print nothing themselves (a `log` callback
// receives progress lines), and never a password.

import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { bindLdaps, readObjectSid } from "./ldap";
import {
  checkPrerequisites,
  DEFAULT_LAB_ADDRESS,
  isProvisioned,
  LAB_BASE_DN,
  labNetwork,
  removeNetwork,
  LAB_DNS_DOMAIN,
  LAB_NETBIOS_DOMAIN,
  LAB_REALM,
  provisionDomain,
  runningPid,
  sambaPaths,
  startSamba,
  stopSamba,
  waitForLdaps,
} from "./samba";
import { importBulkOffline } from "./bulk-import";
import { grantDeletedObjectsRead } from "./deleted-objects";
import { bulkName, generatePassword, type LabScenario, newConnectorName, seedLab } from "./seed";
import {
  defaultLabDir,
  LAB_SETTINGS_FORMAT,
  type LabSettings,
  readLabPassword,
  settingsPath,
  tryLoadLabSettings,
} from "./settings";

export type { LabScenario } from "./seed";

/** A prerequisite is missing (not root, Samba not installed): the CLI exits 2 with this message. */
export class LabPrerequisiteError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "LabPrerequisiteError";
  }
}

export interface LabUpOptions {
  dir?: string;
  /** Minimum number of users in OU=Bulk (existing ones are kept). Default: what the lab has, else 0. */
  bulk?: number;
  /** Default: the lab's current scenario, else "delegated". */
  scenario?: LabScenario;
  /**
   * The address the DC answers on. Default 127.0.0.1 (this machine's own network). Another one (10.x.y.z) runs the
   * lab in its own network namespace, so a second lab can run beside the default one (samba.ts `labNetwork`).
   * Remembered in the lab folder; later calls need not repeat it.
   */
  address?: string;
  /**
   * Add 1,000 or more missing bulk users by an offline import into the DC's database while samba is stopped
   * (bulk-import.ts; the default), instead of one LDAP add each (false: `--online-bulk`).
   */
  fastBulk?: boolean;
  log?: (message: string) => void;
}

export interface LabUpResult {
  settings: LabSettings;
  /** What this call did, e.g. ["provisioned", "started", "seeded"] or [] when all was in place. */
  actions: string[];
  timingsMs: { provision?: number; start?: number; seed?: number; total: number };
}

export type LabState = "running" | "stopped" | "not-provisioned";

export interface LabStatus {
  state: LabState;
  dir: string;
  pid?: number;
  settings?: LabSettings;
}

function passwordFiles(dir: string): { admin: string; connector: string; wizard: string; users: string } {
  return {
    admin: path.join(dir, "admin.password"),
    connector: path.join(dir, "connector.password"),
    wizard: path.join(dir, "svc-wizard.password"),
    users: path.join(dir, "users.password"),
  };
}

/** Reads a password file, creating it (mode 0600) with a fresh password when absent. */
async function ensurePasswordFile(file: string): Promise<string> {
  if (existsSync(file)) return readLabPassword(file);
  const password = generatePassword();
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: "wx" });
  return password;
}

/** From this many bulk users at the first `lab up`, the lab's directory is provisioned in LMDB (samba.ts). */
export const BULK_LMDB_THRESHOLD = 10_000;

function addressFile(dir: string): string {
  return path.join(dir, "address");
}

/** The lab's address: the one given (remembered in the folder), else the remembered one, else 127.0.0.1. */
async function labAddress(dir: string, given: string | undefined): Promise<string> {
  const file = addressFile(dir);
  const remembered = existsSync(file) ? (await readFile(file, "utf8")).trim() : null;
  if (given !== undefined && remembered !== null && given !== remembered)
    throw new Error(
      `The lab in ${dir} answers on ${remembered}; run \`lab down --purge\` to move it to ${given}.`,
    );
  const address = given ?? remembered ?? DEFAULT_LAB_ADDRESS;
  if (address !== DEFAULT_LAB_ADDRESS && remembered === null) await writeFile(file, `${address}\n`);
  return address;
}

function requirePrerequisites(): { sambaTool: string; samba: string } {
  const pre = checkPrerequisites();
  if (!pre.ok) throw new LabPrerequisiteError(pre.message);
  return pre;
}

export async function labUp(options: LabUpOptions = {}): Promise<LabUpResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const { sambaTool, samba } = requirePrerequisites();
  const dir = path.resolve(options.dir ?? defaultLabDir());
  const paths = sambaPaths(dir);
  const files = passwordFiles(dir);
  const actions: string[] = [];
  const timingsMs: LabUpResult["timingsMs"] = { total: 0 };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const address = await labAddress(dir, options.address);
  const net = labNetwork(dir, address);

  if (!isProvisioned(paths)) {
    if (existsSync(paths.sambaDir)) {
      // A half-done provision (interrupted run) cannot be resumed; start over in that folder only.
      log(`removing incomplete provision in ${paths.sambaDir}`);
      await rm(paths.sambaDir, { recursive: true, force: true });
    }
    await rm(settingsPath(dir), { force: true });
    // A new domain gets a new admin password.
    await rm(files.admin, { force: true });
    const adminPassword = await ensurePasswordFile(files.admin);
    // A lab provisioned for many users keeps its directory in LMDB: the offline bulk import runs faster on it.
    const backend = (options.bulk ?? 0) >= BULK_LMDB_THRESHOLD ? "mdb" : "tdb";
    log(`provisioning ${LAB_REALM} in ${paths.sambaDir} (database: ${backend})`);
    const t = Date.now();
    await provisionDomain(sambaTool, paths, adminPassword, backend);
    timingsMs.provision = Date.now() - t;
    actions.push("provisioned");
  } else if (!existsSync(files.admin)) {
    throw new Error(
      `The lab in ${dir} has no ${path.basename(files.admin)}; run \`lab down --purge\` and \`lab up\` again.`,
    );
  }

  if (!runningPid(paths)) {
    log("starting samba");
    const t = Date.now();
    await startSamba(samba, paths, net);
    timingsMs.start = Date.now() - t;
    actions.push("started");
  }
  const t0 = Date.now();
  const serverName = await waitForLdaps(paths, undefined, address);
  timingsMs.start = (timingsMs.start ?? 0) + (Date.now() - t0);

  const previous = tryLoadLabSettings(dir);
  const scenario = options.scenario ?? previous?.scenario ?? "delegated";
  const bulk = options.bulk ?? previous?.seed.bulk ?? 0;
  if (
    previous &&
    previous.scenario === scenario &&
    previous.seed.bulk >= bulk &&
    previous.serverName === serverName &&
    // Labs seeded before svc-wizard-sync existed are seeded again (idempotent: only what is missing is added).
    previous.wizardSync !== undefined
  ) {
    timingsMs.total = Date.now() - started;
    return { settings: previous, actions, timingsMs };
  }

  const passwords = {
    admin: await ensurePasswordFile(files.admin),
    users: await ensurePasswordFile(files.users),
    connector: await ensurePasswordFile(files.connector),
    wizard: await ensurePasswordFile(files.wizard),
  };
  const ldaps = { url: `ldaps://${address}:636`, ca: { file: paths.caFile }, serverName };
  const adminDn = `CN=Administrator,CN=Users,${LAB_BASE_DN}`;
  const openClient = (): ReturnType<typeof bindLdaps> => bindLdaps(ldaps, adminDn, passwords.admin);
  let client = await openClient();
  const t1 = Date.now();
  try {
    log(`seeding (${scenario}, bulk ${bulk})`);
    const seed = await seedLab({
      client,
      openClient,
      baseDn: LAB_BASE_DN,
      dnsDomain: LAB_DNS_DOMAIN,
      scenario,
      // With the offline import the LDAP seeding leaves the bulk users alone and the import adds them below.
      bulk: options.fastBulk === false ? bulk : 0,
      passwords,
      newConnectorName: newConnectorName(),
      log,
    });
    if (options.fastBulk !== false && seed.bulk < bulk) {
      const { searchEntries } = await client.search(seed.ous.bulk, {
        scope: "one",
        filter: "(objectClass=user)",
        attributes: ["sAMAccountName"],
        paged: { pageSize: 1000 },
      });
      const existing = new Set(searchEntries.map((e) => String(e.sAMAccountName).toLowerCase()));
      const missing: number[] = [];
      for (let i = 1; i <= bulk; i += 1) if (!existing.has(bulkName(i))) missing.push(i);
      await client.unbind().catch(() => undefined);
      log("stopping samba for the offline bulk import");
      await stopSamba(paths, address);
      try {
        await importBulkOffline({
          sambaDir: paths.sambaDir,
          bulkOu: seed.ous.bulk,
          dnsDomain: LAB_DNS_DOMAIN,
          missing,
          log,
        });
      } finally {
        // A failed chunk commits nothing of itself (one transaction each); samba starts again either way.
        await startSamba(samba, paths, net);
        await waitForLdaps(paths, undefined, address);
      }
      client = await openClient();
      seed.bulk = existing.size + missing.length;
    }
    if (await grantDeletedObjectsRead(paths.sambaDir, LAB_BASE_DN, seed.wizardSync.sid))
      log(
        "svc-wizard-sync may list Deleted Objects (Samba applies its permissions to DirSync; Windows does not)",
      );
    timingsMs.seed = Date.now() - t1;
    actions.push("seeded");
    const settings: LabSettings = {
      format: LAB_SETTINGS_FORMAT,
      dir,
      sambaDir: paths.sambaDir,
      url: ldaps.url,
      caFile: paths.caFile,
      serverName,
      realm: LAB_REALM,
      netbiosDomain: LAB_NETBIOS_DOMAIN,
      dnsDomain: LAB_DNS_DOMAIN,
      baseDn: LAB_BASE_DN,
      domainSid: seed.domainSid,
      scenario,
      admin: {
        dn: adminDn,
        sAMAccountName: "Administrator",
        sid: await readObjectSid(client, adminDn),
        passwordFile: files.admin,
      },
      wizard: { ...seed.wizard, passwordFile: files.wizard },
      wizardSync: { ...seed.wizardSync, passwordFile: files.wizard },
      connector: { ...seed.connector, passwordFile: files.connector },
      userPasswordFile: files.users,
      seed: {
        ous: seed.ous,
        connectorGroup: seed.connectorGroup,
        connectorParentGroup: seed.connectorParentGroup,
        unrelatedGroup: seed.unrelatedGroup,
        protectedAdminDn: seed.protectedAdminDn,
        orphanedAdminDn: seed.orphanedAdminDn,
        passwordSettings: seed.passwordSettings,
        people: seed.people,
        bulk: seed.bulk,
      },
      seededAt: new Date().toISOString(),
    };
    // settings.json holds no secrets (only password file paths); the folder itself is 0700.
    await writeFile(settingsPath(dir), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o644 });
    for (const file of Object.values(files)) await chmod(file, 0o600);
    timingsMs.total = Date.now() - started;
    // What seeding cost, for benchmarks that print it (bench/delta-recheck.ts).
    await writeFile(
      path.join(dir, "seed-timing.json"),
      `${JSON.stringify({ bulk: seed.bulk, seededAt: settings.seededAt, timingsMs }, null, 2)}\n`,
    );
    return { settings, actions, timingsMs };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

export interface LabDownOptions {
  dir?: string;
  /** Also delete the lab folder (databases, passwords, settings). */
  purge?: boolean;
}

export async function labDown(options: LabDownOptions = {}): Promise<{ stopped: boolean; purged: boolean }> {
  const dir = path.resolve(options.dir ?? defaultLabDir());
  const paths = sambaPaths(dir);
  const address = await labAddress(dir, undefined);
  const stopped = await stopSamba(paths, address);
  let purged = false;
  if (options.purge && existsSync(dir)) {
    // Refuse to delete a folder that is not a lab: a mistyped --dir must not wipe something else.
    const looksLikeLab = existsSync(paths.sambaDir) || existsSync(settingsPath(dir));
    if (!looksLikeLab)
      throw new Error(
        `${dir} does not look like a lab folder (no samba/ or settings.json); not deleting it.`,
      );
    await removeNetwork(labNetwork(dir, address));
    await rm(dir, { recursive: true, force: true });
    purged = true;
  }
  return { stopped, purged };
}

export async function labStatus(options: { dir?: string } = {}): Promise<LabStatus> {
  const dir = path.resolve(options.dir ?? defaultLabDir());
  const paths = sambaPaths(dir);
  if (!isProvisioned(paths)) return { state: "not-provisioned", dir };
  const pid = runningPid(paths);
  const settings = tryLoadLabSettings(dir);
  const status: LabStatus = { state: pid ? "running" : "stopped", dir };
  if (pid) status.pid = pid;
  if (settings) status.settings = settings;
  return status;
}

/** The log tail, for error messages. */
export async function labLogTail(dir: string = defaultLabDir(), lines = 20): Promise<string> {
  const file = sambaPaths(path.resolve(dir)).logFile;
  if (!existsSync(file)) return "";
  return (await readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
}
