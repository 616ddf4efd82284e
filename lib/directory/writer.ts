// Where a fix is written: one contract for the domain over LDAP (a privileged bind typed for the one change) and
// the sandbox's simulated directory, so the apply loop — re-read each object, refuse when it changed since the
// preview, compute the new descriptor, write it — exists once.

import { type SecurityDescriptor } from "@/lib/ad/security-descriptor";
import { applyToDescriptor, CHANGE_LABELS, type PlannedChange } from "./changes";
import { structuralClass } from "./checks/sd";
import { parentDn } from "./dn";
import { DirectoryError } from "./errors";
import { type ChangePreview, sdFingerprint } from "./preview";

export interface AppliedChange {
  kind: PlannedChange["kind"];
  dn: string;
  result: "applied" | "unchanged";
}

/** An object as the writer reads it just before changing it. */
export interface WritableObject {
  sd: SecurityDescriptor;
  objectClass: string[];
}

/** A new descriptor: `write` is what goes to a DC (it computes inheritance); `predicted` is what it will hold. */
export interface DescriptorChange {
  write: SecurityDescriptor;
  predicted: SecurityDescriptor;
}

export interface DirectoryWriter {
  readonly kind: "ldap" | "sandbox";
  /** Reads `dn`'s security descriptor and object classes; a DirectoryError when it cannot. */
  readObject(dn: string): Promise<WritableObject>;
  writeDescriptor(dn: string, next: DescriptorChange): Promise<void>;
  /** Removes adminCount (already absent is fine). */
  clearAdminCount(dn: string): Promise<void>;
  /** The DirectoryError an admin sees for a failure while `during` (a lower-case description of the change). */
  failure(error: unknown, during: string): DirectoryError;
  /** Ends the writer. `completed` false: a change failed; a writer that can undo the earlier ones does. */
  close(completed: boolean): Promise<void>;
}

/**
 * Applies the previewed changes in order. Stops at the first failure: the error says how many earlier changes
 * were applied (over LDAP they stay; the sandbox undoes them). Always closes the writer.
 */
export async function applyChanges(
  writer: DirectoryWriter,
  previews: readonly ChangePreview[],
  connectorSid: string,
  domainSid: string,
): Promise<AppliedChange[]> {
  const done: AppliedChange[] = [];
  let completed = false;
  try {
    for (const preview of previews) {
      const { change } = preview;
      const during = `${CHANGE_LABELS[change.kind].toLowerCase()} on ${change.dn}`;
      try {
        done.push({
          kind: change.kind,
          dn: change.dn,
          result: await applyOne(writer, preview, connectorSid, domainSid),
        });
      } catch (error) {
        const failure = writer.failure(error, during);
        const already = done.filter((d) => d.result === "applied").length;
        const undone = writer.kind === "sandbox";
        throw new DirectoryError(
          failure.kind,
          `${failure.message}${already > 0 && !undone ? ` ${already} earlier change${already === 1 ? " was" : "s were"} applied.` : ""}`,
          failure.kind === "insufficient-access" && writer.kind === "ldap"
            ? "The account you typed may not make this change; use one that may (for example a Domain Admin)."
            : failure.remedy,
        );
      }
    }
    completed = true;
    return done;
  } finally {
    await writer.close(completed);
  }
}

async function applyOne(
  writer: DirectoryWriter,
  preview: ChangePreview,
  connectorSid: string,
  domainSid: string,
): Promise<AppliedChange["result"]> {
  const { change } = preview;
  if (change.kind === "clear-admincount") {
    await writer.clearAdminCount(change.dn);
    return "applied";
  }
  const { sd: current, objectClass } = await writer.readObject(change.dn);
  if (preview.beforeHash && sdFingerprint(current, domainSid) !== preview.beforeHash) {
    throw new DirectoryError(
      "conflict",
      `The permissions of ${change.dn} changed after the preview was made.`,
      "Review the new preview and apply again.",
    );
  }
  const parentName = parentDn(change.dn);
  const parent =
    change.kind === "enable-inheritance" && parentName ? (await writer.readObject(parentName)).sd : null;
  const result = applyToDescriptor(change, current, connectorSid, parent, structuralClass(objectClass));
  if (!result) return "unchanged";
  await writer.writeDescriptor(change.dn, result);
  return "applied";
}
