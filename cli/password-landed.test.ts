import { describe, expect, it } from "vitest";
import { DirectoryError } from "../lib/directory/errors";
import { SandboxDirectory } from "../lib/sandbox/directory";
import { checkLanding, formatLanding, parsePasswordLandedArgs } from "./password-landed";

const SINCE = "2026-12-06T10:40:00Z";

describe("password-landed options", () => {
  it("takes --user, --since and --lab", () => {
    const args = parsePasswordLandedArgs(["--user", "terry.test", "--since", SINCE, "--lab", "--json"]);
    expect(args).toMatchObject({ user: "terry.test", lab: true, json: true, connection: [] });
    expect(args.since.toISOString()).toBe("2026-12-06T10:40:00.000Z");
  });

  it("passes the connection flags to verify's rules", () => {
    const args = parsePasswordLandedArgs([
      ...["--user", "CN=Terry Test,OU=Staff,DC=contoso,DC=test", "--since", SINCE],
      ...[
        "--ldap-url",
        "ldaps://dc01.contoso.test",
        "--bind-dn",
        "svc@contoso.test",
        "--bind-password-file",
        "/p",
      ],
    ]);
    expect(args.connection).toEqual([
      ...["--ldap-url", "ldaps://dc01.contoso.test", "--bind-dn", "svc@contoso.test"],
      ...["--bind-password-file", "/p"],
    ]);
  });

  it.each([
    [["--since", SINCE, "--lab"], "--user is required (a sAMAccountName, DN or SID)."],
    [["--user", "terry", "--lab"], "--since is required (an ISO 8601 time such as 2026-12-06T10:40:00Z)."],
    [
      ["--user", "terry", "--since", "yesterday", "--lab"],
      "--since must be an ISO 8601 time such as 2026-12-06T10:40:00Z.",
    ],
    [
      ["--user", "terry", "--since", "2026-13-45T10:00:00Z", "--lab"],
      "--since must be an ISO 8601 time such as 2026-12-06T10:40:00Z.",
    ],
    [
      ["--user", "x)(cn=*", "--since", SINCE, "--lab"],
      "--user is neither a sAMAccountName, a distinguished name (CN=…,DC=…) nor a SID.",
    ],
    [["--user", "terry\u0000", "--since", SINCE, "--lab"], "--user must not contain control characters."],
    [["--user", "terry", "--since", SINCE], "--ldap-url is required (or --lab for the local Samba lab)."],
    [
      ["--user", "terry", "--since", SINCE, "--ldap-url", "ldaps://dc"],
      "--bind-dn is required with --ldap-url.",
    ],
    [
      ["--user", "terry", "--since", SINCE, "--lab", "--ldap-url", "ldaps://dc"],
      "--lab reads the lab's own connection; leave out --ldap-url and --bind-dn.",
    ],
  ])("refuses %j naming the flag", (argv, message) => {
    expect(() => parsePasswordLandedArgs(argv)).toThrow(message);
  });

  it("refuses an unknown flag", () => {
    expect(() =>
      parsePasswordLandedArgs(["--user", "terry", "--since", SINCE, "--lab", "--snapshot", "x"]),
    ).toThrow(/--snapshot/);
  });
});

describe("checkLanding on the sandbox directory (the same parser as over LDAP)", () => {
  const setup = () => {
    const dir = new SandboxDirectory();
    const terry = dir.userByName("Terry Test")!;
    return { dir, sid: terry.sid! };
  };

  it("landed after an admin reset, with the change due at next sign-in", async () => {
    const { dir, sid } = setup();
    const at = new Date("2026-12-06T10:42:00Z");
    dir.passwordSet(sid, at, { mustChange: true });
    const answer = await checkLanding(dir.port(), sid, new Date(SINCE));
    expect(answer).toMatchObject({
      landed: true,
      at,
      mustChangeAtNextLogon: true,
      passwordNeverExpires: false,
    });
    expect(formatLanding(answer, new Date(SINCE))).toBe(
      "Landed: the password of CN=Terry Test,OU=Staff,OU=Corp,DC=contoso,DC=test changed at 10:42 UTC on 2026-12-06, after 10:40 UTC on 2026-12-06.\nThe user must change the password at the next sign-in (pwdLastSet 0).\n",
    );
  });

  it("not landed when the password changed before --since (beyond the clock allowance)", async () => {
    const { dir, sid } = setup();
    dir.passwordSet(sid, new Date("2026-12-06T10:30:00Z"));
    const answer = await checkLanding(dir.port(), sid, new Date(SINCE));
    expect(answer.landed).toBe(false);
    expect(formatLanding(answer, new Date(SINCE))).toMatch(
      /^Not landed: .* last changed at 10:30 UTC on 2026-12-06/,
    );
  });

  it("could not check (a DirectoryError) for an unknown user or missing metadata", async () => {
    const { dir, sid } = setup();
    await expect(checkLanding(dir.port(), "S-1-5-21-9-9-9-9", new Date(SINCE))).rejects.toThrow(
      "No user with SID S-1-5-21-9-9-9-9 was found.",
    );
    await expect(checkLanding(dir.port(), "nobody", new Date(SINCE))).rejects.toBeInstanceOf(DirectoryError);
    // The sandbox's users carry no replication metadata until a password is set there.
    await expect(checkLanding(dir.port(), sid, new Date(SINCE))).rejects.toThrow(
      /Cannot tell when the password of .* last changed: the domain controller returned no replPropertyMetaData/,
    );
  });
});
