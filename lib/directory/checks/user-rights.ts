// The per-user part of the connector-permissions check (DOMAIN.md "AD DS permissions"): for every in-scope user,
// the connector's effective Reset Password, Write lockoutTime and Write pwdLastSet, decided by lib/ad's access check
// (fast byte path first; the explaining path only for users that fail), and for each failure the reason a person
// can act on: a deny entry, inheritance disabled on the user or on an OU above it, a protected or orphaned
// adminCount=1 account, or simply no delegation. Pure: fed page by page by the scan, keeps only what it must.

import { checkRights, type AccessToken } from "@/lib/ad/access-check";
import { type PreparedToken } from "@/lib/ad/fast-check-binary";
import { SE_DACL_PROTECTED, type SecurityDescriptor } from "@/lib/ad/security-descriptor";
import { ancestorsUpTo, normalizeDn, parentDn, sameDn, shortDn } from "../dn";
import { type UserRecord } from "../port";
import {
  ALL_USER_RIGHTS,
  inheritedUserRights,
  isDaclProtected,
  parentGrantsUserRights,
  NO_USER_RIGHTS,
  parentPassesUserRights,
  rightsOf,
  structuralClass,
  toModel,
  USER_RIGHT_LABELS,
  USER_RIGHTS,
  type UserRight,
  type UserRightSet,
} from "./sd";
import { type DirectoryFinding, type FindingCode } from "./types";

export interface ContainerInfo {
  dn: string;
  /** Parsed descriptor; null when it could not be read (the container is then treated as transparent). */
  sd: SecurityDescriptor | null;
  protected: boolean;
}

export interface UserScanContext {
  domainDn: string;
  domainSid: string;
  /** Where a missing delegation belongs: the domain root, or the chosen OU. */
  scopeRoot: string;
  token: AccessToken;
  prepared: PreparedToken;
  /** Containers by normalizeDn(dn), including the domain root and the scope root's ancestors. */
  containers: ReadonlyMap<string, ContainerInfo>;
}

// Protected groups and accounts (AdminSDHolder / SDProp; MS-ADTS 3.1.1.6.1.1 and "Appendix C: Protected Accounts
// and Groups in Active Directory"). Domain-relative RIDs match in any domain of the forest (Enterprise and Schema
// Admins live in the forest root domain).
const PROTECTED_DOMAIN_RIDS: Record<number, string> = {
  512: "Domain Admins",
  516: "Domain Controllers",
  518: "Schema Admins",
  519: "Enterprise Admins",
  521: "Read-only Domain Controllers",
};
const PROTECTED_BUILTIN: Record<string, string> = {
  "S-1-5-32-544": "Administrators",
  "S-1-5-32-548": "Account Operators",
  "S-1-5-32-549": "Server Operators",
  "S-1-5-32-550": "Print Operators",
  "S-1-5-32-551": "Backup Operators",
  "S-1-5-32-552": "Replicator",
};
const PROTECTED_ACCOUNT_RIDS: Record<number, string> = { 500: "the built-in Administrator", 502: "krbtgt" };

function domainRid(sid: string): number | null {
  const m = /^S-1-5-21-\d+-\d+-\d+-(\d+)$/.exec(sid);
  return m?.[1] ? Number(m[1]) : null;
}

/** The protected groups (by name) a token contains, plus the account itself when it is protected by RID. */
export function protectedMemberships(userSid: string | null, tokenGroups: readonly string[]): string[] {
  const out: string[] = [];
  const own = userSid ? domainRid(userSid) : null;
  if (own !== null && PROTECTED_ACCOUNT_RIDS[own]) out.push(PROTECTED_ACCOUNT_RIDS[own]);
  for (const sid of tokenGroups) {
    const builtin = PROTECTED_BUILTIN[sid];
    if (builtin) out.push(builtin);
    const rid = domainRid(sid);
    if (rid !== null && PROTECTED_DOMAIN_RIDS[rid]) out.push(PROTECTED_DOMAIN_RIDS[rid]);
  }
  return [...new Set(out)];
}

export interface UserScanResult {
  total: number;
  ready: number;
  /** Ready users on which the connector also holds Change Password (informational, DOMAIN.md). */
  changePassword: number;
  findings: DirectoryFinding[];
}

export interface UserOutcome {
  ready: boolean;
  changePassword: boolean;
  findings: DirectoryFinding[];
  /**
   * The rights its inherited entries give differ from what its parent passes on now: the domain controller's
   * security-descriptor propagation (a background task) has not reached it yet. Nothing reports the user when it does,
   * so a delta re-check reads it again until it agrees (lib/directory/delta.ts).
   */
  unsettled: boolean;
}

type ParentVerdict =
  { kind: "blocked"; at: string; holder: string } | { kind: "missing" } | { kind: "pending"; holder: string };

const DELEGATE_HINT =
  "Delegate Reset Password, Write lockoutTime and Write pwdLastSet on descendant user objects to the connector (Set-ADSyncPasswordWritebackPermissions, or the fix below).";

export class UserRightsScanner {
  private total = 0;
  private ready = 0;
  private changePassword = 0;
  private readonly findings: DirectoryFinding[] = [];
  private unsettled = 0;
  private readonly parentCache = new Map<string, ParentVerdict>();
  /** What each parent passes on to a child of each class, by `${normalizeDn(parent)}|${class}`. */
  private readonly passesCache = new Map<string, UserRightSet>();

  constructor(private readonly ctx: UserScanContext) {}

  add(users: readonly UserRecord[]): void {
    for (const user of users) this.one(user);
  }

  /** One user's own part of the result (for delta re-checks, lib/directory/delta.ts); also counted in result(). */
  evaluate(user: UserRecord): UserOutcome {
    const [findings, ready, changePassword, unsettled] = [
      this.findings.length,
      this.ready,
      this.changePassword,
      this.unsettled,
    ];
    this.one(user);
    return {
      ready: this.ready > ready,
      changePassword: this.changePassword > changePassword,
      findings: this.findings.slice(findings),
      unsettled: this.unsettled > unsettled,
    };
  }

  result(): UserScanResult {
    return {
      total: this.total,
      ready: this.ready,
      changePassword: this.changePassword,
      findings: this.findings,
    };
  }

  private push(
    code: FindingCode,
    severity: DirectoryFinding["severity"],
    dn: string,
    reason: string,
    remediation: string,
    anchor?: string,
  ): void {
    this.findings.push(
      anchor
        ? { code, severity, dn, reason, remediation, anchor }
        : { code, severity, dn, reason, remediation },
    );
  }

  private one(user: UserRecord): void {
    this.total++;
    const { ctx } = this;
    if (user.adminCount === 1) {
      const groups = protectedMemberships(user.sid, user.tokenGroups ?? []);
      if (groups.length > 0 || user.tokenGroups === null) {
        this.push(
          "protected-account",
          "warning",
          user.dn,
          groups.length > 0
            ? `Protected account (adminCount=1, ${groups.join(", ")}): SDProp rewrites its permissions from AdminSDHolder, so password writeback to it fails by design (event 33004, SSPR_0029).`
            : "Protected account (adminCount=1; its groups could not be read).",
          // ms-fact: protected-accounts-not-written-back
          "Leave it out of self-service password reset, or give the person a separate unprivileged account for daily use. Do not delegate the connector's rights on AdminSDHolder: Microsoft advises against it, and it would hand a compromised connector the administrators' passwords.",
          user.dn,
        );
        return;
      }
    }
    if (user.sd === null) {
      this.push(
        "sd-unreadable",
        "error",
        user.dn,
        "The wizard's account could not read this user's security descriptor, so the connector's rights cannot be judged.",
        "Make sure the wizard's read-only account is not denied Read Permissions on this object, then check again.",
        parentDn(user.dn) ?? user.dn,
      );
      return;
    }
    const cls = structuralClass(user.objectClass);
    const rights = rightsOf(user.sd, ctx.token, ctx.prepared, cls, ctx.domainSid);
    const missing = USER_RIGHTS.filter((r) => !rights[r]);
    const orphan = user.adminCount === 1;
    if (missing.length === 0) {
      this.ready++;
      if (rights.changePassword) this.changePassword++;
      // Ready where the parent passes all three on is settled; otherwise the rights come from entries on the user
      // itself, or from inherited ones its parent no longer passes on (a removal still propagating).
      const passes = this.parentPasses(user.dn, cls);
      if (passes !== null && passes !== ALL_USER_RIGHTS && this.inheritedDiffer(user, cls, passes))
        this.unsettled++;
      if (orphan) {
        this.push(
          "orphaned-admincount",
          "warning",
          user.dn,
          "adminCount is still 1 although the account is in no protected group; writeback works today, but tools that trust adminCount will treat it as an admin.",
          "Clear adminCount on the account (Set-ADUser -Clear adminCount).",
          user.dn,
        );
      }
      return;
    }
    this.explain(user, cls, missing, orphan);
  }

  private explain(user: UserRecord, cls: string, missing: UserRight[], orphan: boolean): void {
    const { ctx } = this;
    const names = missing.map((r) => USER_RIGHT_LABELS[r]).join(", ");
    const model = toModel(user.sd as NonNullable<UserRecord["sd"]>, ctx.domainSid);
    const decisions = checkRights(model, ctx.token, cls, { domainSid: ctx.domainSid });
    const denied = missing.find((r) => decisions[r].decidingAce?.effect === "deny");
    const userProtected = (model.control & SE_DACL_PROTECTED) !== 0;
    // Waiting for propagation: its inherited entries give other rights than its parent passes on. Skipped when that
    // cannot be: the parent passes none on, the user holds none, and no deny decides (so none of its inherited
    // entries grants one either): most users of a domain not delegated yet.
    const passes = this.parentPasses(user.dn, cls);
    if (
      !userProtected &&
      passes !== null &&
      (passes !== NO_USER_RIGHTS || missing.length < USER_RIGHTS.length || denied) &&
      inheritedUserRights(model, ctx.token, cls) !== passes
    )
      this.unsettled++;
    if (denied) {
      const ace = decisions[denied].decidingAce;
      const inherited = ace ? /;[A-Z]*ID[A-Z]*;/.test(`;${ace.sddl.split(";")[1] ?? ""};`) : false;
      this.push(
        "denied-by-ace",
        "error",
        user.dn,
        `${USER_RIGHT_LABELS[denied]} is ${decisions[denied].reason}; a deny that comes first wins over the delegation.`,
        `Remove or narrow the deny entry ${ace?.sddl ?? ""} ${inherited ? "where it is set (it is inherited from an object above this user)" : "on this user"}, unless it is there on purpose.`,
        user.dn,
      );
      return;
    }
    if (orphan) {
      this.push(
        "orphaned-admincount",
        "error",
        user.dn,
        `adminCount is 1 but the account is in no protected group any more; it kept the protected permissions${userProtected ? " (inheritance disabled)" : ""}, so the connector lacks ${names}.`,
        "Clear adminCount and re-enable inheritance on the account; the wizard can do both.",
        user.dn,
      );
      return;
    }
    const parent = parentDn(user.dn);
    const parentInfo = parent ? ctx.containers.get(normalizeDn(parent)) : undefined;
    if (userProtected && parentInfo?.sd && parentGrantsUserRights(parentInfo.sd, ctx.token, cls)) {
      this.push(
        "inheritance-disabled",
        "error",
        user.dn,
        `Inheritance is disabled on this user, so the delegation that reaches ${shortDn(parentInfo.dn)} never reaches it (missing: ${names}).`,
        'Re-enable inheritance on the user (dsacls "<dn>" /P:N), or delegate on the user itself.',
        user.dn,
      );
      return;
    }
    const verdict = parent ? this.parentVerdict(parent, cls) : ({ kind: "missing" } as const);
    if (verdict.kind === "blocked") {
      const holder = sameDn(verdict.holder, ctx.domainDn) ? "the domain root" : shortDn(verdict.holder);
      this.push(
        "inheritance-disabled",
        "error",
        user.dn,
        `Inheritance is disabled on ${shortDn(verdict.at)}, so the delegation on ${holder} never reaches this user (missing: ${names}).`,
        `Re-enable inheritance on ${verdict.at} if nothing relies on it being blocked, or delegate the writeback rights on that OU itself (Set-ADSyncPasswordWritebackPermissions -ADobjectDN).`,
        verdict.at,
      );
      return;
    }
    if (verdict.kind === "pending") {
      this.push(
        "missing-delegation",
        "error",
        user.dn,
        `The delegation on ${shortDn(verdict.holder)} has not reached this user yet (missing: ${names}); replication or inheritance propagation may still be running.`,
        "Wait for replication and check again; if it persists, re-apply the delegation.",
        ctx.scopeRoot,
      );
      return;
    }
    this.push(
      "missing-delegation",
      "error",
      user.dn,
      `No entry grants the connector ${names} on this user.`,
      DELEGATE_HINT,
      ctx.scopeRoot,
    );
  }

  /** What the user's parent passes on to a child of `cls` now; null when its parent's descriptor is unknown. */
  private parentPasses(dn: string, cls: string): UserRightSet | null {
    const parent = parentDn(dn);
    const info = parent ? this.ctx.containers.get(normalizeDn(parent)) : undefined;
    if (!info?.sd) return null;
    const key = `${normalizeDn(info.dn)}|${cls}`;
    let passes = this.passesCache.get(key);
    if (passes === undefined) {
      passes = parentPassesUserRights(info.sd, this.ctx.token, cls);
      this.passesCache.set(key, passes);
    }
    return passes;
  }

  /** True when the user's inherited entries give other rights than `passes` (a user with inheritance disabled has none). */
  private inheritedDiffer(user: UserRecord, cls: string, passes: UserRightSet): boolean {
    const sd = user.sd as NonNullable<UserRecord["sd"]>;
    if (isDaclProtected(sd, this.ctx.domainSid)) return false;
    return inheritedUserRights(toModel(sd, this.ctx.domainSid), this.ctx.token, cls) !== passes;
  }

  /**
   * Why users directly under `parent` lack the rights: walk the chain from the domain root down to `parent`; the first
   * protected container whose own parent would pass the delegation on is the blocker.
   */
  private parentVerdict(parent: string, cls: string): ParentVerdict {
    const key = `${normalizeDn(parent)}|${cls}`;
    const cached = this.parentCache.get(key);
    if (cached) return cached;
    const { ctx } = this;
    const chainDns = [...ancestorsUpTo(parent, ctx.domainDn).reverse(), parent];
    const chain = chainDns
      .map((dn) => ctx.containers.get(normalizeDn(dn)))
      .filter((c): c is ContainerInfo => c !== undefined && c.sd !== null);
    let verdict: ParentVerdict = { kind: "missing" };
    // The parent passes the rights on, yet the user lacks them: they have not arrived (whatever blocks them further
    // up, the parent's own entries pass them on).
    const last = chain[chain.length - 1];
    if (last?.sd && sameDn(last.dn, parent) && parentGrantsUserRights(last.sd, ctx.token, cls)) {
      // What passes them on starts at the lowest container with inheritance disabled (nothing above it reaches).
      const from = Math.max(
        0,
        chain.findLastIndex((c) => c.protected),
      );
      verdict = { kind: "pending", holder: this.holder(chain.slice(from), cls) };
      this.parentCache.set(key, verdict);
      return verdict;
    }
    for (let i = 1; i < chain.length; i++) {
      const here = chain[i] as ContainerInfo;
      const above = chain[i - 1] as ContainerInfo;
      if (here.protected && parentGrantsUserRights(above.sd as SecurityDescriptor, ctx.token, cls)) {
        verdict = { kind: "blocked", at: here.dn, holder: this.holder(chain.slice(0, i), cls) };
        break;
      }
    }
    if (verdict.kind === "missing") {
      const last = chain[chain.length - 1];
      if (last?.sd && parentGrantsUserRights(last.sd, ctx.token, cls))
        verdict = { kind: "pending", holder: this.holder(chain, cls) };
    }
    this.parentCache.set(key, verdict);
    return verdict;
  }

  /** The highest object in `chain` whose own (explicit) entries carry the delegation; else the lowest. */
  private holder(chain: readonly ContainerInfo[], cls: string): string {
    for (const c of chain) if (c.sd && parentGrantsUserRights(c.sd, this.ctx.token, cls, true)) return c.dn;
    return chain[chain.length - 1]?.dn ?? this.ctx.domainDn;
  }
}
