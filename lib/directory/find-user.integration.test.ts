// The end-to-end test's on-premises leg against the Samba lab: a user found by objectSid (sent as a binary
// filter value) with pwdLastSet, which moves when the user's password is set.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unicodePwdReplace } from "@/lab/ldap";
import { adminClient } from "@/lab/scenarios";
import { labWizardConnection, readLabPassword } from "@/lab/settings";
import { integrationLab, requireSettings } from "@/lab/test-support";
import { LdapDirectory } from "./ldap-adapter";

const lab = integrationLab();

describe.skipIf(lab.skip)("findUserBySid against the lab", () => {
  let port: LdapDirectory;

  beforeAll(async () => {
    const s = requireSettings(lab);
    port = await LdapDirectory.open(labWizardConnection(s));
  });

  afterAll(async () => {
    await port?.close();
  });

  it("finds users by SID (bytes >= 0x80 included) and returns null for an unknown or malformed SID", async () => {
    const s = requireSettings(lab);
    const connector = await port.findUserBySid(s.connector.sid);
    expect(connector?.dn.toLowerCase()).toBe(s.connector.dn.toLowerCase());
    expect(connector?.pwdLastSet).toBeInstanceOf(Date);
    expect((await port.findUserBySid(s.wizard.sid))?.dn.toLowerCase()).toBe(s.wizard.dn.toLowerCase());
    expect(await port.findUserBySid(`${s.domainSid}-987654`)).toBeNull();
    expect(await port.findUserBySid("not-a-sid)(objectClass=*")).toBeNull();
  });

  it("sees pwdLastSet move past a password set", async () => {
    const s = requireSettings(lab);
    const before = new Date(Date.now() - 2000);
    const admin = await adminClient(s);
    try {
      // The connector's own password, set again to the same value (the lab keeps it in its file).
      await admin.modify(s.connector.dn, unicodePwdReplace(readLabPassword(s.connector.passwordFile)));
    } finally {
      await admin.unbind();
    }
    const after = await port.findUserBySid(s.connector.sid);
    expect(after?.pwdLastSet?.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });
});
