// Writes a fix to a domain controller with the privileged credential the admin typed for this one action (never
// stored or logged; it lives only in this writer). Each object is re-read with that bind before it is changed, and
// nTSecurityDescriptor is written with the SD flags control set to DACL, so owner, group and SACL stay as they are
// (MS-ADTS 3.1.1.3.4.1.11).

import { Attribute, Change, type Client } from "ldapts";
import {
  parseSecurityDescriptor,
  serializeSecurityDescriptor,
  type SecurityDescriptor,
} from "@/lib/ad/security-descriptor";
import { classifyLdapError, DirectoryError } from "./errors";
import { connectLdap, type LdapConnectionConfig } from "./ldap-adapter";
import { SD_FLAGS_DACL, SD_FLAGS_READ, SdFlagsControl } from "./ldap-controls";
import { type DirectoryWriter } from "./writer";

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

/** Binds with the privileged credential; the writer must be closed (applyChanges does). */
export async function openLdapWriter(privileged: LdapConnectionConfig): Promise<DirectoryWriter> {
  const client = await connectLdap(privileged);
  return {
    kind: "ldap",
    readObject: (dn) => readSd(client, dn),
    async writeDescriptor(dn, next) {
      const bytes = serializeSecurityDescriptor({
        ...next.write,
        sacl: null,
        control: next.write.control & ~0x10,
      });
      await client.modify(
        dn,
        new Change({
          operation: "replace",
          modification: new Attribute({ type: "nTSecurityDescriptor", values: [Buffer.from(bytes)] }),
        }),
        new SdFlagsControl(SD_FLAGS_DACL),
      );
    },
    async clearAdminCount(dn) {
      await client
        .modify(
          dn,
          new Change({
            operation: "delete",
            modification: new Attribute({ type: "adminCount", values: [] }),
          }),
        )
        .catch((error: unknown) => {
          // noSuchAttribute: already cleared.
          if ((error as { code?: unknown }).code !== 16) throw error;
        });
    },
    failure: (error, during) =>
      classifyLdapError(error, {
        url: privileged.url,
        serverName: privileged.serverName,
        timeoutMs: privileged.operationTimeoutMs,
        bindDn: privileged.bindDn,
        during,
      }),
    // Over LDAP nothing can be undone: changes made before a failure stay, and the error says how many.
    close: () => client.unbind().catch(() => undefined),
  };
}
