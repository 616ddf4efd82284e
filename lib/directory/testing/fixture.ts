// A small, hand-written snapshot (sspr-writeback-snapshot/1) with one of every situation the checks know, for unit
// tests, the CLI tests and the sandbox. SDDL uses domain-relative aliases (DA, DU) as Windows prints them.

import { type Snapshot } from "../snapshot";

export const FIXTURE_DOMAIN_SID = "S-1-5-21-1000-2000-3000";
export const FIXTURE_CONNECTOR_SID = `${FIXTURE_DOMAIN_SID}-1106`;
const CONNECTOR_GROUP = `${FIXTURE_DOMAIN_SID}-1200`;
const C = FIXTURE_CONNECTOR_SID;
const USER = "bf967aba-0de6-11d0-a285-00aa003049e2";

/** Microsoft's three delegation entries for `sid`, as set on an OU or the domain root (CI|IO, InheritedObjectType user). */
export function delegation(sid: string, flags = "CIIO"): string {
  return (
    `(OA;${flags};CR;00299570-246d-11d0-a768-00aa006e0529;${USER};${sid})` +
    `(OA;${flags};WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;${USER};${sid})` +
    `(OA;${flags};WP;bf967a0a-0de6-11d0-a285-00aa003049e2;${USER};${sid})`
  );
}

const BASE = "(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)(A;;RPLCLORC;;;AU)";
const ROOT_SD = `O:DAG:DAD:AI${delegation(C)}(OA;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;AU)${BASE}`;
/** What a user below a delegated root inherits. */
const INHERITED = `${delegation(C, "CIIOID").replace(/CIIOID/g, "ID")}(A;ID;RPLCLORC;;;AU)`;
const userSd = (extra = "", flags = "AI", inherited = INHERITED): string =>
  `O:DAG:DUD:${flags}${extra}(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)${inherited}`;

export function fixtureSnapshot(): Snapshot {
  const dn = "DC=contoso,DC=com";
  return {
    format: "sspr-writeback-snapshot/1",
    collectedAt: "2026-11-25T09:00:00.000Z",
    connector: {
      name: "CONTOSO\\MSOL_ab12cd34ef56",
      dn: `CN=MSOL_ab12cd34ef56,CN=Users,${dn}`,
      sid: C,
      tokenGroups: [CONNECTOR_GROUP, `${FIXTURE_DOMAIN_SID}-513`],
    },
    domains: [
      {
        dn,
        dnsName: "contoso.com",
        netbiosName: "CONTOSO",
        sid: FIXTURE_DOMAIN_SID,
        sd: ROOT_SD,
        minPwdAge: "-864000000000",
        passwordSettingsObjects: [
          {
            dn: `CN=Strict,CN=Password Settings Container,CN=System,${dn}`,
            minPwdAge: "-864000000000",
            appliesTo: [`CN=Sales,OU=Groups,${dn}`],
            precedence: 10,
          },
        ],
        rootDse: { supportedControl: ["1.2.840.113556.1.4.801", "1.2.840.113556.1.4.319"] },
        domainControllers: [
          {
            dn: `CN=DC01,OU=Domain Controllers,${dn}`,
            dnsHostName: "dc01.contoso.com",
            operatingSystem: "Windows Server 2022 Datacenter",
            operatingSystemVersion: "10.0 (20348)",
            supportedControl: ["1.2.840.113556.1.4.801", "1.2.840.113556.1.4.2239"],
          },
          {
            dn: `CN=DC02,OU=Domain Controllers,${dn}`,
            dnsHostName: "dc02.contoso.com",
            operatingSystem: "Windows Server 2012 R2 Standard",
            operatingSystemVersion: "6.3 (9600)",
            supportedControl: ["1.2.840.113556.1.4.801"],
          },
        ],
        containers: [
          {
            dn: `CN=Users,${dn}`,
            sd: `O:DAG:DAD:AI${BASE}${delegation(C, "CIIOID")}`,
            objectClass: ["top", "container"],
          },
          {
            dn: `OU=Staff,${dn}`,
            sd: `O:DAG:DAD:AI${BASE}${delegation(C, "CIIOID")}`,
            objectClass: ["top", "organizationalUnit"],
          },
          { dn: `OU=Legacy,${dn}`, sd: `O:DAG:DAD:PAI${BASE}`, objectClass: ["top", "organizationalUnit"] },
        ],
        users: [
          {
            dn: `CN=Ada Adler,OU=Staff,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2001`,
            sd: userSd(),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: null,
            tokenGroups: null,
          },
          {
            dn: `CN=Ben Brandt,OU=Staff,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2002`,
            sd: userSd(),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: null,
            tokenGroups: null,
          },
          {
            dn: `CN=Cleo Costa,OU=Legacy,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2003`,
            sd: userSd("", "AI", "(A;ID;RPLCLORC;;;AU)"),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: null,
            tokenGroups: null,
          },
          {
            dn: `CN=Dev Dubois,OU=Legacy,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2004`,
            sd: userSd("", "AI", "(A;ID;RPLCLORC;;;AU)"),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: null,
            tokenGroups: null,
          },
          {
            dn: `CN=Eli Evans,OU=Staff,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2005`,
            sd: userSd(`(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;${CONNECTOR_GROUP})`),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: null,
            tokenGroups: null,
          },
          {
            dn: `CN=Priya Admin,OU=Staff,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2006`,
            sd: userSd("", "PAI", "(A;;RPLCLORC;;;AU)"),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: 1,
            tokenGroups: [`${FIXTURE_DOMAIN_SID}-512`, "S-1-5-32-544"],
          },
          {
            dn: `CN=Omar Former,OU=Staff,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2007`,
            sd: userSd("", "PAI", "(A;;RPLCLORC;;;AU)"),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: 1,
            tokenGroups: [`${FIXTURE_DOMAIN_SID}-513`],
          },
          {
            dn: `CN=Fay Fischer,OU=Staff,${dn}`,
            sid: `${FIXTURE_DOMAIN_SID}-2008`,
            sd: userSd("", "PAI", "(A;;RPLCLORC;;;AU)"),
            objectClass: ["top", "person", "organizationalPerson", "user"],
            userAccountControl: 512,
            adminCount: null,
            tokenGroups: null,
          },
        ],
        samServer: { sd: "O:DAG:DAD:(A;;RPLCLORC;;;AU)" },
        preWindows2000Members: ["S-1-5-11"],
      },
    ],
  };
}
