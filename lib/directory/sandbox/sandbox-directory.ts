// The sandbox directory (ARCHITECTURE.md "Modes and connections"): the snapshot adapter over a built-in, mutable
// snapshot — contoso-snapshot.json, exported from the Samba lab by lab/export-sandbox-fixture.ts. Every sandbox run
// gets its own copy (keyed like the sandbox tenant, by an HMAC of the run id), bounded in memory. Fixes the wizard
// applies change the copy's SDDL the way a domain controller would (the object's DACL, then inheritance into every
// object below it), and the sandbox tenant's password resets move the copy's pwdLastSet, so the directory steps
// and the end-to-end test read the consequences through the same Directory port as with a real domain.

import { formatSddl } from "@/lib/ad/sddl";
import { computeChildSecurityDescriptor } from "@/lib/ad/inheritance";
import { type SecurityDescriptor } from "@/lib/ad/security-descriptor";
import { sdFingerprint, type AppliedChange, type ChangePreview } from "../apply";
import { applyToDescriptor } from "../changes";
import { structuralClass, toModel } from "../checks/sd";
import { dateToFileTime, isWithin, normalizeDn, parentDn, sameDn } from "../dn";
import { DirectoryError } from "../errors";
import { parseSnapshot, SnapshotDirectory, type Snapshot, type SnapshotDomain } from "../snapshot";
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

export class SandboxDirectory {
  readonly snapshot: Snapshot;

  constructor(snapshot: Snapshot = sandboxSnapshot()) {
    this.snapshot = snapshot;
  }

  /** A Directory port over this run's copy (reads see every change made so far). */
  port(): SnapshotDirectory {
    return new SandboxSnapshotPort(this.snapshot);
  }

  private domainOf(dn: string): SnapshotDomain | null {
    return this.snapshot.domains.find((d) => isWithin(dn, d.dn)) ?? null;
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
   * Applies previewed changes to this copy, with the same refusal as over LDAP when an object changed since the
   * preview. There is no credential to check: the sandbox accepts whatever was typed and ignores it.
   */
  applyChanges(previews: readonly ChangePreview[], connectorSid: string, domainSid: string): AppliedChange[] {
    const done: AppliedChange[] = [];
    for (const preview of previews) {
      const { change } = preview;
      const domain = this.domainOf(change.dn);
      const object = domain ? this.entry(domain, change.dn) : null;
      if (!domain || !object)
        throw new DirectoryError(
          "not-found",
          `${change.dn} is not in the sandbox directory.`,
          "Review the new preview and apply again.",
        );
      if (change.kind === "clear-admincount") {
        const user = domain.users.find((u) => normalizeDn(u.dn) === normalizeDn(change.dn));
        if (user) user.adminCount = null;
        done.push({ kind: change.kind, dn: change.dn, result: "applied" });
        continue;
      }
      if (!object.sd)
        throw new DirectoryError(
          "insufficient-access",
          `Cannot read the permissions of ${change.dn}.`,
          "Review the new preview and apply again.",
        );
      const current = toModel(object.sd, domainSid);
      if (preview.beforeHash && sdFingerprint(current, domainSid) !== preview.beforeHash)
        throw new DirectoryError(
          "conflict",
          `The permissions of ${change.dn} changed after the preview was made.`,
          "Review the new preview and apply again.",
        );
      const parentName = parentDn(change.dn);
      const parentEntry =
        change.kind === "enable-inheritance" && parentName ? this.entry(domain, parentName) : null;
      const parent = parentEntry?.sd ? toModel(parentEntry.sd, domainSid) : null;
      const result = applyToDescriptor(
        change,
        current,
        connectorSid,
        parent,
        structuralClass(object.objectClass),
      );
      if (!result) {
        done.push({ kind: change.kind, dn: change.dn, result: "unchanged" });
        continue;
      }
      this.writeSd(domain, change.dn, sddl(result.predicted, domain.sid));
      this.propagate(domain, change.dn);
      done.push({ kind: change.kind, dn: change.dn, result: "applied" });
    }
    return done;
  }

  /** A password reset arrived on-premises: pwdLastSet of the user with this SID moves to `at`. */
  passwordSet(sid: string, at: Date): boolean {
    const key = sid.toUpperCase();
    for (const domain of this.snapshot.domains) {
      const user = domain.users.find((u) => u.sid?.toUpperCase() === key);
      if (user) {
        user.pwdLastSet = dateToFileTime(at);
        return true;
      }
    }
    return false;
  }

  /** A user of this copy by display name (the CN), for the sandbox tenant's synchronised users. */
  userByName(cn: string): { dn: string; sid: string | null; adminCount: number | null } | null {
    for (const domain of this.snapshot.domains) {
      const user = domain.users.find((u) => normalizeDn(u.dn).startsWith(`cn=${cn.toLowerCase()},`));
      if (user) return { dn: user.dn, sid: user.sid ?? null, adminCount: user.adminCount ?? null };
    }
    return null;
  }
}

/**
 * Live sandbox directories, one per run key; bounded like the sandbox tenants (least recently used goes first, and
 * that run starts again from the built-in snapshot).
 */
export const MAX_SANDBOX_DIRECTORIES = 500;
const REGISTRY_KEY = Symbol.for("sspr-wizard.sandbox-directories");

function registry(): Map<string, SandboxDirectory> {
  // On globalThis: Next bundles route handlers separately, and every one of them must see the same directories.
  const holder = globalThis as unknown as Record<symbol, Map<string, SandboxDirectory> | undefined>;
  return (holder[REGISTRY_KEY] ??= new Map());
}

export function sandboxDirectory(key: string): SandboxDirectory {
  const directories = registry();
  let directory = directories.get(key);
  if (directory) {
    directories.delete(key);
  } else {
    directory = new SandboxDirectory();
    const oldest = directories.keys().next();
    if (directories.size >= MAX_SANDBOX_DIRECTORIES && !oldest.done) directories.delete(oldest.value);
  }
  directories.set(key, directory);
  return directory;
}
