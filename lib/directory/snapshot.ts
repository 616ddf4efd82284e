// The snapshot format `sspr-writeback-snapshot/1` (ARCHITECTURE.md "Snapshot format") and a Directory port over
// it. The PowerShell collector (collect-script.ts) writes it on a domain-joined machine when this server cannot
// reach AD DS; the same checks then run on it with confidence "evidence". Unknown fields are kept and ignored;
// a missing or malformed field is an error that names it (e.g. `domains[0].users[12].sd`).

import { z } from "zod";
import { parseSddl } from "@/lib/ad/sddl";
import { isSid } from "@/lib/ad/sid";
import { domainHolding, isWithin, normalizeDn, sameDn } from "./dn";
import { DirectoryError } from "./errors";
import { userState } from "./user-state";
import {
  type AccountRecord,
  type DirectoryObject,
  type DirectoryPort,
  type DomainRecord,
  type OnPremisesUser,
  type RootDseInfo,
  type StreamOptions,
  type UserRecord,
} from "./port";

export const SNAPSHOT_FORMAT = "sspr-writeback-snapshot/1";
/**
 * The compact format (snapshot-stream.ts): the same fields, but each distinct security descriptor is written once in
 * a top-level `sds` table (before `domains`) and an `sd` field may hold its index instead of the SDDL itself.
 */
export const SNAPSHOT_FORMAT_COMPACT = "sspr-writeback-snapshot/2";
export const SNAPSHOT_FORMATS = [SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_COMPACT] as const;

const sid = z.string().refine((s) => isSid(s), "is not a SID (S-1-…)");
const dn = z
  .string()
  .trim()
  .min(3, "is not a distinguished name")
  .refine((s) => s.includes("="), "is not a distinguished name");
// Large integers (100 ns ticks) arrive as strings from the collector; accept numbers too.
const ticks = z
  .union([z.string().regex(/^-?\d+$/, "is not a whole number of 100 ns ticks"), z.number().int()])
  .transform((v) => String(v));
const sddl = z.string().min(2, "is not SDDL");

/**
 * An array whose elements are checked one at a time, stopping at the first bad one (its first three issues are
 * reported, under its index). zod's own z.array checks every element and keeps every issue: a header of 5.6 million
 * empty objects in `containers` (17 MB, 16 kB gzipped) took the server past its 4 GB heap and ended the process. Here
 * a bad element costs its own issues and the rest of the array is not looked at.
 */
function list<T extends z.ZodType>(element: T): z.ZodType<z.output<T>[], unknown[]> {
  return z.array(z.unknown()).transform((items, ctx): z.output<T>[] => {
    const out: z.output<T>[] = [];
    for (let i = 0; i < items.length; i++) {
      const parsed = element.safeParse(items[i]);
      if (!parsed.success) {
        for (const issue of parsed.error.issues.slice(0, 3))
          ctx.addIssue({ code: "custom", message: issue.message, path: [i, ...issue.path] });
        return z.NEVER;
      }
      out.push(parsed.data);
    }
    return out;
  });
}

export const userSchema = z
  .object({
    dn,
    sid: sid.nullish(),
    sd: sddl.nullable(),
    // Inside a user, zod's own arrays: a user record is at most 1 MB as it streams (maxUserBytes), which bounds its
    // issues, and they are faster on the 100,000 users of a large domain than list() (about 10 % of the check).
    objectClass: z.array(z.string()).min(1, "needs at least one class"),
    userAccountControl: z.number().int().nullish(),
    adminCount: z.number().int().nullish(),
    tokenGroups: z.array(sid).nullish(),
    /** pwdLastSet (FILETIME ticks), optional: the end-to-end test reads it when present. */
    pwdLastSet: ticks.nullish(),
    /** lockoutTime (FILETIME ticks), optional: "0" or absent when the account is not locked out. */
    lockoutTime: ticks.nullish(),
    /**
     * replPropertyMetaData as base64, optional: the end-to-end test reads unicodePwd's change time from it, with the
     * same parser as over LDAP (lib/directory/repl-metadata.ts).
     */
    replPropertyMetaData: z.base64("is not base64").nullish(),
  })
  .loose()
  .superRefine((user, ctx) => {
    if (user.adminCount === 1 && !user.tokenGroups) {
      ctx.addIssue({
        code: "custom",
        path: ["tokenGroups"],
        message: "is required when adminCount is 1 (it tells a protected member from an orphan)",
      });
    }
  });

const domainSchema = z
  .object({
    dn,
    dnsName: z.string().min(1),
    netbiosName: z.string().nullish(),
    sid,
    sd: sddl,
    minPwdAge: ticks.nullable(),
    passwordSettingsObjects: list(
      z
        .object({
          dn,
          minPwdAge: ticks.nullable(),
          appliesTo: list(z.string()),
          precedence: z.number().int().nullish(),
        })
        .loose(),
    ).nullable(),
    rootDse: z.object({ supportedControl: list(z.string()) }).loose(),
    domainControllers: list(
      z
        .object({
          dn,
          dnsHostName: z.string().nullish(),
          operatingSystem: z.string().nullish(),
          operatingSystemVersion: z.string().nullish(),
          supportedControl: list(z.string()).nullish(),
          /** Why the collector could not read this DC's rootDSE. */
          supportedControlError: z.string().max(2000).nullish(),
        })
        .loose(),
    ),
    containers: list(z.object({ dn, sd: sddl.nullable(), objectClass: list(z.string()).optional() }).loose()),
    users: list(userSchema),
    samServer: z.object({ sd: sddl.nullable() }).loose().nullish(),
    preWindows2000Members: list(sid).nullish(),
  })
  .loose();

export const snapshotSchema = z
  .object({
    format: z.enum(SNAPSHOT_FORMATS, {
      error: `must be "${SNAPSHOT_FORMAT}" or "${SNAPSHOT_FORMAT_COMPACT}"`,
    }),
    collectedAt: z.iso.datetime({ offset: true, error: "is not an ISO-8601 time" }),
    connector: z
      .object({
        name: z.string().nullish(),
        dn,
        sid,
        tokenGroups: list(sid),
        // The account's classes (the collector writes the most specific one): tells a cloud sync gMSA apart.
        objectClass: list(z.string().max(200))
          .refine((classes) => classes.length <= 20, "has more than 20 classes")
          .nullish(),
      })
      .loose()
      .nullish(),
    domains: list(domainSchema).refine((domains) => domains.length > 0, "needs at least one domain"),
  })
  .loose();

export type Snapshot = z.infer<typeof snapshotSchema>;
export type SnapshotDomain = Snapshot["domains"][number];

export type SnapshotUser = z.infer<typeof userSchema>;

/** `domains.0.users.12.sd` -> `domains[0].users[12].sd` */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "(the whole file)";
}

/**
 * Validates a parsed JSON value as a snapshot and checks that every SDDL string parses (with the domain's SID for
 * aliases such as DA). Throws DirectoryError("snapshot-invalid") naming the first bad fields.
 */
export function parseSnapshot(value: unknown): Snapshot {
  const parsed = snapshotSchema.safeParse(resolveCompact(value));
  if (!parsed.success) throw invalidSnapshot(parsed.error.issues);
  const snapshot = parsed.data;
  snapshot.domains.forEach((domain, d) => {
    const check = (text: string | null | undefined, path: string): void => checkSddl(text, domain.sid, path);
    check(domain.sd, `domains[${d}].sd`);
    domain.containers.forEach((c, i) => check(c.sd, `domains[${d}].containers[${i}].sd`));
    domain.users.forEach((u, i) => check(u.sd, `domains[${d}].users[${i}].sd`));
    check(domain.samServer?.sd, `domains[${d}].samServer.sd`);
  });
  return snapshot;
}

const REMEDY = "Run the evidence collector again and upload its output unchanged.";

/** The first few zod issues as one DirectoryError naming their fields; `prefix` is the path of the value checked. */
export function invalidSnapshot(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: readonly PropertyKey[] = [],
): DirectoryError {
  const first = issues.slice(0, 3);
  const paths = first.map((i) => [...prefix, ...i.path]);
  return new DirectoryError(
    "snapshot-invalid",
    `The snapshot is not valid: ${paths.map((p, n) => `${fieldPath(p)} ${first[n]?.message}`).join("; ")}.`,
    REMEDY,
    // An empty path is the whole file.
    paths.map((p) => (p.length > 0 ? fieldPath(p) : "")),
  );
}

/** A DirectoryError naming one field. */
export function invalidField(path: string, problem: string): DirectoryError {
  return new DirectoryError("snapshot-invalid", `The snapshot is not valid: ${path} ${problem}.`, REMEDY, [
    path,
  ]);
}

/** Throws a DirectoryError naming `path` when `text` is not SDDL (aliases such as DA read with `domainSid`). */
export function checkSddl(text: string | null | undefined, domainSid: string, path: string): void {
  if (text === null || text === undefined) return;
  try {
    parseSddl(text, { domainSid });
  } catch (error) {
    const why = error instanceof Error ? error.message : "cannot be parsed";
    throw invalidField(path, `is not valid SDDL (${why})`);
  }
}

const sdIndex = z.number().int().min(0);
const sdsSchema = list(sddl);

/**
 * The compact format's `sd` indexes replaced by the descriptors of its `sds` table, so that what follows reads one
 * shape. An index outside the table is an error naming the field; anything else is left for the schema to judge.
 */
export function resolveCompact(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const root = value as Record<string, unknown>;
  if (root.format !== SNAPSHOT_FORMAT_COMPACT) return value;
  const sds = sdsSchema.safeParse(root.sds ?? []);
  if (!sds.success) throw invalidSnapshot(sds.error.issues, ["sds"]);
  const table = sds.data;
  const resolve = (holder: unknown, path: string): void => {
    if (typeof holder !== "object" || holder === null) return;
    const h = holder as Record<string, unknown>;
    h.sd = resolveSd(h.sd, table, `${path}.sd`);
  };
  if (!Array.isArray(root.domains)) return value;
  root.domains.forEach((domain: unknown, d) => {
    if (typeof domain !== "object" || domain === null) return;
    const dom = domain as Record<string, unknown>;
    resolve(dom, `domains[${d}]`);
    resolve(dom.samServer, `domains[${d}].samServer`);
    if (Array.isArray(dom.containers))
      dom.containers.forEach((c: unknown, i) => resolve(c, `domains[${d}].containers[${i}]`));
    if (Array.isArray(dom.users))
      dom.users.forEach((u: unknown, i) => resolve(u, `domains[${d}].users[${i}]`));
  });
  return value;
}

/** One `sd` of the compact format: an index into `sds` becomes that descriptor; other values are left as they are. */
export function resolveSd(sd: unknown, table: readonly string[] | null, path: string): unknown {
  if (typeof sd !== "number") return sd;
  if (!sdIndex.safeParse(sd).success)
    throw invalidField(path, "is not an index into sds (a whole number from 0)");
  if (table === null)
    throw invalidField(path, "refers to sds, but the file has no sds table before its domains");
  const found = table[sd];
  if (found === undefined)
    throw invalidField(
      path,
      `refers to sds[${sd}], but sds has ${table.length} entr${table.length === 1 ? "y" : "ies"}`,
    );
  return found;
}

/** Parses snapshot JSON text; a syntax error is a DirectoryError too. */
export function parseSnapshotText(text: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw new DirectoryError(
      "snapshot-invalid",
      "The snapshot is not valid JSON.",
      "Upload the .json file the collector wrote (PowerShell may add a byte-order mark; that is fine).",
    );
  }
  return parseSnapshot(value);
}

export const PAGE = 1000;

/** A snapshot user as the port hands it to the scanner. */
export function userRecordOf(u: SnapshotUser): UserRecord {
  return {
    dn: u.dn,
    sd: u.sd,
    objectClass: u.objectClass,
    sid: u.sid ?? null,
    userAccountControl: u.userAccountControl ?? null,
    adminCount: u.adminCount ?? null,
    tokenGroups: u.tokenGroups ?? null,
  };
}

/** A snapshot user as the end-to-end test reads it. */
export function onPremisesUserOf(u: SnapshotUser): OnPremisesUser {
  return userState({
    dn: u.dn,
    sAMAccountName: typeof u.sAMAccountName === "string" ? u.sAMAccountName : null,
    sid: u.sid ?? null,
    replPropertyMetaData: u.replPropertyMetaData
      ? new Uint8Array(Buffer.from(u.replPropertyMetaData, "base64"))
      : null,
    pwdLastSet: u.pwdLastSet ?? null,
    userAccountControl: u.userAccountControl ?? null,
    lockoutTime: u.lockoutTime ?? null,
    adminCount: u.adminCount ?? null,
  });
}

export class SnapshotDirectory implements DirectoryPort {
  readonly kind = "snapshot" as const;

  constructor(protected readonly snapshot: Snapshot) {}

  describe(): string {
    return `snapshot collected ${this.snapshot.collectedAt} (${this.snapshot.domains.map((d) => d.dnsName).join(", ")})`;
  }

  get collectedAt(): string {
    return this.snapshot.collectedAt;
  }

  async rootDse(): Promise<RootDseInfo> {
    const first = this.snapshot.domains[0];
    return {
      defaultNamingContext: first?.dn ?? null,
      configurationNamingContext: null,
      dnsHostName: first?.domainControllers[0]?.dnsHostName ?? null,
      supportedControl: first?.rootDse.supportedControl ?? [],
    };
  }

  async domains(): Promise<DomainRecord[]> {
    return this.snapshot.domains.map((d) => ({
      dn: d.dn,
      dnsName: d.dnsName,
      netbiosName: d.netbiosName ?? null,
      sid: d.sid,
      sd: d.sd,
      minPwdAge: d.minPwdAge,
      passwordSettingsObjects: d.passwordSettingsObjects
        ? d.passwordSettingsObjects.map((p) => ({
            dn: p.dn,
            minPwdAge: p.minPwdAge,
            appliesTo: p.appliesTo,
            precedence: p.precedence ?? null,
          }))
        : null,
      domainControllers: d.domainControllers.map((dc) => ({
        dn: dc.dn,
        dnsHostName: dc.dnsHostName ?? null,
        operatingSystem: dc.operatingSystem ?? null,
        operatingSystemVersion: dc.operatingSystemVersion ?? null,
        supportedControl: dc.supportedControl ?? null,
        ...(dc.supportedControlError ? { supportedControlError: dc.supportedControlError } : {}),
      })),
      supportedControl: d.rootDse.supportedControl,
      samServerSd: d.samServer?.sd ?? null,
      preWindows2000Members: d.preWindows2000Members ?? null,
    }));
  }

  private connectorAccount(): AccountRecord | null {
    const c = this.snapshot.connector;
    if (!c) return null;
    return {
      dn: c.dn,
      sid: c.sid,
      sAMAccountName: c.name?.split("\\").pop() ?? null,
      name: c.name ?? null,
      description: null,
      objectClass: c.objectClass ?? [],
      tokenGroups: c.tokenGroups,
    };
  }

  async connectorCandidates(): Promise<AccountRecord[]> {
    const c = this.connectorAccount();
    return c ? [c] : [];
  }

  async findAccount(identity: string): Promise<AccountRecord | null> {
    const c = this.connectorAccount();
    if (!c) return null;
    const wanted = identity.trim().toLowerCase();
    const matches =
      (identity.includes("=") && sameDn(identity, c.dn)) ||
      wanted === c.sid.toLowerCase() ||
      wanted === (c.name ?? "").toLowerCase() ||
      wanted === (c.sAMAccountName ?? "").toLowerCase();
    return matches ? c : null;
  }

  async readObject(target: string): Promise<DirectoryObject | null> {
    const key = normalizeDn(target);
    for (const d of this.snapshot.domains) {
      if (normalizeDn(d.dn) === key)
        return { dn: d.dn, sd: d.sd, objectClass: ["top", "domain", "domainDNS"] };
      const c = d.containers.find((x) => normalizeDn(x.dn) === key);
      if (c) return { dn: c.dn, sd: c.sd, objectClass: c.objectClass ?? ["top", "organizationalUnit"] };
      const u = d.users.find((x) => normalizeDn(x.dn) === key);
      if (u) return { dn: u.dn, sd: u.sd, objectClass: u.objectClass };
    }
    return null;
  }

  async *containers(base: string, options: StreamOptions = {}): AsyncIterable<DirectoryObject[]> {
    // Only the domain holding `base`: a child domain's objects are textually within its parent's DN too.
    const domain = domainHolding(base, this.snapshot.domains);
    const all = (domain?.containers ?? []).filter((c) => isWithin(c.dn, base));
    for (let i = 0; i < all.length; i += PAGE) {
      const page = all
        .slice(i, i + PAGE)
        .map((c) => ({ dn: c.dn, sd: c.sd, objectClass: c.objectClass ?? ["top", "organizationalUnit"] }));
      options.onProgress?.({ phase: "containers", scanned: i + page.length, total: all.length });
      yield page;
    }
  }

  async *users(base: string, options: StreamOptions = {}): AsyncIterable<UserRecord[]> {
    const domain = domainHolding(base, this.snapshot.domains);
    const all = (domain?.users ?? []).filter((u) => isWithin(u.dn, base));
    for (let i = 0; i < all.length; i += PAGE) {
      const page = all.slice(i, i + PAGE).map(userRecordOf);
      options.onProgress?.({ phase: "users", scanned: i + page.length, total: all.length });
      yield page;
    }
  }

  async findUserBySid(wanted: string): Promise<OnPremisesUser | null> {
    const key = wanted.trim().toUpperCase();
    for (const d of this.snapshot.domains) {
      const u = d.users.find((x) => x.sid?.toUpperCase() === key);
      if (u) return onPremisesUserOf(u);
    }
    return null;
  }

  async countUsersInGroup(_base: string, _groupDn: string): Promise<number | null> {
    // The snapshot holds no group memberships (only tokenGroups of adminCount=1 users).
    return null;
  }

  async close(): Promise<void> {}
}
