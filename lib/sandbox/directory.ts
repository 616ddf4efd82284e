// The sandbox directory (ARCHITECTURE.md "Modes and connections"): the snapshot adapter over a built-in, mutable
// snapshot — contoso-snapshot.json, exported from the Samba lab by lab/export-sandbox-fixture.ts. Every sandbox run
// gets its own copy, stored with the run in the database (lib/server/sandbox-store.ts) with the run's tenant. Fixes the wizard
// applies change the copy's SDDL the way a domain controller would (the object's DACL, then inheritance into every
// object below it), and the sandbox tenant's password resets stamp the copy's unicodePwd (replPropertyMetaData) and pwdLastSet, so the directory steps
// and the end-to-end test read the consequences through the same Directory port as with a real domain.

import { formatSddl } from "@/lib/ad/sddl";
import { computeChildSecurityDescriptor } from "@/lib/ad/inheritance";
import { type SecurityDescriptor } from "@/lib/ad/security-descriptor";
import { type ChangePreview, previewChanges } from "@/lib/directory/preview";
import { type AppliedChange, applyChanges, type DirectoryWriter } from "@/lib/directory/writer";
import { planGrant } from "@/lib/directory/changes";
import { formatDays, ticksToDays } from "@/lib/directory/checks/domain-checks";
import { structuralClass, toModel } from "@/lib/directory/checks/sd";
import {
  dateToFileTime,
  domainHolding,
  isWithin,
  normalizeDn,
  parentDn,
  sameDn,
  shortDn,
} from "@/lib/directory/dn";
import { DirectoryError } from "@/lib/directory/errors";
import { ATTRTYP_PWD_LAST_SET, ATTRTYP_UNICODE_PWD, stampAttribute } from "@/lib/directory/repl-metadata";
import { UF_DONT_EXPIRE_PASSWD } from "@/lib/directory/user-state";
import { POLICY_HINTS_OID } from "@/lib/directory/ldap-controls";
import { DirectoryScanner } from "@/lib/directory/scan";
import {
  parseSnapshot,
  SnapshotDirectory,
  type Snapshot,
  type SnapshotDomain,
} from "@/lib/directory/snapshot";
import fixture from "./contoso-snapshot.json";

let parsedFixture: Snapshot | null = null;

/** A fresh, deep copy of the built-in sandbox snapshot (validated once). */
export function sandboxSnapshot(): Snapshot {
  parsedFixture ??= parseSnapshot(fixture);
  return structuredClone(parsedFixture);
}

/** The snapshot port over one run's sandbox directory; says "sandbox" where a snapshot says when it was collected. */
class SandboxSnapshotPort extends SnapshotDirectory {
  constructor(private readonly data: Snapshot) {
    super(data);
  }

  override describe(): string {
    return `the sandbox directory (${this.data.domains.map((d) => d.dnsName).join(", ")}, simulated)`;
  }
}

type Entry = { dn: string; sd: string | null; objectClass: string[] };

function sddl(sd: SecurityDescriptor, domainSid: string): string {
  return formatSddl({ ...sd, sacl: null, control: sd.control & ~0x10 }, { domainSid });
}

/** What a sandbox directory control did, in a sentence for the UI. */
export interface SandboxDirectoryChange {
  changed: number;
  message: string;
}

/** An upgraded domain controller as the sandbox reports it (Windows Server 2022, which offers the hints control). */
const UPGRADED_OS = {
  operatingSystem: "Windows Server 2022 Datacenter",
  operatingSystemVersion: "10.0 (20348)",
};

/**
 * What the fine-grained policies of the sandbox hold, though the wizard's read-only account cannot see it at first:
 * the lab's "Lab Sales PSO" (lab/seed.ts), a one-day minimum age for the Sales Strict Passwords group. By default
 * only administrators may read a policy's settings, so the exported snapshot lists the policy with nothing in it.
 */
const HIDDEN_PSO_SETTINGS: Record<string, { minPwdAge: string; appliesTo: string[]; precedence: number }> = {
  "cn=lab sales pso,cn=password settings container,cn=system,dc=contoso,dc=test": {
    minPwdAge: "-864000000000",
    appliesTo: ["CN=Sales Strict Passwords,OU=Groups,DC=contoso,DC=test"],
    precedence: 10,
  },
};

function hiddenPsoSettings(): Map<string, { minPwdAge: string; appliesTo: string[]; precedence: number }> {
  return new Map(Object.entries(structuredClone(HIDDEN_PSO_SETTINGS)));
}

function days(ticks: string | null): string {
  return ticks === null ? "unknown" : formatDays(ticksToDays(ticks));
}

/** A sandbox directory as plain JSON. */
export interface SandboxDirectoryState {
  snapshot: Snapshot;
  hiddenPolicies: [string, { minPwdAge: string; appliesTo: string[]; precedence: number }][];
}

export class SandboxDirectory {
  private data: Snapshot;
  /** The real settings of policies the wizard cannot read yet, by normalised DN; the admin's changes reach them. */
  private hiddenPolicies = hiddenPsoSettings();
  /** Counts the changes made through this object, so a store can tell "unchanged" without serialising the copy. */
  private changes = 0;

  constructor(snapshot: Snapshot = sandboxSnapshot()) {
    this.data = snapshot;
  }

  /**
   * This copy as plain JSON: the run stores it in the database with its tenant (lib/server/sandbox-store.ts). It shares
   * this copy's objects, so serialise it.
   */
  toState(): SandboxDirectoryState {
    return { snapshot: this.data, hiddenPolicies: [...this.hiddenPolicies] };
  }

  /** A copy as it was stored; it takes over the objects of `state` (a freshly parsed one). */
  static fromState(state: SandboxDirectoryState): SandboxDirectory {
    const directory = new SandboxDirectory(state.snapshot);
    directory.hiddenPolicies = new Map(state.hiddenPolicies);
    return directory;
  }

  /** This run's copy as it is now (every change made so far). */
  get snapshot(): Snapshot {
    return this.data;
  }

  /** A Directory port over this run's copy (reads see every change made so far). */
  port(): SnapshotDirectory {
    return new SandboxSnapshotPort(this.data);
  }

  /**
   * Back to the built-in snapshot, in place: the run's sandbox tenant holds this object (its resets move pwdLastSet
   * here), so the copy is replaced rather than the object.
   */
  /** Goes up with every change made through this object (see {@link touch} for changes made from outside). */
  get revision(): number {
    return this.changes;
  }

  /** Records a change made to {@link snapshot} directly (a test playing an admin), so that it is stored. */
  touch(): void {
    this.changes++;
  }

  restore(): void {
    this.changes++;
    this.data = sandboxSnapshot();
    this.hiddenPolicies = hiddenPsoSettings();
  }

  /** The facts the sandbox controls show: what the domain controllers run, and the minimum password ages. */
  describeState(): {
    domainControllers: { name: string; operatingSystem: string; policyHints: boolean }[];
    minimumPasswordAge: { policy: string; age: string }[];
    unreadablePolicies: string[];
  } {
    const domainControllers = this.data.domains.flatMap((d) =>
      d.domainControllers.map((dc) => ({
        name: dc.dnsHostName ?? dc.dn,
        operatingSystem:
          [dc.operatingSystem, dc.operatingSystemVersion].filter(Boolean).join(" ") || "unknown",
        policyHints: (dc.supportedControl ?? d.rootDse.supportedControl).includes(POLICY_HINTS_OID),
      })),
    );
    const minimumPasswordAge = this.data.domains.flatMap((d) => [
      { policy: `Default domain policy of ${d.dnsName}`, age: days(d.minPwdAge) },
      ...(d.passwordSettingsObjects ?? [])
        .filter((p) => p.minPwdAge !== null)
        .map((p) => ({ policy: shortDn(p.dn), age: days(p.minPwdAge) })),
    ]);
    const unreadablePolicies = this.data.domains.flatMap((d) =>
      (d.passwordSettingsObjects ?? []).filter((p) => p.minPwdAge === null).map((p) => shortDn(p.dn)),
    );
    return { domainControllers, minimumPasswordAge, unreadablePolicies };
  }

  /**
   * Plays the admin upgrading every domain controller outside the wizard: each now reports Windows Server 2022 and
   * offers the password-policy hints control in its rootDSE, as a Windows Server 2016 or later DC does.
   */
  upgradeDomainControllers(): SandboxDirectoryChange {
    this.changes++;
    let changed = 0;
    const add = (controls: string[]): string[] =>
      controls.includes(POLICY_HINTS_OID) ? controls : [...controls, POLICY_HINTS_OID];
    for (const domain of this.data.domains) {
      domain.rootDse.supportedControl = add(domain.rootDse.supportedControl);
      for (const dc of domain.domainControllers) {
        const before = JSON.stringify(dc);
        Object.assign(dc, UPGRADED_OS);
        if (dc.supportedControl) dc.supportedControl = add(dc.supportedControl);
        if (JSON.stringify(dc) !== before) changed++;
      }
    }
    return {
      changed,
      message:
        changed === 0
          ? "Simulated: the domain controllers already run Windows Server 2022; nothing changed."
          : `Simulated: ${changed} domain controller${changed === 1 ? " was" : "s were"} upgraded to Windows Server 2022, which offers the password-policy hints control.`,
    };
  }

  /**
   * Plays the admin setting "Minimum password age" to 0 in the domain's password policy (a GPO, then gpupdate) and,
   * being a domain admin, in every fine-grained policy (Set-ADFineGrainedPasswordPolicy) — also those the wizard's
   * account cannot read. Those stay unreadable to the wizard: it still cannot tell what they hold.
   */
  setMinimumPasswordAgeToZero(): SandboxDirectoryChange {
    this.changes++;
    let changed = 0;
    let unseen = 0;
    for (const domain of this.data.domains) {
      if (domain.minPwdAge !== null && Number(domain.minPwdAge) !== 0) {
        domain.minPwdAge = "0";
        changed++;
      }
      for (const pso of domain.passwordSettingsObjects ?? []) {
        if (pso.minPwdAge !== null && Number(pso.minPwdAge) !== 0) {
          pso.minPwdAge = "0";
          changed++;
        }
        const hidden = pso.minPwdAge === null ? this.hiddenPolicies.get(normalizeDn(pso.dn)) : undefined;
        if (hidden && Number(hidden.minPwdAge) !== 0) {
          hidden.minPwdAge = "0";
          changed++;
          unseen++;
        }
      }
    }
    const hiddenNote =
      unseen > 0
        ? ` ${unseen === 1 ? "One of them is" : `${unseen} of them are`} a fine-grained policy the wizard's account cannot read, so its check cannot see the change yet.`
        : "";
    return {
      changed,
      message:
        changed === 0
          ? "Simulated: every password policy already has a minimum password age of 0; nothing changed."
          : `Simulated: the minimum password age is now 0 in ${changed} password polic${changed === 1 ? "y" : "ies"}.${hiddenNote}`,
    };
  }

  /**
   * Plays the admin granting the wizard's read-only account Read on the Password Settings Container (inherited by
   * the policies in it): the wizard can now read every fine-grained policy's settings, whatever they hold.
   */
  grantPasswordSettingsRead(): SandboxDirectoryChange {
    this.changes++;
    let changed = 0;
    for (const domain of this.data.domains) {
      for (const pso of domain.passwordSettingsObjects ?? []) {
        const hidden = this.hiddenPolicies.get(normalizeDn(pso.dn));
        if (pso.minPwdAge !== null || !hidden) continue;
        pso.minPwdAge = hidden.minPwdAge;
        pso.appliesTo = [...hidden.appliesTo];
        pso.precedence = hidden.precedence;
        this.hiddenPolicies.delete(normalizeDn(pso.dn));
        changed++;
      }
    }
    return {
      changed,
      message:
        changed === 0
          ? "Simulated: the wizard's account can already read every fine-grained password policy; nothing changed."
          : `Simulated: the wizard's account may now read the Password Settings Container; ${changed} fine-grained polic${changed === 1 ? "y is" : "ies are"} readable.`,
    };
  }

  /**
   * Plays what the enable flow leaves behind, for a clean-up run to find: the writeback delegation to the connector
   * on the domain object (and Unexpire Password), planned and applied by the wizard's own grant code.
   */
  async delegateToConnector(): Promise<SandboxDirectoryChange> {
    const connectorDn = this.data.connector?.dn ?? null;
    const scan = await new DirectoryScanner(this.port(), {
      connector: null,
      confirmedConnectorDn: connectorDn,
      scope: [],
    }).run("connector-permissions");
    const connector = scan.facts.connector;
    const domainSid = scan.facts.domains[0]?.sid;
    if (!connector || !domainSid)
      throw new DirectoryError(
        "not-found",
        "The sandbox directory has no connector account to delegate to.",
        "Restore the sandbox directory and try again.",
      );
    // What an enable run's fix leaves: the delegation, and Unexpire Password only where it was missing.
    const changes = planGrant(scan.findings).filter(
      (c) => !c.optional && (c.kind === "add-delegation" || c.kind === "add-unexpire"),
    );
    const previews = await previewChanges(this.port(), changes, connector.sid, domainSid);
    const applied = (
      await this.applyChanges(
        previews.filter((p) => p.diff !== null),
        connector.sid,
        domainSid,
      )
    ).filter((a) => a.result === "applied").length;
    return {
      changed: applied,
      message:
        applied === 0
          ? `Simulated: ${connector.name} already holds the writeback delegation; nothing changed.`
          : `Simulated: ${connector.name} holds the writeback delegation, as the enable flow leaves it (${applied} object${applied === 1 ? "" : "s"} changed).`,
    };
  }

  private domainOf(dn: string): SnapshotDomain | null {
    return domainHolding(dn, this.data.domains) ?? null;
  }

  private entry(domain: SnapshotDomain, dn: string): Entry | null {
    const key = normalizeDn(dn);
    if (normalizeDn(domain.dn) === key)
      return {
        dn: domain.dn,
        sd: domain.sd,
        objectClass: ["top", "domain", "domainDNS"],
      };
    const c = domain.containers.find((x) => normalizeDn(x.dn) === key);
    if (c) return { dn: c.dn, sd: c.sd, objectClass: c.objectClass ?? ["top", "organizationalUnit"] };
    const u = domain.users.find((x) => normalizeDn(x.dn) === key);
    return u ? { dn: u.dn, sd: u.sd, objectClass: u.objectClass } : null;
  }

  private writeSd(domain: SnapshotDomain, dn: string, sd: string): void {
    // The domain root is also in the container list (an LDAP export lists the base object): keep every copy equal.
    const key = normalizeDn(dn);
    if (normalizeDn(domain.dn) === key) domain.sd = sd;
    for (const c of domain.containers) if (normalizeDn(c.dn) === key) c.sd = sd;
    for (const u of domain.users) if (normalizeDn(u.dn) === key) u.sd = sd;
  }

  /** Recomputes the inherited entries of every object below `dn`, parents before children (as a DC propagates). */
  private propagate(domain: SnapshotDomain, dn: string): void {
    const below = [...domain.containers, ...domain.users]
      .filter((o) => o.sd !== null && !sameDn(o.dn, dn) && isWithin(o.dn, dn))
      .sort((a, b) => normalizeDn(a.dn).length - normalizeDn(b.dn).length);
    for (const object of below) {
      const parentName = parentDn(object.dn);
      const parent = parentName ? this.entry(domain, parentName) : null;
      if (!parent?.sd || !object.sd) continue;
      const child = toModel(object.sd, domain.sid);
      const next = computeChildSecurityDescriptor(toModel(parent.sd, domain.sid), child, {
        objectClass: structuralClass(object.objectClass ?? ["top", "organizationalUnit"]),
        isContainer: true,
      });
      object.sd = sddl(next, domain.sid);
    }
  }

  /**
   * Applies previewed changes to this copy, through the same loop and with the same refusal as over LDAP when an
   * object changed since the preview. All or nothing: a refusal part-way leaves the copy as it was.
   */
  applyChanges(
    previews: readonly ChangePreview[],
    connectorSid: string,
    domainSid: string,
  ): Promise<AppliedChange[]> {
    return applyChanges(this.writer(), previews, connectorSid, domainSid);
  }

  /**
   * This copy as a DirectoryWriter. No credential is involved: the simulated directory has no accounts to sign in
   * with. Inherited entries below a changed object are recomputed at once, as a DC propagates them.
   */
  writer(): DirectoryWriter {
    const before = structuredClone(this.data);
    const located = (dn: string) => {
      const domain = this.domainOf(dn);
      const object = domain ? this.entry(domain, dn) : null;
      if (!domain || !object)
        throw new DirectoryError(
          "not-found",
          `${dn} is not in the sandbox directory.`,
          "Review the new preview and apply again.",
        );
      return { domain, object };
    };
    return {
      kind: "sandbox",
      readObject: async (dn) => {
        const { domain, object } = located(dn);
        if (!object.sd)
          throw new DirectoryError(
            "insufficient-access",
            `Cannot read the permissions of ${dn}.`,
            "Review the new preview and apply again.",
          );
        return {
          sd: toModel(object.sd, domain.sid),
          objectClass: object.objectClass ?? ["top", "organizationalUnit"],
        };
      },
      writeDescriptor: async (dn, next) => {
        this.changes++;
        const { domain } = located(dn);
        this.writeSd(domain, dn, sddl(next.predicted, domain.sid));
        this.propagate(domain, dn);
      },
      clearAdminCount: async (dn) => {
        this.changes++;
        const { domain } = located(dn);
        const user = domain.users.find((u) => normalizeDn(u.dn) === normalizeDn(dn));
        if (user) user.adminCount = null;
      },
      failure: (error) => {
        if (error instanceof DirectoryError) return error;
        throw error;
      },
      close: async (completed) => {
        if (!completed) {
          this.data = before;
          this.changes++;
        }
      },
    };
  }

  /**
   * A password reset arrived on-premises: the user's unicodePwd stamp in replPropertyMetaData moves to `at`, as a
   * DC records an originating write, and pwdLastSet follows. An admin reset (`mustChange`) leaves pwdLastSet at 0,
   * the "must change at next logon" state, unless the password never expires; a self-service reset sets it to `at`.
   */
  passwordSet(sid: string, at: Date, options: { mustChange?: boolean } = {}): boolean {
    const key = sid.toUpperCase();
    for (const domain of this.data.domains) {
      const user = domain.users.find((u) => u.sid?.toUpperCase() === key);
      if (user) {
        this.changes++;
        const before = user.replPropertyMetaData
          ? new Uint8Array(Buffer.from(user.replPropertyMetaData, "base64"))
          : null;
        const stamped = stampAttribute(
          stampAttribute(before, ATTRTYP_UNICODE_PWD, at),
          ATTRTYP_PWD_LAST_SET,
          at,
        );
        user.replPropertyMetaData = Buffer.from(stamped).toString("base64");
        const neverExpires = ((user.userAccountControl ?? 0) & UF_DONT_EXPIRE_PASSWD) !== 0;
        // ms-fact: graph-reset-asks-change-at-next-sign-in
        // ms-fact: never-expires-skips-forced-change
        user.pwdLastSet = options.mustChange && !neverExpires ? "0" : dateToFileTime(at);
        return true;
      }
    }
    return false;
  }

  /** A user of this copy by display name (the CN), for the sandbox tenant's synchronised users. */
  userByName(cn: string): { dn: string; sid: string | null; adminCount: number | null } | null {
    for (const domain of this.data.domains) {
      const user = domain.users.find((u) => normalizeDn(u.dn).startsWith(`cn=${cn.toLowerCase()},`));
      if (user) return { dn: user.dn, sid: user.sid ?? null, adminCount: user.adminCount ?? null };
    }
    return null;
  }
}
