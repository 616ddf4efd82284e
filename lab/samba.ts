// Provisioning and process control of the lab's Samba AD DC. Everything lives under one folder
// (`<lab dir>/samba`): databases, smb.conf, pid file, logs, TLS material. Nothing is written to
// /etc or /var, so a lab can be thrown away with `rm -rf` (or `lab down --purge`).

import { createHash, X509Certificate } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { runTool as run } from "./run-tool";
import tls from "node:tls";

export const LAB_REALM = "CONTOSO.TEST";
export const LAB_NETBIOS_DOMAIN = "CONTOSO";
export const LAB_DNS_DOMAIN = "contoso.test";
export const LAB_BASE_DN = "DC=contoso,DC=test";
export const LDAPS_PORT = 636;

/**
 * smb.conf options the lab relies on beyond provisioning defaults. `ldb:nosync` (what Samba's own
 * selftest uses) skips fsync on every ldb transaction: on a slow disk each user add otherwise costs
 * ~0.3 s, and a throwaway lab does not need crash safety.
 */
export const LAB_SMB_OPTIONS: readonly (readonly [string, string])[] = [["ldb:nosync", "true"]];

/** The apt line from LAB.md; printed when a prerequisite is missing. */
export const SAMBA_INSTALL_HINT =
  "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " +
  "samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind ldb-tools ldap-utils python3-samba";

export interface SambaPaths {
  sambaDir: string;
  smbConf: string;
  pidFile: string;
  logFile: string;
  caFile: string;
  certFile: string;
  provisionLog: string;
}

export function sambaPaths(labDir: string): SambaPaths {
  const sambaDir = path.join(labDir, "samba");
  return {
    sambaDir,
    smbConf: path.join(sambaDir, "etc", "smb.conf"),
    // `pid directory` is set at provision time so the pid file is ours, not /run/samba's.
    pidFile: path.join(sambaDir, "run", "samba.pid"),
    logFile: path.join(sambaDir, "log", "samba.log"),
    caFile: path.join(sambaDir, "private", "tls", "ca.pem"),
    certFile: path.join(sambaDir, "private", "tls", "cert.pem"),
    provisionLog: path.join(labDir, "provision.log"),
  };
}

function findExecutable(name: string): string | undefined {
  // samba lives in /usr/sbin, which a non-login root shell may not have on PATH.
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export type Prerequisites = { ok: true; sambaTool: string; samba: string } | { ok: false; message: string };

/** What checkPrerequisites looks at; injectable so the messages can be tested without uninstalling Samba. */
export interface PrerequisiteProbe {
  uid: () => number | undefined;
  which: (name: string) => string | undefined;
  exists: (file: string) => boolean;
}

const systemProbe: PrerequisiteProbe = {
  uid: () => (typeof process.getuid === "function" ? process.getuid() : undefined),
  which: findExecutable,
  exists: existsSync,
};

export function checkPrerequisites(probe: PrerequisiteProbe = systemProbe): Prerequisites {
  if (probe.uid() !== 0) {
    return {
      ok: false,
      message:
        "The lab runs a Samba AD domain controller (ports 88, 389, 636…) and must run as root; re-run with sudo.",
    };
  }
  const sambaTool = probe.which("samba-tool");
  const samba = probe.which("samba");
  if (!sambaTool || !samba) {
    return {
      ok: false,
      message: `Samba AD DC is not installed (samba-tool or samba not found). Install it with:\n  ${SAMBA_INSTALL_HINT}`,
    };
  }
  if (!probe.exists("/usr/share/samba/setup/ad-schema")) {
    return {
      ok: false,
      message: `The package samba-ad-provision is missing (schema files not found). Install it with:\n  ${SAMBA_INSTALL_HINT}`,
    };
  }
  return { ok: true, sambaTool, samba };
}

/**
 * Where a lab's DC listens. The default lab binds every address of this machine (0.0.0.0:636, 88, 389…). A second
 * lab cannot simply bind another loopback address (127.0.0.2): Linux refuses a specific address on a port that a
 * wildcard listener holds, and Samba has no option to move its LDAP ports. So a lab started with an address runs its
 * samba in its own network namespace, joined to this machine by a veth pair: the DC at `address`, this machine at
 * the same /24 with the last byte 1 (`lab up --dir /work/lab-bulk --address 10.213.0.2`).
 */
export interface LabNetwork {
  /** The address the DC answers on (and the LDAPS URL's host). */
  address: string;
  /** The network namespace samba runs in; null for the default lab (the machine's own network). */
  netns: string | null;
}

export const DEFAULT_LAB_ADDRESS = "127.0.0.1";

/** The network of the lab in `labDir`: its own namespace when it has an address other than 127.0.0.1. */
export function labNetwork(labDir: string, address: string = DEFAULT_LAB_ADDRESS): LabNetwork {
  if (address === DEFAULT_LAB_ADDRESS) return { address, netns: null };
  if (
    !/^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(address) ||
    address.endsWith(".1") ||
    address.endsWith(".255")
  )
    throw new Error(
      `--address wants a private address 10.x.y.z (z not 1 or 255) for the lab's own network, got "${address}".`,
    );
  const id = createHash("sha256").update(path.resolve(labDir)).digest("hex").slice(0, 8);
  return { address, netns: `sspr-lab-${id}` };
}

/** The address this machine takes on the lab's network (same /24, last byte 1). */
function hostSide(address: string): string {
  return address.replace(/\.\d+$/, ".1");
}

/** Creates the lab's network namespace and veth pair when they are missing (idempotent). */
export async function ensureNetwork(net: LabNetwork): Promise<void> {
  if (!net.netns) return;
  const ns = net.netns;
  const existing = await run("ip", ["netns", "list"]);
  if (existing.split("\n").some((line) => line.split(" ")[0] === ns)) return;
  const suffix = ns.slice(-8);
  const hostIf = `sl${suffix}h`;
  const nsIf = `sl${suffix}n`;
  await run("ip", ["netns", "add", ns]);
  await run("ip", ["link", "add", hostIf, "type", "veth", "peer", "name", nsIf]);
  await run("ip", ["link", "set", nsIf, "netns", ns]);
  await run("ip", ["addr", "add", `${hostSide(net.address)}/24`, "dev", hostIf]);
  await run("ip", ["link", "set", hostIf, "up"]);
  await run("ip", ["netns", "exec", ns, "ip", "addr", "add", `${net.address}/24`, "dev", nsIf]);
  await run("ip", ["netns", "exec", ns, "ip", "link", "set", nsIf, "up"]);
  await run("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
}

/** Removes the lab's namespace (its veth pair goes with it). */
export async function removeNetwork(net: LabNetwork): Promise<void> {
  if (!net.netns) return;
  await run("ip", ["netns", "del", net.netns]).catch(() => undefined);
}

export function isProvisioned(paths: SambaPaths): boolean {
  return existsSync(paths.smbConf) && existsSync(path.join(paths.sambaDir, "private", "sam.ldb"));
}

/**
 * `samba-tool domain provision` into the lab folder. DNS is off (no BIND, no internal DNS on :53),
 * and only the services the lab needs run, so a CI machine does not collide on ports 53/445/137.
 */
export async function provisionDomain(
  sambaTool: string,
  paths: SambaPaths,
  adminPassword: string,
  /**
   * The database Samba keeps the directory in: tdb (Samba's default) or mdb (LMDB, also supported by Samba), which
   * large labs use because the offline bulk import runs faster on it (bench/README.md, "Lab seeding").
   */
  backendStore: "tdb" | "mdb" = "tdb",
): Promise<void> {
  await mkdir(paths.sambaDir, { recursive: true, mode: 0o700 });
  await run(
    sambaTool,
    [
      "domain",
      "provision",
      `--targetdir=${paths.sambaDir}`,
      `--realm=${LAB_REALM}`,
      `--domain=${LAB_NETBIOS_DOMAIN}`,
      "--server-role=dc",
      "--dns-backend=NONE",
      `--backend-store=${backendStore}`,
      // The admin password is a throwaway lab credential; it also sits in a 0600 file.
      `--adminpass=${adminPassword}`,
      `--option=pid directory = ${path.dirname(paths.pidFile)}`,
      `--option=log file = ${paths.logFile}`,
      "--option=server services = ldap, cldap, kdc, rpc, drepl, kcc",
      // Four LDAP worker processes are plenty and keep memory low.
      "--option=prefork children = 4",
      ...LAB_SMB_OPTIONS.map(([k, v]) => `--option=${k} = ${v}`),
    ],
    paths.provisionLog,
  );
  await mkdir(path.dirname(paths.pidFile), { recursive: true });
  await mkdir(path.dirname(paths.logFile), { recursive: true });
}

/** Pid of the lab's samba root process, if it is running (the pid file is ours and the process is samba). */
export function runningPid(paths: SambaPaths): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(paths.pidFile, "utf8").trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    // Guard against a recycled pid: it must still be the samba binary.
    const exe = readlinkSync(`/proc/${pid}/exe`);
    return path.basename(exe.replace(/ \(deleted\)$/, "")) === "samba" ? pid : undefined;
  } catch (error) {
    // Non-root callers (`lab status`) may not read another user's exe link; the title is readable.
    if ((error as NodeJS.ErrnoException).code !== "EACCES") return undefined;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("samba") ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}

function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Adds LAB_SMB_OPTIONS to [global] of an existing smb.conf (labs provisioned before an option existed). */
export async function ensureSmbOptions(paths: SambaPaths): Promise<void> {
  let conf = readFileSync(paths.smbConf, "utf8");
  const missing = LAB_SMB_OPTIONS.filter(
    ([k]) => !new RegExp(`^\\s*${k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*=`, "mi").test(conf),
  );
  if (missing.length === 0) return;
  const lines = missing.map(([k, v]) => `\t${k} = ${v}`).join("\n");
  conf = conf.replace(/^\[global\][ \t]*$/m, (head) => `${head}\n${lines}`);
  await writeFile(paths.smbConf, conf);
}

export async function startSamba(
  samba: string,
  paths: SambaPaths,
  net: LabNetwork = { address: DEFAULT_LAB_ADDRESS, netns: null },
): Promise<number> {
  await ensureNetwork(net);
  if (await portOpen(LDAPS_PORT, net.address)) {
    throw new Error(
      `Port ${LDAPS_PORT} is already in use by another process (another DC or lab?). Stop it, or run \`lab down\` on its folder first.`,
    );
  }
  await mkdir(path.dirname(paths.pidFile), { recursive: true });
  await mkdir(path.dirname(paths.logFile), { recursive: true });
  await ensureSmbOptions(paths);
  // Without -i samba daemonises itself and writes the pid file.
  if (net.netns) await run("ip", ["netns", "exec", net.netns, samba, "-s", paths.smbConf]);
  else await run(samba, ["-s", paths.smbConf]);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pid = runningPid(paths);
    if (pid) return pid;
    if (Date.now() > deadline) throw new Error(`samba did not start; see ${paths.logFile}`);
    await sleep(100);
  }
}

export async function stopSamba(paths: SambaPaths, address: string = DEFAULT_LAB_ADDRESS): Promise<boolean> {
  const pid = runningPid(paths);
  if (!pid) return false;
  // SIGTERM to the root process: it stops its task processes itself.
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 20_000;
  while (runningPid(paths) === pid) {
    if (Date.now() > deadline) {
      // Still there: kill exactly that process group (samba's root process leads it).
      process.kill(-pid, "SIGKILL");
      break;
    }
    await sleep(100);
  }
  // Children may linger for a moment after the root process; wait until LDAPS is closed.
  const portDeadline = Date.now() + 10_000;
  while ((await portOpen(LDAPS_PORT, address)) && Date.now() < portDeadline) await sleep(100);
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CN of the DC certificate (Samba generates `CN=<HOST>.<realm>` at first start, no SAN). */
export function certificateServerName(certFile: string): string {
  const subject = new X509Certificate(readFileSync(certFile)).subject;
  const cn = subject.split("\n").find((line) => line.startsWith("CN="));
  if (!cn) throw new Error(`No CN in the subject of ${certFile}`);
  return cn.slice(3);
}

/** Opens one TLS connection to LDAPS with CA and name verification; resolves on a verified handshake. */
function verifiedHandshake(caPem: string, serverName: string, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: LDAPS_PORT,
      ca: [caPem],
      servername: serverName,
      timeout: 3000,
    });
    socket.once("secureConnect", () => {
      socket.end();
      resolve();
    });
    socket.once("timeout", () => {
      socket.destroy();
      reject(new Error("TLS handshake timed out"));
    });
    socket.once("error", reject);
  });
}

/**
 * Waits until LDAPS answers with a certificate that verifies against the lab CA. The TLS key pair
 * is generated at the first start and takes a few seconds.
 */
export async function waitForLdaps(
  paths: SambaPaths,
  timeoutMs = 90_000,
  address: string = DEFAULT_LAB_ADDRESS,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "certificate not generated yet";
  while (Date.now() < deadline) {
    if (existsSync(paths.caFile) && existsSync(paths.certFile)) {
      try {
        const serverName = certificateServerName(paths.certFile);
        await verifiedHandshake(readFileSync(paths.caFile, "utf8"), serverName, address);
        return serverName;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    if (!runningPid(paths)) throw new Error(`samba stopped while starting; see ${paths.logFile}`);
    await sleep(250);
  }
  throw new Error(
    `LDAPS on port ${LDAPS_PORT} not ready after ${timeoutMs / 1000}s (${lastError}); see ${paths.logFile}`,
  );
}
