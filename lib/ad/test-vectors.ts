// Realistic descriptors for tests and the benchmark, written after what a Windows Server 2016 / Samba 4 domain
// holds (default domain-root ACEs, the default user ACEs, Microsoft's writeback delegation).

import { CLASS_USER, LOCKOUT_TIME, PWD_LAST_SET, RESET_PASSWORD } from "./schema";

const USER = CLASS_USER;

/** The three ACEs Microsoft's Set-ADSyncPasswordWritebackPermissions writes on a domain root (dsacls … /I:S). */
export function writebackDelegation(sid: string): string {
  return (
    `(OA;CIIO;CR;${RESET_PASSWORD};${USER};${sid})` +
    `(OA;CIIO;WP;${LOCKOUT_TIME};${USER};${sid})` +
    `(OA;CIIO;WP;${PWD_LAST_SET};${USER};${sid})`
  );
}

/** Domain-root DACL ACEs (abridged default; Unexpire Password to Authenticated Users is the fact that matters). */
export const DEFAULT_DOMAIN_ROOT_DACL =
  "(OA;CIIO;RP;4c164200-20c0-11d0-a768-00aa006e0529;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
  "(OA;CIIO;RP;4c164200-20c0-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;RU)" +
  "(OA;CIIO;RP;5f202010-79a5-11d0-9020-00c04fc2d4cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
  "(OA;CIIO;RP;5f202010-79a5-11d0-9020-00c04fc2d4cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)" +
  "(OA;CIIO;RP;bc0ac240-79a9-11d0-9020-00c04fc2d4cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
  "(OA;CIIO;RP;bc0ac240-79a9-11d0-9020-00c04fc2d4cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)" +
  "(OA;CIIO;RP;59ba2f42-79a2-11d0-9020-00c04fc2d3cf;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
  "(OA;CIIO;RP;59ba2f42-79a2-11d0-9020-00c04fc2d3cf;bf967aba-0de6-11d0-a285-00aa003049e2;RU)" +
  "(OA;CIIO;RP;037088f8-0ae1-11d2-b422-00a0c968f939;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
  "(OA;CIIO;RP;037088f8-0ae1-11d2-b422-00a0c968f939;bf967aba-0de6-11d0-a285-00aa003049e2;RU)" +
  "(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;ED)" +
  "(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;ED)" +
  "(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;BA)" +
  "(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;BA)" +
  "(OA;;CR;89e95b76-444d-4c62-991a-0facbeda640c;;BA)" +
  "(OA;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;AU)" +
  "(OA;;CR;280f369c-67c7-438e-ae98-1d46f3c6f541;;AU)" +
  "(OA;;CR;05c74c5e-4deb-43b4-bd9f-86664c2a7fd5;;AU)" +
  "(OA;CIIO;RPLCLORC;;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
  "(OA;CIIO;RPLCLORC;;bf967aba-0de6-11d0-a285-00aa003049e2;RU)" +
  "(OA;CIIO;RPLCLORC;;bf967a9c-0de6-11d0-a285-00aa003049e2;RU)" +
  "(OA;CIIO;RPWPCR;91e647de-d96f-4b70-9557-d63ff4f3ccd8;;PS)" +
  "(OA;CIIO;SW;9b026da6-0d3c-465c-8bee-5199d7165cba;bf967a86-0de6-11d0-a285-00aa003049e2;CO)" +
  "(OA;CIIO;SW;9b026da6-0d3c-465c-8bee-5199d7165cba;bf967a86-0de6-11d0-a285-00aa003049e2;PS)" +
  "(OA;CIIO;RP;b7c69e6d-2cc7-11d2-854e-00a0c983f608;bf967a86-0de6-11d0-a285-00aa003049e2;ED)" +
  "(OA;CIIO;RP;b7c69e6d-2cc7-11d2-854e-00a0c983f608;bf967a9c-0de6-11d0-a285-00aa003049e2;ED)" +
  "(OA;CIIO;RP;b7c69e6d-2cc7-11d2-854e-00a0c983f608;bf967aba-0de6-11d0-a285-00aa003049e2;ED)" +
  "(OA;CI;RPWP;5b47d60f-6090-40b2-9f37-2a4de88f3063;;KA)" +
  "(OA;CI;RPWP;5b47d60f-6090-40b2-9f37-2a4de88f3063;;EK)" +
  "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)" +
  "(A;CI;RPWPCRCCDCLCLORCWOWDSDDTSW;;;EA)" +
  "(A;;RPRC;;;RU)" +
  "(A;CI;LC;;;RU)" +
  "(A;CI;CCDCLCSWRPWPLOCRSDRCWDWO;;;BA)" +
  "(A;;RP;;;WD)" +
  "(A;;LCRPLORC;;;ED)" +
  "(A;;LCRPLORC;;;AU)" +
  "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)";

export function domainRootSddl(extraDacl = ""): string {
  return `O:BAG:BAD:AI${extraDacl}${DEFAULT_DOMAIN_ROOT_DACL}`;
}

/** The explicit part of a new user's DACL (defaultSecurityDescriptor of class user, abridged). */
export const DEFAULT_USER_EXPLICIT_DACL =
  "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)" +
  "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)" +
  "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;AO)" +
  "(A;;RPLCLORC;;;PS)" +
  "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)" +
  "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)" +
  "(OA;;RPWP;77b5b886-944a-11d1-aebd-0000f80367c1;;PS)" +
  "(OA;;RPWP;e45795b2-9455-11d1-aebd-0000f80367c1;;PS)" +
  "(OA;;RPWP;e45795b3-9455-11d1-aebd-0000f80367c1;;PS)" +
  "(OA;;RP;037088f8-0ae1-11d2-b422-00a0c968f939;;RS)" +
  "(OA;;RP;4c164200-20c0-11d0-a768-00aa006e0529;;RS)" +
  "(OA;;RP;bc0ac240-79a9-11d0-9020-00c04fc2d4cf;;RS)" +
  "(A;;RC;;;AU)" +
  "(OA;;RP;59ba2f42-79a2-11d0-9020-00c04fc2d3cf;;AU)" +
  "(OA;;RP;77b5b886-944a-11d1-aebd-0000f80367c1;;AU)" +
  "(OA;;RP;e45795b3-9455-11d1-aebd-0000f80367c1;;AU)" +
  "(OA;;RP;e48d0154-bcf8-11d1-8702-00c04fb96050;;AU)" +
  "(OA;;RP;5f202010-79a5-11d0-9020-00c04fc2d4cf;;RS)" +
  "(OA;;RPWP;bf967a7f-0de6-11d0-a285-00aa003049e2;;CA)" +
  "(OA;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;S-1-5-32-560)" +
  "(OA;;RPWP;6db69a1c-9422-11d1-aebd-0000f80367c1;;S-1-5-32-561)";

export function userExplicitSddl(extraDacl = "", flags = ""): string {
  return `O:DAG:DUD:${flags}${extraDacl}${DEFAULT_USER_EXPLICIT_DACL}`;
}
