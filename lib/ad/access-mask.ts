// Access-mask bits (MS-DTYP 2.4.3 ACCESS_MASK; directory-specific bits MS-ADTS 5.1.3.2) and the generic
// mapping a domain controller applies to directory objects (the DS GENERIC_MAPPING passed to MS-DTYP 2.5.3).

// Directory-specific rights (MS-ADTS 5.1.3.2, SDDL letters in MS-DTYP 2.5.1.1).
export const RIGHT_DS_CREATE_CHILD = 0x0000_0001; // CC
export const RIGHT_DS_DELETE_CHILD = 0x0000_0002; // DC
export const RIGHT_DS_LIST_CONTENTS = 0x0000_0004; // LC
export const RIGHT_DS_WRITE_PROPERTY_EXTENDED = 0x0000_0008; // SW (validated write)
export const RIGHT_DS_READ_PROPERTY = 0x0000_0010; // RP
export const RIGHT_DS_WRITE_PROPERTY = 0x0000_0020; // WP
export const RIGHT_DS_DELETE_TREE = 0x0000_0040; // DT
export const RIGHT_DS_LIST_OBJECT = 0x0000_0080; // LO
export const RIGHT_DS_CONTROL_ACCESS = 0x0000_0100; // CR

// Standard rights (MS-DTYP 2.4.3).
export const DELETE = 0x0001_0000; // SD
export const READ_CONTROL = 0x0002_0000; // RC
export const WRITE_DAC = 0x0004_0000; // WD
export const WRITE_OWNER = 0x0008_0000; // WO
export const SYNCHRONIZE = 0x0010_0000;
export const ACCESS_SYSTEM_SECURITY = 0x0100_0000;
export const MAXIMUM_ALLOWED = 0x0200_0000;

// Generic rights (MS-DTYP 2.4.3). Note GENERIC_READ is bit 31: masks are kept as unsigned 32-bit numbers.
export const GENERIC_ALL = 0x1000_0000; // GA
export const GENERIC_EXECUTE = 0x2000_0000; // GX
export const GENERIC_WRITE = 0x4000_0000; // GW
export const GENERIC_READ = 0x8000_0000; // GR

/**
 * The DS generic mapping (the values Windows and Samba, SEC_ADS_GENERIC_*, use; GENERIC_ALL = 0xF01FF):
 * GENERIC_ALL gives every DS right plus the standard rights, so it includes CR and WP;
 * GENERIC_WRITE gives RC | SW | WP — write property, but no control access right (so no Reset Password).
 */
export const DS_GENERIC_READ =
  READ_CONTROL | RIGHT_DS_LIST_CONTENTS | RIGHT_DS_READ_PROPERTY | RIGHT_DS_LIST_OBJECT;
export const DS_GENERIC_WRITE = READ_CONTROL | RIGHT_DS_WRITE_PROPERTY_EXTENDED | RIGHT_DS_WRITE_PROPERTY;
export const DS_GENERIC_EXECUTE = READ_CONTROL | RIGHT_DS_LIST_CONTENTS;
export const DS_GENERIC_ALL =
  DELETE |
  READ_CONTROL |
  WRITE_DAC |
  WRITE_OWNER |
  RIGHT_DS_CREATE_CHILD |
  RIGHT_DS_DELETE_CHILD |
  RIGHT_DS_LIST_CONTENTS |
  RIGHT_DS_WRITE_PROPERTY_EXTENDED |
  RIGHT_DS_READ_PROPERTY |
  RIGHT_DS_WRITE_PROPERTY |
  RIGHT_DS_DELETE_TREE |
  RIGHT_DS_LIST_OBJECT |
  RIGHT_DS_CONTROL_ACCESS;

const GENERIC_BITS = (GENERIC_ALL | GENERIC_EXECUTE | GENERIC_WRITE | GENERIC_READ) >>> 0;

/**
 * Replaces generic bits by the DS rights they stand for. MS-DTYP 2.5.3.2 maps the request, and a DC maps
 * generic bits of effective ACEs when it stores them (MS-DTYP 2.5.3.4); Samba and hand-written descriptors can
 * still carry GA/GW in an effective ACE, so the access check maps ACE masks too.
 */
export function mapGenericDs(mask: number): number {
  if ((mask & GENERIC_BITS) === 0) return mask >>> 0;
  let m = mask & ~GENERIC_BITS;
  if (mask & GENERIC_ALL) m |= DS_GENERIC_ALL;
  if (mask & GENERIC_EXECUTE) m |= DS_GENERIC_EXECUTE;
  if (mask & GENERIC_WRITE) m |= DS_GENERIC_WRITE;
  if (mask & GENERIC_READ) m |= DS_GENERIC_READ;
  return m >>> 0;
}

export function hasGenericBits(mask: number): boolean {
  return (mask & GENERIC_BITS) !== 0;
}
