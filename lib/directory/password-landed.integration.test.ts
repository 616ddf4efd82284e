// "Did the password land?" against the Samba lab, read with the wizard's read-only account: unicodePwd's stamp in
// replPropertyMetaData decides, pwdLastSet and userAccountControl only add what the user will see at the next
// sign-in. Each run creates its own uniquely named OU and users (as domain admin) and deletes them afterwards.

import { randomBytes } from "node:crypto";
import { type Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readLabPassword } from "@/lab/settings";
import { replaceChange, unicodePwdReplace } from "@/lab/ldap";
import { adminClient, createScenarioOu, removeTree } from "@/lab/scenarios";
import { labWizardConnection } from "@/lab/settings";
import { integrationLab, requireSettings } from "@/lab/test-support";
import { run as passwordLanded } from "@/cli/password-landed";
import { CLOCK_SKEW_MS } from "@/lib/verify/verdicts/tenant";
import { LdapDirectory } from "./ldap-adapter";
import { passwordLanding } from "./user-state";

const lab = integrationLab();

/** Runs `sspr-writeback password-landed --lab --json …` in-process and returns its exit code and JSON answer. */
async function cli(user: string, since: Date): Promise<{ code: number; json: Record<string, unknown> }> {
  const out: string[] = [];
  const spy = vi
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    const code = await passwordLanded(["--lab", "--json", "--user", user, "--since", since.toISOString()]);
    return { code, json: JSON.parse(out.join("")) as Record<string, unknown> };
  } finally {
    spy.mockRestore();
  }
}

describe.skipIf(lab.skip)("password-landed against the lab", () => {
  let admin: Client;
  let port: LdapDirectory;
  let ou: string;
  let users: string[];
  let password: string;
  const sidOf = async (dn: string) => {
    const account = await port.findAccount(dn);
    if (!account) throw new Error(`${dn} not found`);
    return account.sid;
  };

  beforeAll(async () => {
    const s = requireSettings(lab);
    admin = await adminClient(s);
    const name = `pwlanded-${randomBytes(4).toString("hex")}`;
    const created = await createScenarioOu(admin, s, name, { users: 4 });
    ou = created.dn;
    users = created.users;
    password = readLabPassword(s.userPasswordFile);
    port = await LdapDirectory.open(labWizardConnection(s));
  }, 60_000);

  afterAll(async () => {
    if (admin && ou) await removeTree(admin, ou);
    await admin?.unbind();
    await port?.close();
  });

  it("an admin reset (password set, then pwdLastSet=0) has landed, and the user must change it at next sign-in", async () => {
    const dn = users[0]!;
    const since = new Date();
    await admin.modify(dn, unicodePwdReplace(`${password}-A1`));
    await admin.modify(dn, replaceChange("pwdLastSet", ["0"]));
    const user = await port.findUserBySid(await sidOf(dn));
    expect(user).toMatchObject({
      pwdLastSet: null,
      mustChangeAtNextLogon: true,
      neverExpires: false,
      disabled: false,
      lockedOut: false,
    });
    expect(user?.passwordSetAtError).toBeUndefined();
    // DSTIME keeps whole seconds.
    expect(user?.passwordSetAt?.getTime()).toBeGreaterThanOrEqual(Math.floor(since.getTime() / 1000) * 1000);
    const answer = await cli(dn, since);
    expect(answer.code).toBe(0);
    expect(answer.json).toEqual({
      landed: true,
      at: user?.passwordSetAt?.toISOString(),
      mustChangeAtNextLogon: true,
      passwordNeverExpires: false,
    });
  });

  it("an untouched user has not landed", async () => {
    // Its password was set when the user was created; --since lies beyond that and the clock allowance.
    const since = new Date(Date.now() + CLOCK_SKEW_MS + 30_000);
    const sam = (await port.findAccount(users[1]!))?.sAMAccountName;
    expect(sam).toBeTruthy();
    const answer = await cli(sam!, since);
    expect(answer.code).toBe(1);
    expect(answer.json).toMatchObject({
      landed: false,
      mustChangeAtNextLogon: false,
      passwordNeverExpires: false,
    });
    expect(typeof answer.json.at).toBe("string");
  });

  it("a user whose password never expires has landed, with the flag and no change asked", async () => {
    const dn = users[2]!;
    const since = new Date();
    await admin.modify(dn, replaceChange("userAccountControl", [String(0x200 | 0x10000)]));
    await admin.modify(dn, unicodePwdReplace(`${password}-B2`));
    await admin.modify(dn, replaceChange("pwdLastSet", ["0"]));
    const sid = await sidOf(dn);
    const answer = await cli(sid, since);
    expect(answer.code).toBe(0);
    expect(answer.json).toMatchObject({
      landed: true,
      mustChangeAtNextLogon: false,
      passwordNeverExpires: true,
    });
  });

  it("a password set before --since has not landed, though pwdLastSet moves later", async () => {
    const dn = users[3]!;
    await admin.modify(dn, unicodePwdReplace(`${password}-C3`));
    const user = await port.findUserBySid(await sidOf(dn));
    const setAt = user!.passwordSetAt!;
    const since = new Date(setAt.getTime() + CLOCK_SKEW_MS + 1000);
    expect(passwordLanding(user!, since, CLOCK_SKEW_MS).landed).toBe(false);
    expect(passwordLanding(user!, new Date(setAt.getTime() + CLOCK_SKEW_MS), CLOCK_SKEW_MS).landed).toBe(
      true,
    );
    // pwdLastSet=-1 stamps pwdLastSet with the current time, but the password itself did not change.
    await admin.modify(dn, replaceChange("pwdLastSet", ["-1"]));
    const after = await port.findUserBySid(await sidOf(dn));
    expect(after?.passwordSetAt?.toISOString()).toBe(setAt.toISOString());
    // And a disabled account reads as disabled.
    await admin.modify(dn, replaceChange("userAccountControl", [String(0x202)]));
    expect((await port.findUserBySid(await sidOf(dn)))?.disabled).toBe(true);
  });
});
