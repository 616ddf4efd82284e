// Previews and applies the changes of changes.ts. The preview reads with the wizard's read-only port; applying binds
// with the privileged credential the admin typed for this one action (never stored or logged; it lives only in this
// call), re-reads each object, refuses when it changed since the preview, and writes nTSecurityDescriptor with the
// SD flags control set to DACL (so owner, group and SACL stay as they are; MS-ADTS 3.1.1.3.4.1.11).

import { createHash } from "node:crypto";
import { Attribute, Change, type Client } from "ldapts";
import { formatSddl } from "@/lib/ad/sddl";
import {
  parseSecurityDescriptor,
  serializeSecurityDescriptor,
  type SecurityDescriptor,
} from "@/lib/ad/security-descriptor";
import { applyToDescriptor, CHANGE_LABELS, diffSddl, type PlannedChange, type SddlDiff } from "./changes";
import { structuralClass, toModel } from "./checks/sd";
import { parentDn } from "./dn";
import { classifyLdapError, DirectoryError } from "./errors";
import { connectLdap, type LdapConnectionConfig } from "./ldap-adapter";
import { SD_FLAGS_DACL, SD_FLAGS_READ, SdFlagsControl } from "./ldap-controls";
import { type DirectoryPort } from "./port";

export interface ChangePreview {
  change: PlannedChange;
  label: string;
  /** Null for changes that are not about permissions (clearing adminCount) or that are already in place. */
  diff: SddlDiff | null;
  note: string | null;
  /** Fingerprint of the descriptor the preview was computed from; apply refuses when it differs. */
  beforeHash: string | null;
}

export function sdFingerprint(sd: SecurityDescriptor, domainSid: string): string {
  return createHash("sha256")
    .update(formatSddl({ ...sd, sacl: null, control: sd.control & ~0x10 }, { domainSid }))
    .digest("hex")
    .slice(0, 32);
}

export async function previewChanges(
  port: DirectoryPort,
  changes: readonly PlannedChange[],
  connectorSid: string,
  domainSid: string,
): Promise<ChangePreview[]> {
  const out: ChangePreview[] = [];
  for (const change of changes) {
    const label = CHANGE_LABELS[change.kind];
    if (change.kind === "clear-admincount") {
      out.push({
        change,
        label,
        diff: null,
        note: "adminCount: 1 → (cleared). SDProp then leaves the account alone.",
        beforeHash: null,
      });
      continue;
    }
    const object = await port.readObject(change.dn);
    if (!object?.sd)
      throw new DirectoryError(
        "not-found",
        `Cannot read the permissions of ${change.dn}.`,
        "Check the object still exists and the wizard's account may read it.",
      );
    const current = toModel(object.sd, domainSid);
    const parentName = parentDn(change.dn);
    const parentObject =
      change.kind === "enable-inheritance" && parentName ? await port.readObject(parentName) : null;
    const parent = parentObject?.sd ? toModel(parentObject.sd, domainSid) : null;
    const result = applyToDescriptor(
      change,
      current,
      connectorSid,
      parent,
      structuralClass(object.objectClass),
    );
    out.push({
      change,
      label,
      diff: result ? diffSddl(current, result.predicted, domainSid) : null,
      note: result ? null : "Already in place; nothing to write.",
      beforeHash: sdFingerprint(current, domainSid),
    });
  }
  return out;
}

export interface AppliedChange {
  kind: PlannedChange["kind"];
  dn: string;
  result: "applied" | "unchanged";
}

async function readSd(
  client: Client,
  dn: string,
): Promise<{ sd: SecurityDescriptor; objectClass: string[] }> {
  const { searchEntries } = await client.search(
    dn,
    {
      scope: "base",
      filter: "(objectClass=*)",
      attributes: ["nTSecurityDescriptor", "objectClass"],
      explicitBufferAttributes: ["nTSecurityDescriptor"],
    },
    new SdFlagsControl(SD_FLAGS_READ),
  );
  const entry = searchEntries[0];
  const raw = entry?.nTSecurityDescriptor;
  const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) && Buffer.isBuffer(raw[0]) ? raw[0] : null;
  if (!entry || !bytes)
    throw new DirectoryError(
      "insufficient-access",
      `The account you typed cannot read the permissions of ${dn}.`,
      "Use an account that may change permissions on these objects (for example a Domain Admin).",
    );
  const oc = entry.objectClass;
  return {
    sd: parseSecurityDescriptor(new Uint8Array(bytes)),
    objectClass: Array.isArray(oc)
      ? oc.filter((v): v is string => typeof v === "string")
      : typeof oc === "string"
        ? [oc]
        : [],
  };
}

/**
 * Applies the previewed changes in order with a privileged bind. Stops at the first failure (earlier changes stay
 * applied and are reported by the thrown error's message). `privileged.password` is used for the bind only.
 */
export async function applyChanges(
  privileged: LdapConnectionConfig,
  previews: readonly ChangePreview[],
  connectorSid: string,
  domainSid: string,
): Promise<AppliedChange[]> {
  const client = await connectLdap(privileged);
  const done: AppliedChange[] = [];
  try {
    for (const preview of previews) {
      const { change } = preview;
      const during = `${CHANGE_LABELS[change.kind].toLowerCase()} on ${change.dn}`;
      try {
        if (change.kind === "clear-admincount") {
          await client
            .modify(
              change.dn,
              new Change({
                operation: "delete",
                modification: new Attribute({ type: "adminCount", values: [] }),
              }),
            )
            .catch((error: unknown) => {
              // noSuchAttribute: already cleared.
              if ((error as { code?: unknown }).code !== 16) throw error;
            });
          done.push({ kind: change.kind, dn: change.dn, result: "applied" });
          continue;
        }
        const { sd: current, objectClass } = await readSd(client, change.dn);
        if (preview.beforeHash && sdFingerprint(current, domainSid) !== preview.beforeHash) {
          throw new DirectoryError(
            "conflict",
            `The permissions of ${change.dn} changed after the preview was made.`,
            "Review the new preview and apply again.",
          );
        }
        const parentName = parentDn(change.dn);
        const parent =
          change.kind === "enable-inheritance" && parentName ? (await readSd(client, parentName)).sd : null;
        const result = applyToDescriptor(change, current, connectorSid, parent, structuralClass(objectClass));
        if (!result) {
          done.push({ kind: change.kind, dn: change.dn, result: "unchanged" });
          continue;
        }
        const bytes = serializeSecurityDescriptor({
          ...result.write,
          sacl: null,
          control: result.write.control & ~0x10,
        });
        await client.modify(
          change.dn,
          new Change({
            operation: "replace",
            modification: new Attribute({ type: "nTSecurityDescriptor", values: [Buffer.from(bytes)] }),
          }),
          new SdFlagsControl(SD_FLAGS_DACL),
        );
        done.push({ kind: change.kind, dn: change.dn, result: "applied" });
      } catch (error) {
        const classified = classifyLdapError(error, {
          url: privileged.url,
          serverName: privileged.serverName,
          timeoutMs: privileged.operationTimeoutMs,
          bindDn: privileged.bindDn,
          during,
        });
        const already = done.filter((d) => d.result === "applied").length;
        throw new DirectoryError(
          classified.kind,
          `${classified.message}${already > 0 ? ` ${already} earlier change${already === 1 ? " was" : "s were"} applied.` : ""}`,
          classified.kind === "insufficient-access"
            ? "The account you typed may not make this change; use one that may (for example a Domain Admin)."
            : classified.remedy,
        );
      }
    }
    return done;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
