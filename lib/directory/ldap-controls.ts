import { BerWriter, Control } from "ldapts";

// LDAP_SERVER_SD_FLAGS_OID (MS-ADTS 3.1.1.3.4.1.11). Without it the DC treats a read of nTSecurityDescriptor as a
// request for the SACL too, and an account that is not an administrator then receives no descriptor at all; with
// it a write replaces only the parts named by the flags.
export const SD_FLAGS_OID = "1.2.840.113556.1.4.801";
export const SD_FLAGS_OWNER = 0x1;
export const SD_FLAGS_GROUP = 0x2;
export const SD_FLAGS_DACL = 0x4;
/** OWNER | GROUP | DACL: what the checks read (DOMAIN.md). */
export const SD_FLAGS_READ = SD_FLAGS_OWNER | SD_FLAGS_GROUP | SD_FLAGS_DACL;

/** The SD flags control; its value is BER SEQUENCE { INTEGER flags }. ldapts ships none. */
export class SdFlagsControl extends Control {
  constructor(
    readonly flags: number = SD_FLAGS_READ,
    critical = true,
  ) {
    super(SD_FLAGS_OID, { critical });
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.endSequence();
    writer.writeBuffer(value.buffer, 0x04);
  }
}

/** LDAP_SERVER_POLICY_HINTS_OID and its deprecated predecessor (DOMAIN.md "Password policy and domain controllers"). */
export const POLICY_HINTS_OID = "1.2.840.113556.1.4.2239";
export const POLICY_HINTS_DEPRECATED_OID = "1.2.840.113556.1.4.2066";
