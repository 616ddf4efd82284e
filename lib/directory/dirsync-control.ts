// ms-fact: dirsync-control
// The DirSync control (LDAP_SERVER_DIRSYNC_OID, MS-ADTS 3.1.1.3.4.1.3) for ldapts: a search that returns the objects
// of a naming context changed since a cookie, and a new cookie. Request value
//   DirSyncRequestValue ::= SEQUENCE { Flags INTEGER, MaxBytes INTEGER, Cookie OCTET STRING }
// and the response control (same OID) carries
//   DirSyncResponseValue ::= SEQUENCE { MoreResults INTEGER, unused INTEGER, CookieServer OCTET STRING }.
// ldapts hands an unknown response control to the request control of the same type, so this one object is both:
// after the search, `moreResults` and `responseCookie` hold the DC's answer.

import { Ber, type BerReader, BerWriter, Control } from "ldapts";

export const DIRSYNC_OID = "1.2.840.113556.1.4.841";
/** Flags 0: no object security (the caller holds Replicating Directory Changes), whole values. */
export const DIRSYNC_FLAGS_NONE = 0;
/** Upper bound the DC may put in one answer; it says "more" when there is more. */
export const DIRSYNC_MAX_BYTES = 4 * 1024 * 1024;

export class DirSyncControl extends Control {
  moreResults = false;
  responseCookie: Buffer | null = null;

  constructor(
    readonly cookie: Buffer,
    readonly flags = DIRSYNC_FLAGS_NONE,
    readonly maxBytes = DIRSYNC_MAX_BYTES,
  ) {
    // Microsoft: the control must be sent critical.
    super(DIRSYNC_OID, { critical: true });
  }

  override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.writeInt(this.maxBytes);
    value.writeBuffer(this.cookie, Ber.OctetString);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }

  override parseControl(reader: BerReader): void {
    if (reader.readSequence() === null) return;
    this.moreResults = (reader.readInt() ?? 0) !== 0;
    reader.readInt();
    this.responseCookie = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
  }
}

/** The value of a DirSync request control, for tests that check the encoding. */
export function encodeDirSyncValue(control: DirSyncControl): Buffer {
  const writer = new BerWriter();
  control.writeControl(writer);
  return writer.buffer;
}

/**
 * LDAP_SERVER_SHOW_DELETED_OID: Microsoft asks LDAP callers of DirSync to send it, so that tombstones (deletions) are
 * part of the answer (ADSI adds it by itself).
 */
export class ShowDeletedControl extends Control {
  constructor() {
    super("1.2.840.113556.1.4.417", { critical: true });
  }
}
