// Runs the directory checks of one step against a Directory port: reads what the step needs (page by page for
// users), feeds the pure checks in ./checks and returns every per-object finding plus a verdict. The same code runs
// over LDAP (confidence "verified") and over an uploaded snapshot ("evidence"). It returns facts and per-object
// findings; whether the step passes is decided in lib/verify/verdicts/directory.ts.

import { networkLogonToken, type AccessToken } from "@/lib/ad/access-check";
import { prepareToken, type PreparedToken } from "@/lib/ad/fast-check-binary";
import { type SecurityDescriptor } from "@/lib/ad/security-descriptor";
import {
  describeAccount,
  decideConnector,
  isGroupManagedServiceAccount,
  type ConnectorDecision,
} from "./checks/connector";
import {
  checkDomainControllers,
  checkPasswordPolicy,
  checkPreWindows2000,
  checkSamServer,
  checkUnexpire,
  type PsoScope,
} from "./checks/domain-checks";
import { checkDelegationRemoved } from "./checks/revoke";
import { isDaclProtected, rightsOf, structuralClass, toModel, USER_RIGHTS } from "./checks/sd";
import { usersSummary, USER_CODES } from "./checks/summary";
import { type DirectoryFinding } from "./checks/types";
import { UserRightsScanner, type ContainerInfo } from "./checks/user-rights";
import { ancestorsUpTo, domainHolding, isWithin, normalizeDn, sameDn, shortDn } from "./dn";
import {
  BaselineBuilder,
  countWaiting,
  deltaUsers,
  fullScanNote,
  totalsOf,
  type DeltaBaseline,
  type ReadingNote,
} from "./delta";
import { DirectoryError } from "./errors";
import { type DirectoryPort, type DomainRecord, type ScanProgress } from "./port";

export const DIRECTORY_STEP_IDS = [
  "prerequisites",
  "connector-permissions",
  "password-policy",
  "revoke-connector-permissions",
] as const;
export type DirectoryStepId = (typeof DIRECTORY_STEP_IDS)[number];

export function isDirectoryStep(stepId: string): stepId is DirectoryStepId {
  return (DIRECTORY_STEP_IDS as readonly string[]).includes(stepId);
}

export interface ScanSettings {
  /** Connector named by configuration or the command line (DN, DOMAIN\\name, name or UPN); null to discover it. */
  connector: string | null;
  /** The candidate the admin confirmed for this run. */
  confirmedConnectorDn: string | null;
  /** OUs to check; empty means every domain root. */
  scope: string[];
}

export interface ScanOptions {
  onProgress?: (progress: ScanProgress) => void;
  /** Expected number of users (from an earlier scan), for the progress bar. */
  userTotal?: number | null;
  /**
   * Delta re-checks of connector-permissions (lib/directory/delta.ts): the baseline the last scan left (null: none),
   * and where to keep the new one. Only a port that reports changes (LDAP to one domain) uses it.
   */
  delta?: {
    baseline: DeltaBaseline | null;
    save(baseline: DeltaBaseline | null): Promise<void>;
    now?: () => Date;
  };
}

export interface ScanFacts {
  domains: { dn: string; dnsName: string; netbiosName: string | null; sid: string }[];
  connector: {
    dn: string;
    sid: string;
    name: string;
    how: NonNullable<ConnectorDecision["how"]>;
    /** A group managed service account (cloud sync's provisioning agent); absent in facts from older runs. */
    gmsa?: boolean;
  } | null;
  candidates: { dn: string; name: string; description: string | null }[];
  scope: string[];
  users?: { total: number; ready: number; changePassword: number };
}

export interface StepScan {
  stepId: DirectoryStepId;
  source: "ldap" | "snapshot";
  describe: string;
  scannedAt: string;
  /** What was read, in one line ("1,204 users checked …"); the verdict is lib/verify's (scanVerdict). */
  summary: string;
  findings: DirectoryFinding[];
  facts: ScanFacts;
  /** How connector-permissions read the users: a full scan or the changes since the last one, in one sentence. */
  reading?: ReadingNote;
}

/** Reads and caches what several steps share (domains, the connector) for one port. */
export class DirectoryScanner {
  private domainsCache: Promise<DomainRecord[]> | null = null;
  private connectorCache = new Map<string, Promise<ConnectorDecision>>();

  constructor(
    private readonly port: DirectoryPort,
    private readonly settings: ScanSettings,
    private readonly options: ScanOptions = {},
  ) {}

  domains(): Promise<DomainRecord[]> {
    this.domainsCache ??= this.port.domains();
    return this.domainsCache;
  }

  connector(domain: DomainRecord, strict: boolean): Promise<ConnectorDecision> {
    const key = `${normalizeDn(domain.dn)}|${strict}`;
    let cached = this.connectorCache.get(key);
    if (!cached) {
      cached = (async () => {
        const configuredName = this.settings.connector;
        const configured = configuredName ? await this.port.findAccount(configuredName) : null;
        let candidates = configuredName ? [] : await this.port.connectorCandidates(domain.dn);
        // An account the admin confirmed by name that discovery does not propose (a custom gMSA of cloud sync,
        // a connector account renamed from MSOL_): looked up, and confirmed if it exists.
        const confirmedDn = this.settings.confirmedConnectorDn;
        let confirmedMissing = false;
        if (!configuredName && confirmedDn && !candidates.some((c) => sameDn(c.dn, confirmedDn))) {
          // A name typed by the admin: a malformed or unknown DN is "not found", anything else (down, refused) fails.
          const named = await this.port.findAccount(confirmedDn).catch((error: unknown) => {
            if (error instanceof DirectoryError && (error.kind === "not-found" || error.kind === "protocol"))
              return null;
            throw error;
          });
          if (named && sameDn(named.dn, confirmedDn)) candidates = [...candidates, named];
          else confirmedMissing = true;
        }
        const decision = decideConnector({
          configuredName,
          configured,
          confirmedDn: this.settings.confirmedConnectorDn,
          candidates,
          domainDn: domain.dn,
          strict,
        });
        if (confirmedMissing && confirmedDn)
          decision.findings.push({
            code: "connector-not-found",
            severity: strict ? "error" : "warning",
            dn: confirmedDn,
            reason: `The account confirmed for this run, ${confirmedDn}, was not found in ${domain.dn} (or the wizard's account cannot read it), so the wizard cannot use it.`,
            remediation:
              "Check the distinguished name (Get-ADServiceAccount or Get-ADUser shows it) and confirm it again, or confirm one of the accounts the wizard found.",
            anchor: domain.dn,
          });
        return decision;
      })();
      this.connectorCache.set(key, cached);
    }
    return cached;
  }

  async run(stepId: DirectoryStepId): Promise<StepScan> {
    const domains = await this.domains();
    const first = domains[0];
    if (!first)
      throw new DirectoryError(
        "not-found",
        "The directory source holds no domain.",
        "Check the base DN or the snapshot.",
      );
    const decision = await this.connector(first, stepId === "prerequisites");
    const facts: ScanFacts = {
      domains: domains.map((d) => ({ dn: d.dn, dnsName: d.dnsName, netbiosName: d.netbiosName, sid: d.sid })),
      connector:
        decision.account && decision.how
          ? {
              dn: decision.account.dn,
              sid: decision.account.sid,
              name: describeAccount(decision.account),
              how: decision.how,
              gmsa: isGroupManagedServiceAccount(decision.account),
            }
          : null,
      candidates: decision.candidates.map((c) => ({
        dn: c.dn,
        name: describeAccount(c),
        description: c.description,
      })),
      scope: this.bases(domains),
    };
    const token = decision.account
      ? networkLogonToken(decision.account.sid, decision.account.tokenGroups)
      : null;
    let findings: DirectoryFinding[] = [...decision.findings];
    let summary: string;
    let reading: ReadingNote | undefined;
    switch (stepId) {
      case "prerequisites": {
        for (const d of domains) {
          // Every DC's own controls where the port can ask it (LDAP asks each DC; a snapshot holds the answers).
          const domainControllers = this.port.readDomainControllerControls
            ? await this.port.readDomainControllerControls(d.domainControllers)
            : d.domainControllers;
          findings.push(...checkDomainControllers({ ...d, domainControllers }));
          if (token) findings.push(...checkSamServer(d, token));
          findings.push(...checkPreWindows2000(d));
        }
        const dcs = domains.reduce((n, d) => n + d.domainControllers.length, 0);
        summary = `${dcs} domain controller${dcs === 1 ? "" : "s"} read; connector ${facts.connector ? facts.connector.name : "not settled"}.`;
        break;
      }
      case "connector-permissions": {
        if (!token) {
          summary = "The connector account is not settled, so its rights cannot be checked.";
          break;
        }
        const delta = this.options.delta;
        const changes = this.port.changes;
        let result: Awaited<ReturnType<DirectoryScanner["scanUsers"]>>;
        if (delta && changes && decision.account && domains.length === 1) {
          const now = delta.now?.() ?? new Date();
          const connector = {
            dn: decision.account.dn,
            sid: decision.account.sid,
            tokenGroups: decision.account.tokenGroups,
          };
          const attempt = delta.baseline
            ? await deltaUsers({
                port: this.port,
                changes,
                baseline: delta.baseline,
                domain: first,
                bases: facts.scope,
                connector,
                token,
                prepared: prepareToken(token),
                now,
              })
            : null;
          if (attempt?.kind === "delta") {
            result = attempt.totals;
            reading = attempt.note;
            await delta.save(attempt.baseline);
          } else {
            // Microsoft's order: the DC's position first, then the full read (changes meanwhile are read next time).
            const mark = await changes.mark();
            const markedAt = now.toISOString();
            // ms-fact: dirsync-control
            // A DirSync cookie for this moment (none of the objects, only where the DC stands), moving on from the
            // last one read on the same DC so the DC need not walk the domain from the start.
            const previous = delta.baseline;
            const sameDc =
              previous?.dirSync &&
              previous.mark.server.toLowerCase() === mark.server.toLowerCase() &&
              previous.mark.invocationId === mark.invocationId;
            const ds = changes.dirSync
              ? await changes.dirSync(first.dn, sameDc ? (previous.dirSync ?? null) : null, {
                  changes: false,
                })
              : null;
            const builder = new BaselineBuilder();
            result = await this.scanUsers(domains, token, builder);
            const baseline = builder.build({
              mark,
              markedAt,
              describe: this.port.describe(),
              domain: first,
              scope: facts.scope,
              connector,
              dirSync:
                ds === null ? null : ds.kind === "changes" ? { cookie: ds.cookie } : { denied: ds.reason },
            });
            await delta.save(baseline);
            reading = fullScanNote(
              attempt ? attempt.reason : "no earlier scan of this run to build on",
              result.total + builder.containers.length,
              baseline ? countWaiting(baseline.users) : 0,
            );
          }
        } else {
          result = await this.scanUsers(domains, token);
          if (delta)
            reading = fullScanNote(
              domains.length > 1
                ? "several domains are read, and changes are followed on one domain controller only"
                : "this source does not report changes",
              result.total,
            );
        }
        for (const d of domains) findings.push(...checkUnexpire(d, token));
        if (result.ready > 0) {
          findings.push({
            code: "change-password-informational",
            severity: "info",
            dn: first.dn,
            reason: `The connector also holds Change Password on ${result.changePassword.toLocaleString("en-US")} of the ${result.ready.toLocaleString("en-US")} ready users. Newer documentation lists it; Microsoft's own script does not grant it and resets do not need it.`,
            remediation: "Nothing to do.",
            anchor: first.dn,
          });
        }
        findings.push(...result.findings);
        facts.users = { total: result.total, ready: result.ready, changePassword: result.changePassword };
        summary = usersSummary(
          result.total,
          result.ready,
          result.findings.filter((f) => USER_CODES.has(f.code)),
        );
        break;
      }
      case "password-policy": {
        // The connector is not needed for the policy check; its findings stay out of this step.
        findings = [];
        for (const d of domains) findings.push(...checkPasswordPolicy(d, await this.psoScope(d, domains)));
        const bad = findings.filter((f) => f.code === "min-password-age" && f.severity === "error").length;
        const unread = findings
          .filter((f) => f.code === "fgpp-unreadable" && f.severity === "error")
          .map((f) => shortDn(f.dn));
        const parts: string[] = [];
        if (bad > 0)
          parts.push(`${bad} password polic${bad === 1 ? "y has" : "ies have"} a minimum age above 0.`);
        // Never "no policy blocks" while a policy that may apply could not be read.
        if (unread.length > 0)
          parts.push(
            `${unread.length === 1 ? "A fine-grained policy" : `${unread.length} fine-grained policies`} could not be read (${unread.join(", ")}), so the password policy is not verified.`,
          );
        summary =
          parts.length > 0 ? parts.join(" ") : "No password policy keeps a second reset from working.";
        break;
      }
      case "revoke-connector-permissions": {
        if (!decision.account || !token) {
          summary = "The connector account is not settled, so its delegation cannot be checked.";
          break;
        }
        const { objects, usersWithRights, total, sample } = await this.scanForRevoke(domains, token);
        for (const d of domains)
          findings.push(
            ...checkDelegationRemoved(
              objects.filter((o) => isWithin(o.dn, d.dn)),
              decision.account.sid,
              d.sid,
            ),
          );
        // Rights that remain while the delegation itself is still there are simply the delegation at work.
        if (usersWithRights > 0 && !findings.some((f) => f.code === "delegation-still-present")) {
          findings.push({
            code: "rights-remain",
            severity: "warning",
            dn: first.dn,
            reason: `The connector can still reset the password of ${usersWithRights.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} users (for example ${sample.map(shortDn).join(", ")}) through entries other than the writeback delegation (a group, or broader rights).`,
            remediation: "Review where those rights come from; remove them only if nothing else needs them.",
            anchor: first.dn,
          });
        }
        const left = findings.filter((f) => f.code === "delegation-still-present").length;
        summary =
          left === 0
            ? "No writeback delegation to the connector is left."
            : `${left} object${left === 1 ? " still carries" : "s still carry"} the writeback delegation.`;
        break;
      }
    }
    return {
      stepId,
      source: this.port.kind,
      describe: this.port.describe(),
      scannedAt: new Date().toISOString(),
      summary,
      findings,
      facts,
      ...(reading ? { reading } : {}),
    };
  }

  /** The scope roots: chosen OUs (nested ones dropped), else every domain root. */
  private bases(domains: readonly DomainRecord[]): string[] {
    if (this.settings.scope.length === 0) return domains.map((d) => d.dn);
    const scope = [...new Set(this.settings.scope.map((s) => s.trim()).filter(Boolean))];
    for (const base of scope) {
      if (!domains.some((d) => isWithin(base, d.dn))) {
        throw new DirectoryError(
          "configuration",
          `The OU ${base} is not in ${domains.map((d) => d.dn).join(" or ")}.`,
          "Choose OUs inside the domain being read.",
        );
      }
    }
    return scope.filter(
      (b) => !scope.some((other) => other !== b && isWithin(b, other) && !sameDn(b, other)),
    );
  }

  /** Containers (parsed) of one scope root: the domain root, the root's ancestors and everything below it. */
  private async containerMap(
    domain: DomainRecord,
    base: string,
    builder?: BaselineBuilder,
  ): Promise<Map<string, ContainerInfo>> {
    const map = new Map<string, ContainerInfo>();
    const add = (dn: string, sd: Parameters<typeof toModel>[0] | null): void => {
      map.set(normalizeDn(dn), {
        dn,
        sd: sd === null ? null : toModel(sd, domain.sid),
        protected: sd === null ? false : isDaclProtected(sd, domain.sid),
      });
    };
    add(domain.dn, domain.sd);
    builder?.addAbove(domain.dn, domain.sd);
    for (const dn of ancestorsUpTo(base, domain.dn)) {
      if (map.has(normalizeDn(dn))) continue;
      const o = await this.port.readObject(dn);
      if (o) add(o.dn, o.sd);
      builder?.addAbove(dn, o ? o.sd : null);
    }
    for await (const page of this.port.containers(base, { onProgress: this.options.onProgress }))
      for (const c of page) {
        add(c.dn, c.sd);
        builder?.addContainer(c);
      }
    return map;
  }

  private async scanUsers(domains: readonly DomainRecord[], token: AccessToken, builder?: BaselineBuilder) {
    const prepared = prepareToken(token);
    const total = { total: 0, ready: 0, changePassword: 0, findings: [] as DirectoryFinding[] };
    for (const base of this.bases(domains)) {
      const domain = domainHolding(base, domains) as DomainRecord;
      const containers = await this.containerMap(domain, base, builder);
      const scanner = new UserRightsScanner({
        domainDn: domain.dn,
        domainSid: domain.sid,
        scopeRoot: base,
        token,
        prepared,
        containers,
      });
      const offset = total.total;
      for await (const page of this.port.users(base, {
        onProgress: (p) =>
          this.options.onProgress?.({
            ...p,
            scanned: offset + p.scanned,
            total: p.total ?? this.options.userTotal ?? null,
          }),
      })) {
        if (builder) for (const u of page) builder.addUser(u, scanner.evaluate(u));
        else scanner.add(page);
      }
      const r = scanner.result();
      total.total += r.total;
      total.ready += r.ready;
      total.changePassword += r.changePassword;
      total.findings.push(...r.findings);
    }
    // With a baseline the per-user outcomes are kept; the result is assembled from them, as a delta assembles it.
    return builder ? totalsOf(builder.users.values()) : total;
  }

  private async psoScope(
    domain: DomainRecord,
    domains: readonly DomainRecord[],
  ): Promise<Map<string, PsoScope>> {
    const out = new Map<string, PsoScope>();
    for (const pso of domain.passwordSettingsObjects ?? []) {
      // Unreadable policies too, when their targets can be read: one that reaches no in-scope user is not applicable.
      if ((pso.minPwdAge !== null && Number(pso.minPwdAge) === 0) || pso.appliesTo.length === 0) continue;
      let affected: number | null = 0;
      // A PSO applies within its own domain: the bases held by it (not those of a child domain below it).
      for (const base of this.bases(domains).filter((b) => domainHolding(b, domains) === domain)) {
        for (const target of pso.appliesTo) {
          const n = await this.port.countUsersInGroup(base, target);
          if (n === null) affected = null;
          else if (affected !== null) affected += n;
        }
      }
      out.set(pso.dn, { affected });
    }
    return out;
  }

  private async scanForRevoke(domains: readonly DomainRecord[], token: AccessToken) {
    const prepared: PreparedToken = prepareToken(token);
    const objects: { dn: string; sd: SecurityDescriptor }[] = [];
    let usersWithRights = 0;
    let total = 0;
    const sample: string[] = [];
    for (const base of this.bases(domains)) {
      const domain = domainHolding(base, domains) as DomainRecord;
      const containers = await this.containerMap(domain, base);
      for (const c of containers.values()) if (c.sd) objects.push({ dn: c.dn, sd: c.sd });
      for await (const page of this.port.users(base, { onProgress: this.options.onProgress })) {
        for (const u of page) {
          total++;
          if (!u.sd) continue;
          const rights = rightsOf(u.sd, token, prepared, structuralClass(u.objectClass), domain.sid);
          if (USER_RIGHTS.some((r) => rights[r])) {
            usersWithRights++;
            if (sample.length < 3) sample.push(u.dn);
          }
        }
      }
    }
    return { objects, usersWithRights, total, sample };
  }
}
