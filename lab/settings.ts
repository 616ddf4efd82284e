// Connection settings of a provisioned lab, written by `lab up` to `<lab dir>/settings.json` and
// read by the integration tests. Passwords are never in this file, only the paths of the 0600
// files that hold them.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type LdapConnectionConfig } from "../lib/directory/ldap-adapter";

export const LAB_SETTINGS_FORMAT = "sspr-writeback-lab/1";

const account = z.object({
  dn: z.string(),
  sAMAccountName: z.string(),
  sid: z.string(),
  passwordFile: z.string(),
});

export const labSettingsSchema = z.object({
  format: z.literal(LAB_SETTINGS_FORMAT),
  /** The lab folder (settings.json, password files, `samba/`). */
  dir: z.string(),
  /** Samba's private folder: `--targetdir` of the provision. */
  sambaDir: z.string(),
  url: z.string(),
  caFile: z.string(),
  /** Name in the DC certificate; TLS connections must set it as servername. */
  serverName: z.string(),
  realm: z.string(),
  netbiosDomain: z.string(),
  dnsDomain: z.string(),
  baseDn: z.string(),
  domainSid: z.string(),
  scenario: z.enum(["delegated", "undelegated"]),
  admin: account,
  /** Read-only service account for the wizard (a plain user). */
  wizard: account,
  /** The same kind of account, also allowed DirSync (Replicating Directory Changes); absent in labs seeded before. */
  wizardSync: account.optional(),
  /** The Entra Connect AD DS connector account (MSOL_<12 hex>). */
  connector: account,
  /** Shared password of the seeded people (so tests can bind as one of them). */
  userPasswordFile: z.string(),
  seed: z.object({
    /** The seeded OUs by role (Legacy has inheritance disabled; Bulk holds `--bulk` users). */
    ous: z.object({
      corp: z.string(),
      staff: z.string(),
      sales: z.string(),
      legacy: z.string(),
      groups: z.string(),
      bulk: z.string(),
    }),
    /** Group the connector is a direct member of, and a group that contains that group. */
    connectorGroup: z.object({ dn: z.string(), sid: z.string() }),
    connectorParentGroup: z.object({ dn: z.string(), sid: z.string() }),
    /** A group the connector is not in (negative control for the differential tests). */
    unrelatedGroup: z.object({ dn: z.string(), sid: z.string() }),
    protectedAdminDn: z.string(),
    orphanedAdminDn: z.string(),
    passwordSettings: z.object({ dn: z.string(), appliesTo: z.string(), minPwdAge: z.string() }),
    people: z.number().int(),
    bulk: z.number().int(),
  }),
  seededAt: z.string(),
});

export type LabSettings = z.infer<typeof labSettingsSchema>;

/** Repository root: this file lives in `<repo>/lab/`. */
export function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
}

/** Default lab folder: `$SSPR_LAB_DIR`, else `<repo>/.lab`. */
export function defaultLabDir(): string {
  const fromEnv = process.env.SSPR_LAB_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(repoRoot(), ".lab");
}

export function settingsPath(dir: string = defaultLabDir()): string {
  return path.join(dir, "settings.json");
}

export class LabNotProvisionedError extends Error {
  public constructor(dir: string) {
    super(`No lab settings in ${dir}: run \`node cli/bin.mjs lab up\` (as root) first.`);
    this.name = "LabNotProvisionedError";
  }
}

/**
 * Loads and validates `<dir>/settings.json`. Synchronous on purpose: tests decide at collection time
 * (`describe.skipIf`) whether a lab exists.
 */
export function loadLabSettings(dir: string = defaultLabDir()): LabSettings {
  const file = settingsPath(dir);
  if (!existsSync(file)) throw new LabNotProvisionedError(dir);
  const parsed = labSettingsSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Lab settings ${file} are invalid at "${issue?.path.join(".") ?? "?"}": ${issue?.message ?? "unknown"}; re-run \`lab up\`.`,
    );
  }
  return parsed.data;
}

/** Like loadLabSettings, but undefined when the lab was never provisioned (invalid files still throw). */
export function tryLoadLabSettings(dir: string = defaultLabDir()): LabSettings | undefined {
  return existsSync(settingsPath(dir)) ? loadLabSettings(dir) : undefined;
}

/** Reads a lab password file (trailing newline removed). */
export function readLabPassword(file: string): string {
  return readFileSync(file, "utf8").replace(/\r?\n$/, "");
}

/** The wizard's read-only connection to the lab, as the directory adapter takes it (certificate verified). */
export function labWizardConnection(
  s: LabSettings,
  overrides: Partial<LdapConnectionConfig> = {},
): LdapConnectionConfig {
  return {
    url: s.url,
    bindDn: s.wizard.dn,
    password: readLabPassword(s.wizard.passwordFile),
    caPem: [readFileSync(s.caFile, "utf8")],
    serverName: s.serverName,
    connectTimeoutMs: 5000,
    operationTimeoutMs: 60_000,
    ...overrides,
  };
}

/** Like labWizardConnection, as svc-wizard-sync: the read-only account that may also use DirSync. */
export function labWizardSyncConnection(
  s: LabSettings,
  overrides: Partial<LdapConnectionConfig> = {},
): LdapConnectionConfig {
  if (!s.wizardSync)
    throw new Error(
      `The lab in ${s.dir} was seeded before svc-wizard-sync existed: run \`npx sspr-writeback lab up\` again.`,
    );
  return labWizardConnection(s, {
    bindDn: s.wizardSync.dn,
    password: readLabPassword(s.wizardSync.passwordFile),
    ...overrides,
  });
}

/** The LDAPS options of ldap.ts for this lab. */
export function labLdapsOptions(settings: LabSettings): {
  url: string;
  ca: { file: string };
  serverName: string;
} {
  return { url: settings.url, ca: { file: settings.caFile }, serverName: settings.serverName };
}
