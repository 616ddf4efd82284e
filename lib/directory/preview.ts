// Previews the changes of changes.ts with the wizard's read-only port: what each object's permissions become, and
// a fingerprint of what they are now, so that applying (writer.ts) refuses an object that changed in between.

import { createHash } from "node:crypto";
import { formatSddl } from "@/lib/ad/sddl";
import { type SecurityDescriptor } from "@/lib/ad/security-descriptor";
import { applyToDescriptor, CHANGE_LABELS, diffSddl, type PlannedChange, type SddlDiff } from "./changes";
import { summarizeChange } from "./change-summary";
import { structuralClass, toModel } from "./checks/sd";
import { normalizeDn, parentDn } from "./dn";
import { DirectoryError } from "./errors";
import { type DirectoryPort } from "./port";

export interface ChangePreview {
  change: PlannedChange;
  label: string;
  /** The change in one plain sentence (what is added or removed, for whom, where), shown before the SDDL. */
  summary: string;
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
  connectorName: string = connectorSid,
): Promise<ChangePreview[]> {
  const connector = { sid: connectorSid, name: connectorName };
  const out: ChangePreview[] = [];
  // A second change of the same object starts from what the first one leaves (applied in this order).
  const planned = new Map<string, SecurityDescriptor>();
  for (const change of changes) {
    const label = CHANGE_LABELS[change.kind];
    if (change.kind === "clear-admincount") {
      out.push({
        change,
        label,
        summary: summarizeChange(change, null, null, connector),
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
    const current = planned.get(normalizeDn(change.dn)) ?? toModel(object.sd, domainSid);
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
    if (result) planned.set(normalizeDn(change.dn), result.predicted);
    out.push({
      change,
      label,
      summary: summarizeChange(change, current, result?.predicted ?? null, connector),
      diff: result ? diffSddl(current, result.predicted, domainSid) : null,
      note: result ? null : "Already in place; nothing to write.",
      beforeHash: sdFingerprint(current, domainSid),
    });
  }
  return out;
}
