import { describe, expect, it } from "vitest";
import { effectiveRights, networkLogonToken } from "./access-check";
import { CLASS_USER, LOCKOUT_TIME, PWD_LAST_SET, RESET_PASSWORD } from "./schema";
import { computeChildSecurityDescriptor, inheritedAces } from "./inheritance";
import { formatAce, formatSddl, parseSddl } from "./sddl";
import { CONNECTOR_SID, TEST_DOMAIN_SID } from "./test-arbitraries";
import { domainRootSddl, writebackDelegation } from "./test-vectors";

const DOM = TEST_DOMAIN_SID;
const USER = CLASS_USER;
const sddl = (text: string) => parseSddl(text, { domainSid: DOM });
const inherit = (parentDacl: string, objectClass: string, isContainer = true, owner?: string): string[] =>
  inheritedAces(sddl(`O:BAG:BAD:${parentDacl}`), { objectClass, isContainer, owner }).map((a) =>
    formatAce(a, { domainSid: DOM }),
  );

describe("inheritedAces (MS-DTYP 2.5.3.4)", () => {
  const delegation = writebackDelegation(CONNECTOR_SID);

  it("turns Microsoft's CI|IO delegation into effective CI|ID ACEs on users", () => {
    expect(inherit(delegation, "user")).toEqual([
      `(OA;CIID;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})`,
      `(OA;CIID;WP;${LOCKOUT_TIME};${USER};${CONNECTOR_SID})`,
      `(OA;CIID;WP;${PWD_LAST_SET};${USER};${CONNECTOR_SID})`,
    ]);
  });

  it("keeps it inherit-only on OUs (for the users below) and on other classes", () => {
    for (const objectClass of ["organizationalUnit", "computer", "inetOrgPerson", "group"]) {
      expect(inherit(delegation, objectClass)).toEqual([
        `(OA;CIIOID;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})`,
        `(OA;CIIOID;WP;${LOCKOUT_TIME};${USER};${CONNECTOR_SID})`,
        `(OA;CIIOID;WP;${PWD_LAST_SET};${USER};${CONNECTOR_SID})`,
      ]);
    }
  });

  it("reaches users two levels down, through an OU", () => {
    const root = sddl(domainRootSddl(delegation));
    const ou = computeChildSecurityDescriptor(root, sddl("O:DAG:DUD:"), {
      objectClass: "organizationalUnit",
      isContainer: true,
    });
    const user = computeChildSecurityDescriptor(ou, sddl("O:DAG:DUD:"), {
      objectClass: "user",
      isContainer: true,
    });
    const token = networkLogonToken(CONNECTOR_SID, []);
    expect(effectiveRights(ou, token, "organizationalUnit").resetPassword).toBe(false);
    expect(effectiveRights(user, token, "user")).toMatchObject({
      resetPassword: true,
      writeLockoutTime: true,
      writePwdLastSet: true,
    });
  });

  it("stops at a protected OU", () => {
    const root = sddl(domainRootSddl(delegation));
    const ou = computeChildSecurityDescriptor(root, sddl("O:DAG:DUD:P(A;;RPLC;;;AU)"), {
      objectClass: "organizationalUnit",
      isContainer: true,
    });
    expect(formatSddl(ou, { domainSid: DOM })).toBe("O:DAG:DUD:PAI(A;;LCRP;;;AU)");
    const user = computeChildSecurityDescriptor(ou, sddl("O:DAG:DUD:"), {
      objectClass: "user",
      isContainer: true,
    });
    expect(effectiveRights(user, networkLogonToken(CONNECTOR_SID, []), "user").resetPassword).toBe(false);
  });

  it("applies the CI / OI / NP / IO table", () => {
    // CI only: containers get an effective, still inheritable copy; leaves get nothing.
    expect(inherit("(A;CI;RP;;;WD)", "user")).toEqual(["(A;CIID;RP;;;WD)"]);
    expect(inherit("(A;CI;RP;;;WD)", "user", false)).toEqual([]);
    // OI only: leaves get an effective copy; containers keep it inherit-only for their leaves.
    expect(inherit("(A;OI;RP;;;WD)", "user", false)).toEqual(["(A;ID;RP;;;WD)"]);
    expect(inherit("(A;OI;RP;;;WD)", "organizationalUnit")).toEqual(["(A;OIIOID;RP;;;WD)"]);
    // NP: effective on the child, not passed on.
    expect(inherit("(A;CINP;RP;;;WD)", "user")).toEqual(["(A;ID;RP;;;WD)"]);
    expect(inherit("(A;OINP;RP;;;WD)", "organizationalUnit")).toEqual([]);
    // IO on the parent does not stop inheritance; not inheritable at all means not inherited.
    expect(inherit("(A;CIIO;RP;;;WD)", "user")).toEqual(["(A;CIID;RP;;;WD)"]);
    expect(inherit("(A;;RP;;;WD)(A;ID;RP;;;WD)", "user")).toEqual([]);
    // An InheritedObjectType of another class with NP: nothing.
    expect(inherit(`(OA;CINP;RP;;${USER};WD)`, "group")).toEqual([]);
  });

  it("splits generic rights and CREATOR OWNER into an effective copy and an inherit-only original", () => {
    expect(inherit("(A;CI;GA;;;CO)", "user", true, `${DOM}-512`)).toEqual([
      "(A;ID;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)",
      "(A;CIIOID;GA;;;CO)",
    ]);
    expect(inherit("(A;CI;GW;;;AU)", "user")).toEqual(["(A;ID;SWWPRC;;;AU)", "(A;CIIOID;GW;;;AU)"]);
    // Without a known owner CREATOR OWNER stays (it matches no token).
    expect(inherit("(A;CINP;RP;;;CO)", "user")).toEqual(["(A;ID;RP;;;CO)"]);
  });

  it("passes SACL ACEs on the same way, keeping audit flags", () => {
    const parent = sddl(
      "O:BAG:BAD:S:(OU;CISA;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;WD)(AU;CIFA;GA;;;WD)",
    );
    const child = computeChildSecurityDescriptor(parent, sddl("O:DAG:DUD:"), {
      objectClass: "organizationalUnit",
      isContainer: true,
    });
    expect(formatSddl(child, { domainSid: DOM })).toBe(
      "O:DAG:DUD:AIS:AI(OU;CIIDSA;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;WD)(AU;IDFA;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;WD)(AU;CIIOIDFA;GA;;;WD)",
    );
  });
});

describe("computeChildSecurityDescriptor", () => {
  const parent = sddl(`O:BAG:BAD:(A;CI;RP;;;AU)${writebackDelegation(CONNECTOR_SID)}`);

  it("puts the child's explicit ACEs first, then the inherited ones, and drops stale inherited copies", () => {
    const child = computeChildSecurityDescriptor(
      parent,
      sddl("O:DAG:DUD:AI(A;;RC;;;WD)(A;ID;GA;;;BG)(A;IO;RP;;;WD)"),
      { objectClass: "user", isContainer: true },
    );
    expect(formatSddl(child, { domainSid: DOM })).toBe(
      `O:DAG:DUD:AI(A;;RC;;;WD)(A;CIID;RP;;;AU)(OA;CIID;CR;${RESET_PASSWORD};${USER};${CONNECTOR_SID})` +
        `(OA;CIID;WP;${LOCKOUT_TIME};${USER};${CONNECTOR_SID})(OA;CIID;WP;${PWD_LAST_SET};${USER};${CONNECTOR_SID})`,
    );
  });

  it("gives a protected child only its own ACEs", () => {
    const child = computeChildSecurityDescriptor(parent, sddl("O:DAG:DUD:P(A;;RC;;;WD)(A;ID;RP;;;AU)"), {
      objectClass: "user",
      isContainer: true,
    });
    expect(formatSddl(child, { domainSid: DOM })).toBe("O:DAG:DUD:PAI(A;;RC;;;WD)(A;;RP;;;AU)");
    expect(effectiveRights(child, networkLogonToken(CONNECTOR_SID, []), "user").resetPassword).toBe(false);
  });
});
