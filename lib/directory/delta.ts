// ms-fact: usnchanged-polling
// Delta re-checks of the connector-permissions step: after one full scan, a re-check of the same scope on the same
// domain controller reads only what changed since then and recomputes what those changes can affect, the way
// Microsoft describes change polling: read highestCommittedUSN and the DC's invocationId before the full scan, follow
// objects by objectGUID through moves. What changed among the users is learnt one of two ways:
//   - DirSync (ms-fact: dirsync-control), when the wizard's account holds Replicating Directory Changes: the DC names
//     every object whose descriptor, account state, name, place or existence changed since a cookie (tombstones
//     included, and on Windows whatever the objects' own permissions say), so nothing is listed.
//   - Otherwise a listing of the users with objectGUID and uSNChanged only (a cheap read, but of every user): a
//     read-only account cannot see tombstones (Deleted Objects is for administrators), and the DC leaves out of a
//     uSNChanged filter any user whose uSNChanged the account may not read, so only the listing names the changed,
//     moved, unreadable and deleted users exactly. The step says which way it read, and why.
// Either way only the named users are read in full.
//
// What a change can affect, and what is re-read:
//   - a changed user                              -> that user (the listing of users with uSNChanged names it)
//   - a changed, new, moved or gone OU/container  -> its whole subtree within the scope (old and new place)
//   - the scope root or anything above it         -> full scan (it reaches every user in scope)
//   - users with adminCount=1                     -> always re-read (their groups change without them)
//   - users whose inherited rights do not yet match what their parent passes on (the DC's descriptor propagation, a
//     background task, had not reached them)      -> re-read until they do (nothing reports them when it does)
//   - the connector's tokenGroups, another DC, a new invocationId (restore), another scope or connection, a baseline
//     older than a day -> full scan, saying why; so do more than 500 changed users when they are over a tenth of all
//     (reading them one by one would take longer than reading everything).
// Containers are listed again each time (they are few) so a new, moved or deleted OU is seen by its objectGUID, and
// so is one whose descriptor the DC's propagation rewrote: DirSync does not name those (ms-fact: sd-propagation-background).

import { type AccessToken } from "@/lib/ad/access-check";
import { type PreparedToken } from "@/lib/ad/fast-check-binary";
import { isDaclProtected, toModel } from "./checks/sd";
import { type DirectoryFinding } from "./checks/types";
import { type ContainerInfo, type UserOutcome, UserRightsScanner } from "./checks/user-rights";
import { ancestorsUpTo, isWithin, normalizeDn, parentDn, sameDn, shortDn } from "./dn";
import {
  type ChangeReader,
  type DirectoryMark,
  type DirectoryObject,
  type DirectoryPort,
  type DomainRecord,
  type SdBlob,
  type UserRecord,
} from "./port";

export const DELTA_FORMAT = "sspr-writeback-delta/1";
/** A delta builds on a full scan at most this old; then a full scan again. */
export const DELTA_MAX_AGE_MS = 24 * 60 * 60_000;

/** The bits of BaselineUser.r. */
export const USER_BIT = {
  ready: 1,
  changePassword: 2,
  /** adminCount=1: its verdict follows its groups, which change without it. */
  adminCount: 4,
  /** The DC's descriptor propagation had not reached it (UserOutcome.unsettled). */
  waiting: 8,
} as const;

export interface BaselineUser {
  guid: string;
  dn: string;
  /** USER_BIT flags. */
  r: number;
  /** This user's findings, when it has any. */
  f?: DirectoryFinding[];
}

/** What a full scan (or the last delta) leaves for the next re-check; stored with the run's directory artifacts. */
export interface DeltaBaseline {
  format: typeof DELTA_FORMAT;
  /** The last full scan; deltas build on it for at most DELTA_MAX_AGE_MS. */
  fullScanAt: string;
  /** When `mark` was read (before the scan or delta that this baseline holds). */
  markedAt: string;
  mark: DirectoryMark;
  /** The connection (URL and account) that read it. */
  describe: string;
  domain: { dn: string; sid: string };
  scope: string[];
  connector: { dn: string; sid: string; tokenGroups: string[] };
  /** The domain object and the scope roots' ancestors: a change there reaches every user in scope. */
  above: { dn: string; sd: string }[];
  /** Every container and OU at or below the scope roots. */
  containers: { guid: string; dn: string; sd: string }[];
  users: BaselineUser[];
  /**
   * The DirSync cookie read with `mark` (base64), where the account may use DirSync: the next re-check asks the DC
   * for what changed since, instead of listing every user.
   */
  dirSync?: string;
  /** Why no DirSync cookie could be read (then re-checks list every user). */
  dirSyncDenied?: string;
  /**
   * Users whose parent is none of the listed containers (an unusual parent class): while there are any, a changed
   * subtree is read with one subtree search instead of one search per container.
   */
  looseUsers?: number;
}

/** How many users sit below something other than the domain or a listed container. */
export function countLooseUsers(
  domainDn: string,
  containers: readonly { dn: string }[],
  users: Iterable<{ dn: string }>,
): number {
  const parents = new Set([normalizeDn(domainDn), ...containers.map((c) => normalizeDn(c.dn))]);
  let loose = 0;
  for (const u of users) {
    const parent = parentDn(u.dn);
    if (parent === null || !parents.has(normalizeDn(parent))) loose++;
  }
  return loose;
}

export interface UserTotals {
  total: number;
  ready: number;
  changePassword: number;
  findings: DirectoryFinding[];
}

/** How a connector-permissions result was read: the sentence the step shows, and what it cost. */
export interface ReadingNote {
  mode: "full" | "delta";
  /** How a delta found what changed: DirSync, or listing every user with uSNChanged (no DirSync right). */
  method?: "dirsync" | "listing";
  /** "Read 37 changes since 10:42 UTC" or "Full scan: the connector's groups changed". */
  sentence: string;
  entriesRead: number;
  changes?: number;
  since?: string;
}

export function sdKey(sd: SdBlob | null | undefined): string {
  if (sd === null || sd === undefined) return "";
  return typeof sd === "string"
    ? `sddl:${sd}`
    : Buffer.from(sd.buffer, sd.byteOffset, sd.byteLength).toString("base64");
}

const rank = (f: DirectoryFinding): string => `${normalizeDn(f.dn)}|${f.code}`;

/** Totals and user findings of a set of per-user outcomes, in one canonical order (by DN) for full and delta. */
export function totalsOf(users: Iterable<BaselineUser>): UserTotals {
  let total = 0;
  let ready = 0;
  let changePassword = 0;
  const findings: DirectoryFinding[] = [];
  for (const u of users) {
    total++;
    if (u.r & USER_BIT.ready) ready++;
    if (u.r & USER_BIT.changePassword) changePassword++;
    if (u.f) findings.push(...u.f);
  }
  findings.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  return { total, ready, changePassword, findings };
}

export function baselineUser(user: UserRecord, guid: string, outcome: UserOutcome): BaselineUser {
  const out: BaselineUser = {
    guid,
    dn: user.dn,
    r:
      (outcome.ready ? USER_BIT.ready : 0) |
      (outcome.changePassword ? USER_BIT.changePassword : 0) |
      (user.adminCount === 1 ? USER_BIT.adminCount : 0) |
      (outcome.unsettled ? USER_BIT.waiting : 0),
  };
  if (outcome.findings.length > 0) out.f = outcome.findings;
  return out;
}

/** Collects a baseline while a full scan runs (lib/directory/scan.ts). */
export class BaselineBuilder {
  readonly above = new Map<string, { dn: string; sd: string }>();
  readonly containers: { guid: string; dn: string; sd: string }[] = [];
  readonly users = new Map<string, BaselineUser>();
  /** Set when an object came without objectGUID: no delta can build on this scan. */
  unusable: string | null = null;

  addAbove(dn: string, sd: SdBlob | null): void {
    this.above.set(normalizeDn(dn), { dn, sd: sdKey(sd) });
  }

  addContainer(o: DirectoryObject): void {
    if (!o.guid) this.unusable = `${shortDn(o.dn)} has no objectGUID`;
    else this.containers.push({ guid: o.guid, dn: o.dn, sd: sdKey(o.sd) });
  }

  addUser(user: UserRecord, outcome: UserOutcome): void {
    if (!user.guid) {
      this.unusable = `${shortDn(user.dn)} has no objectGUID`;
      this.users.set(`dn:${normalizeDn(user.dn)}`, baselineUser(user, "", outcome));
      return;
    }
    this.users.set(user.guid, baselineUser(user, user.guid, outcome));
  }

  build(input: {
    mark: DirectoryMark;
    markedAt: string;
    describe: string;
    domain: DomainRecord;
    scope: string[];
    connector: { dn: string; sid: string; tokenGroups: readonly string[] };
    dirSync?: { cookie: string } | { denied: string } | null;
  }): DeltaBaseline | null {
    if (this.unusable) return null;
    const ds = input.dirSync;
    const users = [...this.users.values()];
    return {
      looseUsers: countLooseUsers(input.domain.dn, this.containers, users),
      ...(ds && "cookie" in ds ? { dirSync: ds.cookie } : {}),
      ...(ds && "denied" in ds ? { dirSyncDenied: ds.denied } : {}),
      format: DELTA_FORMAT,
      fullScanAt: input.markedAt,
      markedAt: input.markedAt,
      mark: input.mark,
      describe: input.describe,
      domain: { dn: input.domain.dn, sid: input.domain.sid },
      scope: input.scope,
      connector: {
        dn: input.connector.dn,
        sid: input.connector.sid,
        tokenGroups: [...input.connector.tokenGroups].sort(),
      },
      above: [...this.above.values()],
      containers: this.containers,
      users,
    };
  }
}

const scopeKey = (scope: readonly string[]): string => scope.map(normalizeDn).sort().join("\n");

/** "10:42 UTC" */
export function clock(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

export function fullScanNote(reason: string | null, entriesRead: number, waiting = 0): ReadingNote {
  return {
    mode: "full",
    sentence: (reason ? `Full scan: ${reason}.` : "Full scan.") + waitingSentence(waiting),
    entriesRead,
  };
}

/** How many users wait for the DC's descriptor propagation. */
export function countWaiting(users: Iterable<BaselineUser>): number {
  let n = 0;
  for (const u of users) if (u.r & USER_BIT.waiting) n++;
  return n;
}

// ms-fact: sd-propagation-background
function waitingSentence(waiting: number): string {
  if (waiting === 0) return "";
  const [who, has, its, it] =
    waiting === 1
      ? ["1 user", "does", "its", "it"]
      : [`${waiting.toLocaleString("en-US")} users`, "do", "their", "them"];
  return ` ${who} ${has} not yet have the permissions ${its} OU or container now passes on (the domain controller is still applying the change below it); the next check reads ${it} again.`;
}

export interface DeltaInput {
  port: DirectoryPort;
  changes: ChangeReader;
  baseline: DeltaBaseline;
  domain: DomainRecord;
  bases: string[];
  connector: { dn: string; sid: string; tokenGroups: readonly string[] };
  token: AccessToken;
  prepared: PreparedToken;
  now: Date;
}

export type DeltaAttempt =
  | { kind: "delta"; totals: UserTotals; baseline: DeltaBaseline; note: ReadingNote }
  | { kind: "full"; reason: string; entriesRead: number };

/** Why the baseline cannot be built on before anything is read; null when it can. */
export function refuseBaseline(
  input: Omit<DeltaInput, "port" | "changes" | "token" | "prepared">,
  describe: string,
): string | null {
  const { baseline: b, now } = input;
  if (b.format !== DELTA_FORMAT) return "the stored scan is from an older version of the wizard";
  if (now.getTime() - new Date(b.fullScanAt).getTime() > DELTA_MAX_AGE_MS)
    return "the last full scan is more than a day old";
  if (b.describe !== describe) return "the connection to the directory changed";
  if (!sameDn(b.domain.dn, input.domain.dn) || b.domain.sid !== input.domain.sid) return "the domain changed";
  if (scopeKey(b.scope) !== scopeKey(input.bases)) return "the scope changed";
  if (!sameDn(b.connector.dn, input.connector.dn) || b.connector.sid !== input.connector.sid)
    return "the connector account changed";
  const groups = [...input.connector.tokenGroups].sort();
  if (
    groups.length !== b.connector.tokenGroups.length ||
    groups.some((g, i) => g !== b.connector.tokenGroups[i])
  )
    return "the connector's groups changed";
  return null;
}

/** Reads only what changed since the baseline and recomputes what it can affect; or says why a full scan is needed. */
export async function deltaUsers(input: DeltaInput): Promise<DeltaAttempt> {
  const { port, changes, baseline, domain, bases } = input;
  let entriesRead = 0;
  const full = (reason: string): DeltaAttempt => ({ kind: "full", reason, entriesRead });
  const refused = refuseBaseline(input, port.describe());
  if (refused) return full(refused);

  // Where the DC stands now, read before anything else (the next delta starts from here).
  const markedAt = input.now.toISOString();
  const mark = await changes.mark();
  if (mark.server.toLowerCase() !== baseline.mark.server.toLowerCase())
    return full(
      `a different domain controller answered (${shortDn(mark.server.replace(/^CN=NTDS Settings,/i, ""))})`,
    );
  // ms-fact: invocation-id-restore
  if (mark.invocationId !== baseline.mark.invocationId)
    return full("the domain controller was restored from a backup (its invocation ID changed)");
  if (BigInt(mark.highestCommittedUsn) < BigInt(baseline.mark.highestCommittedUsn))
    return full("the domain controller's change counter went back");

  // The domain object and the scope roots' ancestors: any change to their permissions reaches every user in scope.
  const aboveNow = new Map<string, SdBlob | null>([[normalizeDn(domain.dn), domain.sd]]);
  for (const base of bases)
    for (const dn of ancestorsUpTo(base, domain.dn)) {
      if (aboveNow.has(normalizeDn(dn))) continue;
      const o = await port.readObject(dn);
      entriesRead++;
      aboveNow.set(normalizeDn(dn), o ? o.sd : null);
    }
  for (const a of baseline.above) {
    const now = aboveNow.get(normalizeDn(a.dn));
    if (now === undefined || sdKey(now) !== a.sd)
      return full(`the permissions on ${shortDn(a.dn)} changed, which reach every user in scope`);
  }

  // Containers again (few): new, moved, gone or re-permissioned ones make their subtrees dirty.
  const listed: DirectoryObject[] = [];
  for (const base of bases)
    for await (const page of port.containers(base)) {
      entriesRead += page.length;
      listed.push(...page);
    }
  const before = new Map(baseline.containers.map((c) => [c.guid, c]));
  const seen = new Set<string>();
  const dirtyOld: string[] = [];
  const dirtyNew: string[] = [];
  let changedContainers = 0;
  for (const c of listed) {
    if (!c.guid) return full(`${shortDn(c.dn)} has no objectGUID`);
    seen.add(c.guid);
    const old = before.get(c.guid);
    const sd = sdKey(c.sd);
    if (bases.some((b) => sameDn(b, c.dn))) {
      if (!old || sd !== old.sd || !sameDn(old.dn, c.dn))
        return full(`the permissions on ${shortDn(c.dn)} changed, which reach every user in scope`);
      continue;
    }
    if (!old || c.sd === null) {
      // New, or its permissions cannot be read (then nothing proves its subtree unchanged): read the subtree.
      if (old) dirtyOld.push(old.dn);
      dirtyNew.push(c.dn);
      if (!old) changedContainers++;
    } else if (!sameDn(old.dn, c.dn)) {
      dirtyOld.push(old.dn);
      dirtyNew.push(c.dn);
      changedContainers++;
    } else if (sd !== old.sd) {
      dirtyOld.push(c.dn);
      dirtyNew.push(c.dn);
      changedContainers++;
    }
  }
  for (const old of baseline.containers)
    if (!seen.has(old.guid)) {
      dirtyOld.push(old.dn);
      changedContainers++;
    }
  const underOld = (dn: string): boolean => dirtyOld.some((root) => isWithin(dn, root));
  const newRoots = dirtyNew.filter((r) => !dirtyNew.some((o) => o !== r && isWithin(r, o) && !sameDn(r, o)));
  const underNew = (dn: string): boolean => newRoots.some((root) => isWithin(dn, root));

  // The containers map and one scanner per scope root, exactly as the full scan builds them.
  const map = new Map<string, ContainerInfo>();
  const add = (dn: string, sd: SdBlob | null): void => {
    map.set(normalizeDn(dn), {
      dn,
      sd: sd === null ? null : toModel(sd, domain.sid),
      protected: sd === null ? false : isDaclProtected(sd, domain.sid),
    });
  };
  add(domain.dn, domain.sd);
  for (const base of bases)
    for (const dn of ancestorsUpTo(base, domain.dn))
      if (!map.has(normalizeDn(dn))) add(dn, aboveNow.get(normalizeDn(dn)) ?? null);
  for (const c of listed) add(c.dn, c.sd);
  const scanners = bases.map(
    (base) =>
      [
        base,
        new UserRightsScanner({
          domainDn: domain.dn,
          domainSid: domain.sid,
          scopeRoot: base,
          token: input.token,
          prepared: input.prepared,
          containers: map,
        }),
      ] as const,
  );
  const scannerFor = (dn: string): UserRightsScanner | null =>
    scanners.find(([b]) => isWithin(dn, b))?.[1] ?? null;

  const users = new Map<string, BaselineUser>();
  for (const u of baseline.users) if (!underOld(u.dn)) users.set(u.guid, u);
  const put = (user: UserRecord): DeltaAttempt | null => {
    if (!user.guid) return full(`${shortDn(user.dn)} has no objectGUID`);
    const scanner = scannerFor(user.dn);
    if (!scanner) users.delete(user.guid);
    else users.set(user.guid, baselineUser(user, user.guid, scanner.evaluate(user)));
    return null;
  };

  // DirSync first (where the baseline has a cookie): it decides how protected users are read below.
  const ds =
    baseline.dirSync && changes.dirSync
      ? await changes.dirSync(domain.dn, baseline.dirSync, { changes: true })
      : null;

  // The dirty subtrees, read whole at their new place: one one-level read per container in them (a DC answers those
  // from its index of children; a subtree search may weigh every user of the domain), or one subtree search while
  // some user sits below something that is not a listed container.
  const perContainer = baseline.looseUsers === 0;
  for (const root of newRoots) {
    if (!scannerFor(root)) continue;
    const reads = perContainer
      ? listed.filter((c) => isWithin(c.dn, root)).map((c) => changes.usersIn(c.dn))
      : [port.users(root)];
    for (const read of reads)
      for await (const page of read)
        for (const u of page) {
          entriesRead++;
          const stop = put(u);
          if (stop) return stop;
        }
  }
  // Users read again whatever is reported:
  //   - waiting ones: the DC's descriptor propagation had not reached them. It runs in the background and
  //     nothing names them when it does (DirSync leaves out children whose descriptor changed through their
  //     parent's inheritable entries), so they are read until they agree with what their parent passes on;
  //   - protected and orphaned accounts (adminCount=1): their verdict follows their groups, which change without them. With
  //     DirSync the known ones are read one by one (a change of adminCount on any other user is a change DirSync
  //     reports); otherwise they are searched for.
  // A user not found where it was has moved or gone: the changes below say which.
  const dirSyncing = ds?.kind === "changes";
  for (const u of [...users.values()])
    if ((u.r & USER_BIT.waiting || (dirSyncing && u.r & USER_BIT.adminCount)) && !underNew(u.dn)) {
      const now = await changes.user(u.dn);
      entriesRead++;
      if (now && now.guid === u.guid) {
        const stop = put(now);
        if (stop) return stop;
      } else users.delete(u.guid);
    }
  if (!dirSyncing)
    for (const base of bases)
      for await (const page of changes.protectedUsers(base))
        for (const u of page) {
          entriesRead++;
          const stop = put(u);
          if (stop) return stop;
        }

  // What changed among the users: DirSync where the account may use it, else a listing of every user.
  const markUsn = BigInt(baseline.mark.highestCommittedUsn);
  /** Users to read in full; `counted` false for one read only because its uSNChanged is unreadable (not a change). */
  const again: { dn: string; counted: boolean; guid: string | null }[] = [];
  let deleted = 0;
  let dirSyncCookie: string | undefined;
  let listingReason: string | null = null;
  let listedUsers = 0;
  if (ds?.kind === "changes") {
    // ms-fact: dirsync-control
    // Every object whose descriptor, account state, name, place or existence changed, anywhere in the domain:
    // a tombstone removes its user; a user now outside the scope leaves it; any other one in scope is read again
    // exactly as the full scan reads it (one the account cannot read, or that is no user, then drops out).
    dirSyncCookie = ds.cookie;
    entriesRead += ds.changes.length;
    const inScope = (dn: string): boolean => bases.some((b) => isWithin(dn, b));
    const queued = new Set<string>();
    for (const c of ds.changes) {
      if (c.deleted) {
        if (users.delete(c.guid)) deleted++;
        continue;
      }
      if (queued.has(c.guid)) continue;
      queued.add(c.guid);
      if (!inScope(c.dn)) {
        if (users.delete(c.guid)) deleted++;
        continue;
      }
      if (underNew(c.dn)) continue;
      if (before.has(c.guid)) continue; // a container: judged by the listing above
      again.push({ dn: c.dn, counted: true, guid: c.guid });
    }
    // Reading each changed user on its own costs more than reading them all once past a point.
    if (again.length > 500 && again.length > users.size / 10)
      return full(
        `${again.length.toLocaleString("en-US")} objects changed since ${clock(baseline.markedAt)}, so reading everything again is quicker`,
      );
  } else {
    listingReason =
      ds?.kind === "denied"
        ? ds.reason
        : (baseline.dirSyncDenied ?? "this connection does not read changes with DirSync");
    // ms-fact: deleted-objects-admin-only
    // Who is there now, with uSNChanged: a user above the mark, new, moved, or whose uSNChanged the account may not
    // read is read again; one that is gone was deleted or moved out of scope. (Tombstones would say the same, but the
    // Deleted Objects container is for administrators.)
    const present = new Set<string>();
    for (const base of bases)
      for await (const page of changes.userIds(base))
        for (const { guid, dn, usn } of page) {
          entriesRead++;
          listedUsers++;
          present.add(guid);
          if (underNew(dn)) continue;
          const known = users.get(guid);
          if (!known || !sameDn(known.dn, dn) || (usn !== null && BigInt(usn) > markUsn))
            again.push({ dn, counted: true, guid: null });
          else if (usn === null) again.push({ dn, counted: false, guid: null });
        }
    for (const guid of [...users.keys()])
      if (!present.has(guid)) {
        users.delete(guid);
        deleted++;
      }
  }
  let changedUsers = 0;
  for (const { dn, counted, guid } of again) {
    const u = await changes.user(dn);
    entriesRead++;
    if (u) {
      const stop = put(u);
      if (stop) return stop;
      if (counted) changedUsers++;
    }
    // DirSync named it, but the full scan would not list it (not a user, or not readable): it is out.
    else if (guid !== null && users.delete(guid)) deleted++;
  }

  const changesRead = changedUsers + changedContainers + deleted;
  return {
    kind: "delta",
    totals: totalsOf(users.values()),
    baseline: {
      ...baseline,
      markedAt,
      mark,
      containers: listed.map((c) => ({ guid: c.guid as string, dn: c.dn, sd: sdKey(c.sd) })),
      users: [...users.values()],
      dirSync: dirSyncCookie,
      dirSyncDenied: listingReason ?? undefined,
      looseUsers: countLooseUsers(domain.dn, listed, users.values()),
    },
    note: {
      mode: "delta",
      method: listingReason === null ? "dirsync" : "listing",
      sentence:
        `Read ${changesRead.toLocaleString("en-US")} change${changesRead === 1 ? "" : "s"} since ${clock(baseline.markedAt)}` +
        (listingReason === null
          ? "."
          : `, after listing all ${listedUsers.toLocaleString("en-US")} users to find deleted and moved ones (${listingReason}).`) +
        waitingSentence(countWaiting(users.values())),
      entriesRead,
      changes: changesRead,
      since: baseline.markedAt,
    },
  };
}
