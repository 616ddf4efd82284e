// Schema and extended-right GUIDs the lab writes (DOMAIN.md, MS-ADTS 5.1.3.2.1 / schema).
// The lab keeps its own copy rather than importing lib/ad: it is the independent judge of lib/ad.

export const LAB_GUIDS = {
  /** User-Force-Change-Password: the Reset Password control access right. */
  resetPassword: "00299570-246d-11d0-a768-00aa006e0529",
  /** User-Change-Password. */
  changePassword: "ab721a53-1e2f-11d0-9819-00aa0040529b",
  /** Unexpire Password (on the domain object). */
  unexpirePassword: "ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501",
  /** lockoutTime attribute (in no property set). */
  lockoutTime: "28630ebf-41d5-11d1-a9c1-0000f80367c1",
  /** pwdLastSet attribute (in User-Account-Restrictions). */
  pwdLastSet: "bf967a0a-0de6-11d0-a285-00aa003049e2",
  /** User-Account-Restrictions property set. */
  userAccountRestrictions: "4c164200-20c0-11d0-a768-00aa006e0529",
  userClass: "bf967aba-0de6-11d0-a285-00aa003049e2",
  /** DS-Replication-Get-Changes: Replicating Directory Changes (DirSync's right). */
  replicatingDirectoryChanges: "1131f6aa-9c07-11d1-f79f-00c04fc2dcd2",
  computerClass: "bf967a86-0de6-11d0-a285-00aa003049e2",
  inetOrgPersonClass: "4828cc14-1437-45bc-9b07-ad6f015e5f28",
} as const;

/** Well-known SIDs (MS-DTYP 2.4.2.4). */
export const WELL_KNOWN_SIDS = {
  everyone: "S-1-1-0",
  network: "S-1-5-2",
  authenticatedUsers: "S-1-5-11",
  thisOrganization: "S-1-5-15",
  self: "S-1-5-10",
} as const;
